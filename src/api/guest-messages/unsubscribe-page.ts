import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../../config/config.js';
import { unsubscribeByToken, unsubscribeTarget } from '../../core/messaging/unsubscribe.js';
import type { Db } from '../../db/database.js';
import { inWriteTransaction } from '../../db/write-transaction.js';
import { escapeHtml, page } from '../http/html.js';
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

function notFoundPage(reply: FastifyReply) {
  return reply
    .status(404)
    .type('text/html; charset=utf-8')
    .send(page('Not found', '<h1>This link is not valid</h1><p class="muted">It may have expired or been mistyped.</p>'));
}

export async function unsubscribePageRoutes(app: FastifyInstance, { db, config }: GuestMessageDeps): Promise<void> {
  await guestPageHeaders(app, config.publicUrl);
  // One-click clients post a form, multipart or nothing at all: the body is not needed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 4096 }, (_request, _body, done) => done(null, undefined));
  const params = Type.Object({ token: Type.String({ maxLength: 100 }) });

  app.get('/unsubscribe/:token', { schema: { hide: true, params } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const target = await unsubscribeTarget(db, token);
    if (!target) return notFoundPage(reply);
    return reply.type('text/html; charset=utf-8').send(
      page(
        'Unsubscribe',
        `<h1>Unsubscribe</h1><p>Stop e-mails to ${escapeHtml(masked(target.address))}?</p>
<form method="post" action="${escapeHtml(`${config.publicUrl.replace(/\/$/, '')}/unsubscribe/${encodeURIComponent(token)}`)}"><button type="submit">Unsubscribe</button></form>`,
      ),
    );
  });

  app.post('/unsubscribe/:token', { schema: { hide: true, params } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const target = await inWriteTransaction(db, (trx) => unsubscribeByToken(trx, token));
    if (!target) return notFoundPage(reply);
    return reply
      .type('text/html; charset=utf-8')
      .send(page('Unsubscribed', `<h1>You are unsubscribed</h1><p>${escapeHtml(masked(target.address))} will get no more of these e-mails.</p>`));
  });
}
