import fs from 'node:fs';
import path from 'node:path';
import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.js';
import { pageSecret } from '../../core/accounts/page-links.js';
import {
  MAX_PHOTO_BYTES,
  mediaIdOf,
  mediaPath,
  findAttachmentInfo,
  readAttachment,
  signedMediaPath,
  sniffImage,
  storeAttachment,
  verifyMediaLink,
} from '../../core/chat/attachments.js';
import { listSessionMessages } from '../../core/chat/chat-events.js';
import { chatMessagePart } from '../../core/chat/loopon-event.js';
import { postChatMessageTo } from '../../core/chat/chat-messages.js';
import { chatSessionExpired, findChatSessionByKey } from '../../core/chat/chat-sessions.js';
import { findGuest } from '../../core/guests/guests.js';
import type { OutboundClient } from '../../core/outbound/http-client.js';
import { AppError, badRequest } from '../../core/shared/errors.js';
import { GUEST_ACTOR, inTransaction } from '../../core/shared/write-context.js';
import type { Db } from '../../db/database.js';
import type { ChatSession } from '../../db/schema.js';
import { inWriteTransaction } from '../../db/write-transaction.js';
import type { CredentialLimits } from '../http/credential-failures.js';
import { VIEWS_DIR } from '../http/guest-views.js';
import type { Realtime } from '../http/realtime.js';
import { guestPageHeaders } from '../http/security-headers.js';
import { requestOrigin } from '../http/write-origin.js';
import { createImageProxy } from './image-proxy.js';

/*
 * What the guest pages' chat needs besides the guest chat socket (Loopon face): its script, the
 * photo upload, the image proxy, and the signed media links that serve photos to guests and staff.
 * The chat session key (the socket's credential, in the page) is the credential of the upload and
 * the proxy too; unknown keys count as failed credential checks, as on the socket.
 */

export interface GuestChatDeps {
  db: Db;
  config: Config;
  credentialLimits: CredentialLimits;
  realtime: Realtime;
  outbound: OutboundClient;
}

/** Photos one session may send per minute. */
const PHOTOS_PER_MINUTE = 10;
/** The messages of a session an image URL is looked for in (the proxy fetches only what the chat shows). */
const PROXY_LOOKBACK = 200;

const CHAT_SCRIPT = fs.readFileSync(path.join(VIEWS_DIR, 'assets', 'chat.js'), 'utf8');

const fail = (reply: FastifyReply, err: AppError) => reply.status(err.status).send({ error: { code: err.code, message: err.message } });

