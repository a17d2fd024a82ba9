import type { FastifyInstance, FastifyReply } from 'fastify';
import { openResetLink, resetLinkLanguage, resetPasswordByLink } from '../../core/loyalty/membership.js';
import { checkPassword, hashPassword } from '../../core/loyalty/passwords.js';
import { AppError } from '../../core/shared/errors.js';
import { inWriteTransaction } from '../../db/write-transaction.js';
import { sameOriginForm } from '../http/form-origin.js';
import { escapeHtml, page } from '../http/html.js';
import { guestPageHeaders } from '../http/security-headers.js';
import type { FideltourDeps } from './context.js';

/*
 * The page a password-reset e-mail links to: GET {PUBLIC_URL}/fideltour/portal/reset/<token>
 * shows a form in the member's language (English or Spanish) with a one-time form token; its POST
 * (same origin, that form token) sets the new password once. Every text is escaped; the guest
 * pages' security headers apply (no script, no framing, no referrer, no caching).
 */

export const PORTAL_RESET_PREFIX = '/fideltour/portal/reset';

type Lang = 'en' | 'es';
const TEXT: Record<Lang, Record<string, string>> = {
  en: {
    title: 'Choose a new password',
    password: 'New password',
    confirm: 'The same password again',
    submit: 'Set the password',
    done: 'Your password is changed. You can sign in with it now.',
    doneTitle: 'Password changed',
    invalid: 'This link is not valid',
    used: 'This link has already been used. Ask for a new one if you need to.',
    expired: 'This link has expired. Ask for a new one.',
    unknown: 'It may have expired or been mistyped.',
    refused: 'This form is out of date: open the link from the e-mail again.',
    mismatch: 'The two passwords are not the same.',
    short: 'The password must be 6 to 128 characters.',
  },
  es: {
    title: 'Elige una contraseña nueva',
    password: 'Contraseña nueva',
    confirm: 'Repite la contraseña',
    submit: 'Guardar la contraseña',
    done: 'Tu contraseña ha cambiado. Ya puedes acceder con ella.',
    doneTitle: 'Contraseña cambiada',
    invalid: 'Este enlace no es válido',
    used: 'Este enlace ya se ha usado. Pide otro si lo necesitas.',
    expired: 'Este enlace ha caducado. Pide otro.',
    unknown: 'Puede haber caducado o estar mal escrito.',
    refused: 'Este formulario ha caducado: vuelve a abrir el enlace del correo.',
    mismatch: 'Las dos contraseñas no coinciden.',
    short: 'La contraseña debe tener entre 6 y 128 caracteres.',
  },
};

const langOf = (language: string | null | undefined): Lang => (language?.toLowerCase().startsWith('es') ? 'es' : 'en');

/** The page in the member's language; `html lang` follows it. */
const send = (reply: FastifyReply, status: number, lang: Lang, title: string, body: string) =>
  reply
    .status(status)
    .type('text/html; charset=utf-8')
    .send(page(title, body).replace('<html lang="en">', `<html lang="${lang}">`));

function formPage(reply: FastifyReply, status: number, lang: Lang, action: string, formToken: string, error?: string) {
  const t = TEXT[lang];
  return send(
    reply,
    status,
    lang,
    t.title,
    `<h1>${escapeHtml(t.title)}</h1>${error ? `<p class="muted" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="form_token" value="${escapeHtml(formToken)}">
<label for="password">${escapeHtml(t.password)}</label><input id="password" name="password" type="password" autocomplete="new-password" minlength="6" maxlength="128" required>
<label for="confirm">${escapeHtml(t.confirm)}</label><input id="confirm" name="password_confirm" type="password" autocomplete="new-password" minlength="6" maxlength="128" required>
<button type="submit">${escapeHtml(t.submit)}</button></form>`,
  );
}

function refusedPage(reply: FastifyReply, lang: Lang, state: 'used' | 'expired' | 'unknown' | 'refused') {
  const t = TEXT[lang];
  const status = state === 'refused' ? 403 : state === 'unknown' ? 404 : 410;
  return send(reply, status, lang, t.invalid, `<h1>${escapeHtml(t.invalid)}</h1><p class="muted">${escapeHtml(t[state])}</p>`);
}

export async function portalResetRoutes(app: FastifyInstance, { db, config }: FideltourDeps): Promise<void> {
  await guestPageHeaders(app, config.publicUrl);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  const actionOf = (token: string) => `${config.publicUrl.replace(/\/$/, '')}${PORTAL_RESET_PREFIX}/${encodeURIComponent(token)}`;

  app.get<{ Params: { token: string } }>('/:token', { schema: { hide: true } }, async (request, reply) => {
    const { token } = request.params;
    const lang = langOf(await resetLinkLanguage(db, token));
    const opened = await inWriteTransaction(db, (trx) => openResetLink(trx, token));
    if (opened.state !== 'valid') return refusedPage(reply, lang, opened.state);
    return formPage(reply, 200, lang, actionOf(token), opened.formToken);
  });

  app.post<{ Params: { token: string } }>('/:token', { schema: { hide: true } }, async (request, reply) => {
    const { token } = request.params;
    const lang = langOf(await resetLinkLanguage(db, token));
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    if (!sameOriginForm(request, config.publicUrl)) return refusedPage(reply, lang, 'refused');
    const formToken = body.form_token ?? '';
    const password = body.password ?? '';
    let error: string | undefined;
    if (password !== (body.password_confirm ?? password)) error = TEXT[lang].mismatch;
    else {
      try {
        checkPassword(password);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        error = TEXT[lang].short;
      }
    }
    if (error) {
      // The same form again (a fresh form token: the one posted is not consumed by a bad password).
      const opened = await inWriteTransaction(db, (trx) => openResetLink(trx, token));
      if (opened.state !== 'valid') return refusedPage(reply, lang, opened.state);
      return formPage(reply, 400, lang, actionOf(token), opened.formToken, error);
    }
    const passwordHash = await hashPassword(password);
    const outcome = await inWriteTransaction(db, (trx) => resetPasswordByLink(trx, { token, formToken, passwordHash }));
    if (outcome !== 'done') return refusedPage(reply, lang, outcome);
    const t = TEXT[lang];
    return send(reply, 200, lang, t.doneTitle, `<h1>${escapeHtml(t.doneTitle)}</h1><p>${escapeHtml(t.done)}</p>`);
  });
}
