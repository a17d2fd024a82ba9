import type { ChatSession } from '../../db/schema.js';
import { isPostgres } from '../../db/database.js';
import { appendChatEvent, appendChatEventReturningSession, toStoredChatEvent, type StoredChatEvent } from './chat-events.js';
import type { ChatMessageInput } from './chat-message-input.js';
import { findChatSession, nextSeq } from './chat-sessions.js';
import { onChatEventStored } from './on-chat-event-stored.js';
import type { WriteContext } from '../shared/write-context.js';
import { guestWaiting, staffAnswered } from '../inbox/threads.js';
import { stayCallbackTargets, type StayCallbackTarget } from '../stays/stay-callbacks.js';

/*
 * The chat's writes: a message from the guest or the hotel, the hotel reading the guest's
 * messages, a guest app connecting or disconnecting. Each runs in the caller's write transaction
 * and hands what it stored to onChatEventStored (stay callbacks); the caller publishes it on the
 * chat hub after the commit.
 */

/** Who wrote a message and through what: the guest (appchat) or hotel staff (webchat). */
export interface ChatAuthor {
  author: 'guest' | 'hotel';
  authorName: string;
  authorAvatarUrl: string | null;
  media: 'appchat' | 'webchat' | 'sms' | 'facebook' | 'email';
}

const messagePayload = (from: ChatAuthor, message: ChatMessageInput) => ({
  author: from.author,
  read: null,
  localId: message.localId,
  authorName: from.authorName,
  authorAvatarUrl: from.authorAvatarUrl,
  media: from.media,
  url: message.url,
  content: message.content,
  contentType: message.contentType,
});

export async function postChatMessage(
  ctx: WriteContext,
  session: ChatSession,
  from: ChatAuthor,
  message: ChatMessageInput,
  now = Date.now(),
): Promise<StoredChatEvent> {
  const event = await appendChatEvent(ctx.trx, session.account_id, session.id, session.stay_id, 'chatMessage', messagePayload(from, message), now);
  await onChatEventStored(ctx, event);
  await tellInbox(ctx, session, from, now);
  return event;
}

/** The staff inbox hears who wrote: a guest now waits for an answer, or staff answered. */
function tellInbox(ctx: WriteContext, session: ChatSession, from: ChatAuthor, at: number): Promise<void> {
  const ref = { kind: 'chat' as const, id: session.id, locationId: session.location_id, guestId: session.guest_id };
  return from.author === 'guest' ? guestWaiting(ctx, ref, at) : staffAnswered(ctx, ref, at);
}

/**
 * Posts a message to session `sessionId` of the context's account as it is now (a registration may
 * have moved its stay or expiry since a socket opened), once `admit` accepted the session (it
 * throws to refuse, an expired session for one: nothing is kept). Undefined for a session the
 * account does not have. On PostgreSQL the session is read, numbered and the message stored in
 * one statement (the chat's hot path, a message each way).
 */
export async function postChatMessageTo(
  ctx: WriteContext,
  sessionId: number,
  from: ChatAuthor,
  message: ChatMessageInput,
  admit: (session: ChatSession) => void,
  now = Date.now(),
): Promise<{ session: ChatSession; event: StoredChatEvent } | undefined> {
  if (isPostgres(ctx.trx)) {
    const stored = await appendChatEventReturningSession(ctx.trx, ctx.accountId, sessionId, 'chatMessage', messagePayload(from, message), now);
    if (!stored) return undefined;
    admit(stored.session);
    await onChatEventStored(ctx, stored.event, stored.stayCallbacks);
    await tellInbox(ctx, stored.session, from, now);
    return { session: stored.session, event: stored.event };
  }
  const session = await findChatSession(ctx.trx, ctx.accountId, sessionId);
  if (!session) return undefined;
  admit(session);
  return { session, event: await postChatMessage(ctx, session, from, message, now) };
}

/**
 * The hotel (reader 'hotel') read the guest's messages, or the guest the hotel's: sets `read` on
 * the counterpart's unread messages up to `upToId` (all when undefined). Each updated message takes
 * a new sequence number, so devices that were away get it again on reconnect. Returns them.
 */
export async function markChatMessagesRead(
  ctx: WriteContext,
  session: ChatSession,
  reader: 'guest' | 'hotel',
  upToId: number | undefined,
  now = Date.now(),
): Promise<StoredChatEvent[]> {
  const { trx } = ctx;
  const writtenBy = reader === 'hotel' ? 'guest' : 'hotel';
  let query = trx
    .selectFrom('chat_events')
    .select('id')
    .where('account_id', '=', session.account_id)
    .where('session_id', '=', session.id)
    .where('type', '=', 'chatMessage')
    .where('author', '=', writtenBy)
    .where('read_at', 'is', null);
  if (upToId !== undefined) query = query.where('id', '<=', upToId);
  const unread = await query.orderBy('id').limit(1000).execute();
  if (unread.length === 0) return [];
  const { seq: last, sessionKey } = await nextSeq(trx, session.account_id, session.id, unread.length);
  // Each message goes, updated, to the callbacks of its stay: read once per stay, not per message.
  const callbacksOf = new Map<number, StayCallbackTarget[]>();
  const callbacksFor = async (stayId: number | null) => {
    if (stayId === null) return [];
    const known = callbacksOf.get(stayId) ?? (await stayCallbackTargets(trx, session.account_id, stayId));
    callbacksOf.set(stayId, known);
    return known;
  };
  const updated: StoredChatEvent[] = [];
  let seq = last - unread.length;
  for (const { id } of unread) {
    seq += 1;
    const row = await trx
      .updateTable('chat_events')
      .set({ read_at: now, updated_at: now, seq })
      .where('account_id', '=', session.account_id)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const event = toStoredChatEvent(row, sessionKey);
    await onChatEventStored(ctx, event, await callbacksFor(event.stayId));
    updated.push(event);
  }
  return updated;
}

/** A guest app connected (guestConnect) or disconnected (guestDisconnect); `deviceId` when it named one. */
export async function recordGuestPresence(
  ctx: WriteContext,
  session: ChatSession,
  type: 'guestConnect' | 'guestDisconnect',
  deviceId: string | null,
  now = Date.now(),
): Promise<StoredChatEvent> {
  const event = await appendChatEvent(ctx.trx, session.account_id, session.id, session.stay_id, type, { deviceId }, now);
  await onChatEventStored(ctx, event);
  return event;
}
