import type { Db } from '../../db/database.js';
import { createRule, listRules } from '../journeys/rules.js';
import { listTemplates, saveTemplate } from '../messaging/templates.js';

/*
 * The demo account's journey rules: a welcome e-mail on checkin, in English (the fallback) and
 * Swedish, and a room-ready SMS on roomready for guests with a mobile number, in English, both
 * immediate (the demo account has no quiet hours). With SMTP_URL and the Twilio variables set, the
 * Loop spec's ContactEvent examples send a real e-mail and SMS. Created once; a refresh keeps what
 * staff changed since. Seeded last, so the demo's own stays welcome nobody.
 */

const WELCOME = {
  en: {
    subject: 'Welcome to {{ location.name | default: "Sunnyclear" }}, {{ guest.firstName | default: "dear guest" }}',
    body:
      '<h1>Welcome, {{ guest.firstName | default: "dear guest" }}!</h1>\n' +
      '<p>We are glad to have you at {{ location.name | default: "our hotel" }}.{% if stay.room %} Your room is {{ stay.room }}.{% endif %}</p>\n' +
      '<p>Reply to this e-mail or ask the front desk for anything you need during your stay.</p>',
  },
  sv: {
    subject: 'Välkommen till {{ location.name | default: "Sunnyclear" }}, {{ guest.firstName | default: "kära gäst" }}',
    body:
      '<h1>Välkommen, {{ guest.firstName | default: "kära gäst" }}!</h1>\n' +
      '<p>Vad roligt att du bor hos oss på {{ location.name | default: "hotellet" }}.{% if stay.room %} Ditt rum är {{ stay.room }}.{% endif %}</p>\n' +
      '<p>Svara på det här mejlet eller fråga i receptionen om du behöver något under vistelsen.</p>',
  },
} as const;

const ROOM_READY_SMS =
  'Hi {{ guest.firstName | default: "there" }}, your room{% if stay.room %} {{ stay.room }}{% endif %} at {{ location.name | default: "the hotel" }} is ready. ' +
  'Welcome! Reply STOP to opt out.';

export async function seedDemoRules(db: Db, accountId: number): Promise<void> {
  const have = new Set((await listTemplates(db, accountId, { name: 'welcome' })).filter((t) => t.channel === 'email').map((t) => t.language));
  for (const [language, text] of Object.entries(WELCOME)) {
    if (!have.has(language)) await saveTemplate(db, accountId, { name: 'welcome', channel: 'email', language, trigger: 'stay.checked_in', ...text });
  }
  const hasSms = (await listTemplates(db, accountId, { name: 'room-ready' })).some((t) => t.channel === 'sms' && t.language === 'en');
  if (!hasSms) await saveTemplate(db, accountId, { name: 'room-ready', channel: 'sms', language: 'en', trigger: 'stay.room_readied', body: ROOM_READY_SMS });
  const rules = new Set((await listRules(db, accountId)).map((r) => r.name));
  if (!rules.has('welcome')) {
    await createRule(db, accountId, { name: 'welcome', trigger: 'stay.checked_in', action: { type: 'email', template: 'welcome', fallbackLanguage: 'en' } });
  }
  if (!rules.has('room-ready')) {
    await createRule(db, accountId, {
      name: 'room-ready',
      trigger: 'stay.room_readied',
      conditions: { all: [{ field: 'guest.hasMobile', op: 'eq', value: true }] },
      action: { type: 'sms', template: 'room-ready', fallbackLanguage: 'en' },
    });
  }
}
