import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/config.js';
import { unsubscribeByToken, unsubscribeTarget } from '../../core/messaging/unsubscribe.js';
import type { Db } from '../../db/database.js';
import { inWriteTransaction } from '../../db/write-transaction.js';
import { requestLanguage, sendGuestPage, sendNotFoundPage } from '../http/guest-pages.js';
import { text } from '../http/guest-views.js';
import { guestPageHeaders } from '../http/security-headers.js';

/*
 * The unsubscribe page every guest e-mail links to (List-Unsubscribe). GET shows a one-button
 * form and changes nothing (mail scanners open links); POST unsubscribes: the form's button, or a
 * mail client's RFC 8058 one-click POST (body List-Unsubscribe=One-Click, whatever its type).
 */

export interface GuestMessageDeps {
  db: Db;
  config: Config;
}

const masked = (address: string) => address.replace(/^(.)[^@]*(@.*)$/, '$1***$2');

export async function unsubscribePageRoutes(app: FastifyInstance, { db, config }: GuestMessageDeps): Promise<void> {
  await guestPageHeaders(app, config.publicUrl);
  // One-click clients post a form, multipart or nothing at all: the body is not needed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 4096 }, (_request, _body, done) => done(null, undefined));
  const params = Type.Object({ token: Type.String({ maxLength: 100 }) });

  app.get('/unsubscribe/:token', { schema: { hide: true, params } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const target = await unsubscribeTarget(db, token);
    if (!target) return sendNotFoundPage(reply, request);
    const lang = requestLanguage(request);
    const action = `${config.publicUrl.replace(/\/$/, '')}/unsubscribe/${encodeURIComponent(token)}`;
    return sendGuestPage(reply, 'unsubscribe', lang, { title: text(lang, 'unsubscribe.title'), address: masked(target.address), action });
  });

  app.post('/unsubscribe/:token', { schema: { hide: true, params } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const target = await inWriteTransaction(db, (trx) => unsubscribeByToken(trx, token));
    if (!target) return sendNotFoundPage(reply, request);
    const lang = requestLanguage(request);
    return sendGuestPage(reply, 'unsubscribed', lang, { title: text(lang, 'unsubscribe.doneTitle'), address: masked(target.address) });
  });
}
