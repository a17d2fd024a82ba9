import type { FastifyInstance, FastifyReply } from 'fastify';
import { openResetLink, resetLinkLanguage, resetPasswordByLink } from '../../core/loyalty/membership.js';
import { checkPassword, hashPassword } from '../../core/loyalty/passwords.js';
import { AppError } from '../../core/shared/errors.js';
import { inWriteTransaction } from '../../db/write-transaction.js';
import { sameOriginForm } from '../http/form-origin.js';
import { type GuestLanguage, guestLanguage, renderGuestPageSync, text } from '../http/guest-views.js';
import { guestPageHeaders } from '../http/security-headers.js';
import type { FideltourDeps } from './context.js';

/*
 * The page a password-reset e-mail links to: GET {PUBLIC_URL}/fideltour/portal/reset/<token>
 * shows a form in the member's language (views/password-reset.liquid) with a one-time form token; its POST
 * (same origin, that form token) sets the new password once. Every text is escaped; the guest
 * pages' security headers apply (no script, no framing, no referrer, no caching).
 */

export const PORTAL_RESET_PREFIX = '/fideltour/portal/reset';

const send = (reply: FastifyReply, status: number, lang: GuestLanguage, view: string, data: Record<string, unknown>) =>
  reply
    .status(status)
    .type('text/html; charset=utf-8')
    .send(renderGuestPageSync(view, lang, data));

const formPage = (reply: FastifyReply, status: number, lang: GuestLanguage, action: string, formToken: string, error = '') =>
  send(reply, status, lang, 'password-reset', { title: text(lang, 'passwordReset.title'), action, form_token: formToken, error });

function refusedPage(reply: FastifyReply, lang: GuestLanguage, state: 'used' | 'expired' | 'unknown' | 'refused') {
  const status = state === 'refused' ? 403 : state === 'unknown' ? 404 : 410;
  const heading = text(lang, 'passwordReset.invalid');
  return send(reply, status, lang, 'message', { title: heading, heading, detail: text(lang, `passwordReset.${state}`) });
}

/** The member's language (a reset link knows it), else the browser's. */
const langOf = (language: string | null | undefined, acceptLanguage: string | undefined) => guestLanguage([language], acceptLanguage);

export async function portalResetRoutes(app: FastifyInstance, { db, config }: FideltourDeps): Promise<void> {
  await guestPageHeaders(app, config.publicUrl);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  const actionOf = (token: string) => `${config.publicUrl.replace(/\/$/, '')}${PORTAL_RESET_PREFIX}/${encodeURIComponent(token)}`;

  app.get<{ Params: { token: string } }>('/:token', { schema: { hide: true } }, async (request, reply) => {
    const { token } = request.params;
    const lang = langOf(await resetLinkLanguage(db, token), request.headers['accept-language']);
    const opened = await inWriteTransaction(db, (trx) => openResetLink(trx, token));
    if (opened.state !== 'valid') return refusedPage(reply, lang, opened.state);
    return formPage(reply, 200, lang, actionOf(token), opened.formToken);
  });

  app.post<{ Params: { token: string } }>('/:token', { schema: { hide: true } }, async (request, reply) => {
    const { token } = request.params;
    const lang = langOf(await resetLinkLanguage(db, token), request.headers['accept-language']);
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    if (!sameOriginForm(request, config.publicUrl)) return refusedPage(reply, lang, 'refused');
    const formToken = body.form_token ?? '';
    const password = body.password ?? '';
    let error: string | undefined;
    if (password !== (body.password_confirm ?? password)) error = text(lang, 'passwordReset.mismatch');
    else {
      try {
        checkPassword(password);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        error = text(lang, 'passwordReset.short');
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
    const heading = text(lang, 'passwordReset.doneTitle');
    return send(reply, 200, lang, 'message', { title: heading, heading, detail: text(lang, 'passwordReset.done') });
  });
}
