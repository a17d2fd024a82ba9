import type { Db } from '../../db/database.js';
import { listTemplates, saveTemplate, type TemplateInput } from '../messaging/templates.js';
import { LOYALTY_EMAIL_TRIGGER } from '../shared/trigger-variables.js';

/*
 * The programme's e-mails as the account starts with them, in English and Spanish: templates of
 * the messaging module like any other, which the hotel edits or translates through the admin API.
 * Seeding never overwrites a template the account already has.
 */

type Text = Pick<TemplateInput, 'subject' | 'body'>;

const TEXTS: Record<string, Record<'en' | 'es', Text>> = {
  'loyalty-activation': {
    en: {
      subject: 'Activate your loyalty membership',
      body: '<p>Hello {{ guest.firstName | default: guest.name | default: "there" }},</p><p>your loyalty membership is ready. You sign in with {{ member.signinEmail }}.</p>',
    },
    es: {
      subject: 'Activa tu cuenta de fidelización',
      body: '<p>Hola {{ guest.firstName | default: guest.name | default: "" }},</p><p>tu cuenta del programa de fidelización está lista. Accedes con {{ member.signinEmail }}.</p>',
    },
  },
  'loyalty-welcome': {
    en: {
      subject: 'Welcome to our loyalty programme',
      body: '<p>Welcome, {{ guest.firstName | default: guest.name | default: "guest" }}!</p><p>You have {{ member.points }} points.</p>',
    },
    es: {
      subject: 'Bienvenido a nuestro programa de fidelización',
      body: '<p>¡Bienvenido, {{ guest.firstName | default: guest.name | default: "" }}!</p><p>Tienes {{ member.points }} puntos.</p>',
    },
  },
  'loyalty-password-reset': {
    en: {
      subject: 'Reset your password',
      body: '<p>To choose a new password, open this link within {{ email.validForMinutes }} minutes:</p><p><a href="{{ links.reset }}">{{ links.reset }}</a></p><p>If you did not ask for it, ignore this e-mail.</p>',
    },
    es: {
      subject: 'Restablece tu contraseña',
      body: '<p>Para elegir una contraseña nueva, abre este enlace en los próximos {{ email.validForMinutes }} minutos:</p><p><a href="{{ links.reset }}">{{ links.reset }}</a></p><p>Si no lo has pedido, ignora este correo.</p>',
    },
  },
};

/** Saves the default loyalty templates the account does not have yet. */
export async function seedLoyaltyTemplates(db: Db, accountId: number, now = Date.now()): Promise<void> {
  for (const [name, languages] of Object.entries(TEXTS)) {
    const have = new Set((await listTemplates(db, accountId, { name })).filter((t) => t.channel === 'email').map((t) => t.language));
    for (const [language, text] of Object.entries(languages)) {
      if (!have.has(language))
        await saveTemplate(db, accountId, { name, channel: 'email', language, trigger: LOYALTY_EMAIL_TRIGGER, ...text, validForMinutes: 60 }, now);
    }
  }
}