export async function guestChatRoutes(app: FastifyInstance, deps: GuestChatDeps): Promise<void> {
  const { db, config, realtime } = deps;
  await guestPageHeaders(app, config.publicUrl, { script: true });
  await app.register(multipart, { limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 4, parts: 5 } });
  const failures = deps.credentialLimits.failuresOf('guest-chat-key');
  const proxy = createImageProxy(deps.outbound);
  const photoTimes = new Map<number, number[]>();
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (err instanceof AppError) return fail(reply, err);
    if (err.statusCode && err.statusCode < 500) return fail(reply, new AppError(err.code?.toLowerCase() ?? 'bad_request', err.statusCode, err.message));
    request.log.error({ err }, 'guest chat request failed');
    return fail(reply, new AppError('internal_error', 500, 'something went wrong; try again'));
  });

  /** The open session a key names; 404 (counted as a failed credential), 429 when locked out, 410 when expired. */
  async function sessionOf(request: FastifyRequest, key: string): Promise<ChatSession> {
    const locked = failures.lockout(request, key);
    if (locked) throw locked;
    const session = await findChatSessionByKey(db, key);
    if (!session) {
      await failures.failed(request, key);
      throw new AppError('not_found', 404, 'no such chat');
    }
    if (chatSessionExpired(session)) throw new AppError('session_expired', 410, 'this chat has ended');
    return session;
  }

  app.get('/g/assets/chat.js', { schema: { hide: true } }, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').type('text/javascript; charset=utf-8').send(CHAT_SCRIPT),
  );

  const KeyParams = Type.Object({ key: Type.String({ maxLength: 64 }) });

  app.post('/g/chat/:key/photos', { schema: { hide: true, params: KeyParams } }, async (request, reply) => {
    const session = await sessionOf(request, (request.params as { key: string }).key);
    if (!request.isMultipart()) throw new AppError('unsupported_media_type', 415, 'send the photo as multipart/form-data, in a field named photo');
    const now = Date.now();
    const times = (photoTimes.get(session.id) ?? []).filter((at) => at > now - 60_000);
    if (times.length >= PHOTOS_PER_MINUTE) throw new AppError('rate_limited', 429, `at most ${PHOTOS_PER_MINUTE} photos a minute`);
    const file = await request.file();
    if (file?.fieldname !== 'photo') throw badRequest('the form holds no file in a field named photo');
    let data: Buffer;
    try {
      data = await file.toBuffer();
    } catch (err) {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
        throw new AppError('too_large', 413, `a photo may be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
      throw err;
    }
    if (data.length === 0) throw badRequest('the photo is empty');
    const type = sniffImage(data);
    if (!type || type === 'image/gif') throw new AppError('unsupported_type', 415, 'a photo must be a JPEG, PNG, WebP or HEIC image');
    times.push(now);
    // Counters of sessions long quiet are dropped wholesale rather than tracked one by one.
    if (photoTimes.size > 10_000) photoTimes.clear();
    photoTimes.set(session.id, times);
    const guestName = (await findGuest(db, session.account_id, session.guest_id))?.name ?? '';
    const rawLocal = (file.fields.localId as { value?: unknown } | undefined)?.value;
    const localId = typeof rawLocal === 'string' && rawLocal.length <= 200 ? rawLocal : null;
    const posted = await realtime.track(
      inWriteTransaction(db, async (trx) => {
        const attachment = await storeAttachment(trx, session, type, data, now);
        const from = { author: 'guest' as const, authorName: guestName, authorAvatarUrl: null, media: 'webchat' as const };
        const message = { contentType: type, content: null, url: `${config.publicUrl.replace(/\/$/, '')}${mediaPath(attachment.public_id)}`, localId };
        const stored = await postChatMessageTo(
          inTransaction(requestOrigin(request, session.account_id, GUEST_ACTOR), trx),
          session.id,
          from,
          message,
          (fresh) => {
            if (chatSessionExpired(fresh, now)) throw new AppError('session_expired', 410, 'this chat has ended');
          },
        );
        if (!stored) throw new AppError('not_found', 404, 'no such chat');
        return { attachment, event: stored.event, session: stored.session };
      }),
    );
    realtime.hub.publish({ kind: 'event', accountId: session.account_id, sessionId: session.id, locationId: posted.session.location_id, event: posted.event });
    const link = signedMediaPath(await pageSecret(db, session.account_id), posted.attachment.public_id, now);
    return reply
      .status(201)
      .send({ message: chatMessagePart(posted.event), photo: { url: link.path, expiresAt: link.expiresAt, contentType: type, bytes: data.length } });
  });

  app.get(
    '/g/chat/:key/image',
    { schema: { hide: true, params: KeyParams, querystring: Type.Object({ u: Type.String({ minLength: 1, maxLength: 2048 }) }) } },
    async (request, reply) => {
      const session = await sessionOf(request, (request.params as { key: string }).key);
      const url = (request.query as { u: string }).u;
      const own = mediaIdOf(config.publicUrl, url);
      if (own) {
        const info = await findAttachmentInfo(db, own);
        if (!info || info.account_id !== session.account_id || info.session_id !== session.id)
          throw new AppError('not_found', 404, 'no such photo in this chat');
        return reply.redirect(signedMediaPath(await pageSecret(db, session.account_id), own).path, 302);
      }
      const recent = await listSessionMessages(db, session.account_id, session, { limit: PROXY_LOOKBACK });
      if (!recent.some((event) => chatMessagePart(event).url === url)) throw new AppError('not_found', 404, 'no message of this chat shows that image');
      const image = await proxy.fetch(url);
      return reply.header('cache-control', 'private, max-age=300').header('content-disposition', 'inline').type(image.type).send(image.body);
    },
  );

  app.get(
    '/g/media/:id',
    {
      schema: {
        hide: true,
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object({ exp: Type.Optional(Type.String()), sig: Type.Optional(Type.String()) }),
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { exp, sig } = request.query as { exp?: string; sig?: string };
      const info = await findAttachmentInfo(db, id);
      if (!info) throw new AppError('not_found', 404, 'no such photo');
      if (!verifyMediaLink(await pageSecret(db, info.account_id), id, exp, sig))
        throw new AppError('forbidden', 403, 'this photo link is not valid or has expired');
      const photo = await readAttachment(db, id);
      if (!photo) throw new AppError('not_found', 404, 'no such photo');
      const maxAge = Math.max(0, Number(exp) - Math.floor(Date.now() / 1000));
      return reply
        .header('cache-control', `private, max-age=${Math.min(maxAge, 3600)}`)
        .header('content-disposition', 'inline')
        .type(photo.content_type)
        .send(photo.data);
    },
  );
}
