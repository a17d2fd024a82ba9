import type { FastifyRequest } from 'fastify';
import { adminWrite } from '../write-context.js';
import { locationScope, seesLocation } from '../permissions.js';
import { inboxViewer } from '../inbox-viewer.js';
import { markThreadRead } from '../../../core/inbox/reads-and-notes.js';
import { chatSessionSummary, listChatSessionSummaries } from '../../../core/chat/chat-session-list.js';
import { isHttpUrl, readChatMessageInput } from '../../../core/chat/chat-message-input.js';
import { markChatMessagesRead, postChatMessageTo } from '../../../core/chat/chat-messages.js';
import { listSessionMessages } from '../../../core/chat/chat-events.js';
import { chatSessionExpired, findChatSession } from '../../../core/chat/chat-sessions.js';
import { findGuestsByIds } from '../../../core/guests/guests.js';
import { AppError, badRequest, notFound } from '../../../core/shared/errors.js';
import type { ChatSession } from '../../../db/schema.js';
import type { Db } from '../../../db/database.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { IdParams, NoContent, errors } from '../schemas.js';
import { photoLinksOf, presentChatMessage, presentChatSession } from './chat-present.js';
import { pageSecret } from '../../../core/accounts/page-links.js';
import {
  ChatHistoryQuery,
  ChatHistorySchema,
  ChatMessageSchema,
  ChatSessionListQuery,
  ChatSessionListSchema,
  ChatSessionSchema,
  HotelMessageBody,
  MarkReadBody,
  MarkReadSchema,
  TypingBody,
} from './chat-schemas.js';

const tags = ['chat'];

const expiredSession = () => new AppError('conflict', 409, 'the chat session has expired (30 days after checkout); register a new stay to reopen it');

/** The chat session, when the caller's locations include its location (else a 404, as for another account's). */
async function sessionOf(db: Db, request: FastifyRequest, id: number): Promise<ChatSession> {
  const session = await findChatSession(db, request.accountId, id);
  if (!session || !seesLocation(request, session.location_id)) throw notFound('chat session');
  return session;
}

function readAvatar(url: string | null | undefined): string | null {
  if (url === undefined || url === null || url === '') return null;
  if (!isHttpUrl(url)) throw badRequest('authorAvatarUrl must be an absolute http or https URL');
  return url;
}

/**
 * The staff side of the guest chat (Loopon chat sessions): the account's sessions with their last
 * message and unread count, a session's history, a hotel message (reaches the guest's open
 * sockets at once), marking the guest's messages read (the guest sees `read` set), and typing.
 */
export async function chatRoutes(app: AdminApp, { db, realtime, config }: AdminDeps): Promise<void> {
  const photoLinks = async (accountId: number) => photoLinksOf(config.publicUrl, await pageSecret(db, accountId));
  const guestNames = async (accountId: number, ids: number[]) =>
    new Map((await findGuestsByIds(db, accountId, [...new Set(ids)])).map((guest) => [guest.id, guest.name] as const));

  app.get(
    '/chat/sessions',
    {
      schema: {
        tags,
        summary: 'List chat sessions',
        description: 'Sessions with at least one message, the most recent message first, each with its last message and unread guest messages.',
        querystring: ChatSessionListQuery,
        response: { 200: ChatSessionListSchema, ...errors(400) },
      },
    },
    async (request) => {
      const { locationId, unread, limit = 50, offset = 0 } = request.query;
      const scope = locationScope(request);
      const locationIds = scope === 'all' ? undefined : scope;
      const summaries = await listChatSessionSummaries(db, request.accountId, { locationId, locationIds, unreadOnly: unread === true, limit, offset });
      const names = await guestNames(
        request.accountId,
        summaries.map((s) => s.session.guest_id),
      );
      return {
        sessions: summaries.map((s) => presentChatSession(s, names.get(s.session.guest_id) ?? null)),
        limit,
        offset,
        nextOffset: summaries.length === limit ? offset + limit : null,
      };
    },
  );

  app.get(
    '/chat/sessions/:id',
    { schema: { tags, summary: 'Get a chat session', params: IdParams, response: { 200: ChatSessionSchema, ...errors(400, 404) } } },
    async (request) => {
      const session = await sessionOf(db, request, request.params.id);
      const names = await guestNames(request.accountId, [session.guest_id]);
      return presentChatSession(await chatSessionSummary(db, session), names.get(session.guest_id) ?? null);
    },
  );

  app.get(
    '/chat/sessions/:id/messages',
    {
      schema: {
        tags,
        summary: "Read a session's messages",
        description: 'The newest `limit` messages, or those before `before` (page back), or after `after` (catch up); oldest first.',
        params: IdParams,
        querystring: ChatHistoryQuery,
        response: { 200: ChatHistorySchema, ...errors(400, 404) },
      },
    },
    async (request) => {
      const { before, after, limit = 50 } = request.query;
      if (before !== undefined && after !== undefined) throw badRequest('give before or after, not both');
      const session = await sessionOf(db, request, request.params.id);
      const page = await listSessionMessages(db, request.accountId, session, { before, after, limit: limit + 1 });
      const hasMore = page.length > limit;
      const messages = hasMore ? (after !== undefined ? page.slice(0, limit) : page.slice(1)) : page;
      const links = await photoLinks(request.accountId);
      return { messages: messages.map((m) => presentChatMessage(m, links)), hasMore };
    },
  );

  app.post(
    '/chat/sessions/:id/messages',
    {
      schema: {
        tags,
        summary: 'Send a hotel message',
        description:
          'Stored with author hotel and media webchat, and sent at once to the guest app sockets of the session (a chatMessage LooponEvent). ' +
          'text/html is sanitised to a small allow-list; image/png|gif|jpeg take an http(s) url. An expired session is a 409.',
        params: IdParams,
        body: HotelMessageBody,
        response: { 201: ChatMessageSchema, ...errors(400, 404, 409, 413) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const input = readChatMessageInput({ contentType: body.contentType, content: body.content, url: body.url, localId: body.localId });
      const author = { author: 'hotel' as const, authorName: body.authorName, authorAvatarUrl: readAvatar(body.authorAvatarUrl), media: 'webchat' as const };
      const accountId = request.accountId;
      const posted = await inWriteTransaction(db, (trx) =>
        postChatMessageTo(adminWrite(request, trx), request.params.id, author, input, (found) => {
          if (!seesLocation(request, found.location_id)) throw notFound('chat session');
          if (chatSessionExpired(found)) throw expiredSession();
        }),
      );
      if (!posted) throw notFound('chat session');
      const { session, event } = posted;
      realtime.hub.publish({ kind: 'event', accountId, sessionId: session.id, locationId: session.location_id, event });
      return reply.status(201).send(presentChatMessage(event, await photoLinks(accountId)));
    },
  );

  app.post(
    '/chat/sessions/:id/read',
    {
      schema: {
        tags,
        summary: "Mark the guest's messages read",
        description:
          "Sets `read` on the guest's unread messages (up to `upTo`, else all; at most 1000 per call); the guest's sockets receive each as an updated chatMessage. " +
          'The staff member (staffId, or the signed-in one) has read the session up to now in the inbox.',
        params: IdParams,
        body: MarkReadBody,
        response: { 200: MarkReadSchema, ...errors(400, 404) },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const upTo = request.body?.upTo;
      const viewer = await inboxViewer(db, request, request.body?.staffId ?? undefined);
      const now = Date.now();
      const { session, updated } = await inWriteTransaction(db, async (trx) => {
        const found = await sessionOf(trx, request, request.params.id);
        if (viewer !== null) await markThreadRead(trx, accountId, 'chat', found.id, viewer, now);
        return { session: found, updated: await markChatMessagesRead(adminWrite(request, trx), found, 'hotel', upTo, now) };
      });
      for (const event of updated) realtime.hub.publish({ kind: 'event', accountId, sessionId: session.id, locationId: session.location_id, event });
      realtime.hub.publish({
        kind: 'inbox',
        accountId,
        change: { type: 'inbox.read', thread: { kind: 'chat', id: session.id }, locationId: session.location_id, staffId: viewer, readAt: now },
      });
      return { updated: updated.length, readAt: updated[0]?.readAt ?? null };
    },
  );

  app.post(
    '/chat/sessions/:id/typing',
    {
      schema: {
        tags,
        summary: 'Show the guest that staff is typing',
        description: 'Relayed at once to the guest app sockets as a typingIndicator LooponEvent; not stored. Send again about every 5 seconds while typing.',
        params: IdParams,
        body: TypingBody,
        response: { 204: NoContent, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const session = await sessionOf(db, request, request.params.id);
      const { authorName, authorAvatarUrl, timeout = 10 } = request.body;
      realtime.hub.publish({
        kind: 'typing',
        accountId: request.accountId,
        sessionId: session.id,
        locationId: session.location_id,
        sessionKey: session.session_key,
        typing: { timeout, author: 'hotel', authorName, authorAvatarUrl: readAvatar(authorAvatarUrl) },
        at: Date.now(),
      });
      return reply.status(204).send(null);
    },
  );
}
