import { sql } from 'kysely';
import type { ChatDb } from './chat-db.js';
import type { ChatEvent, ChatSession } from '../../db/schema.js';
import { badRequest } from '../shared/errors.js';
import { parseJson } from '../shared/json.js';
import { nextSeq } from './chat-sessions.js';
import type { StayCallbackTarget } from '../stays/stay-callbacks.js';

/** The kinds of event a chat session records (Loopon's LooponEvent types). */
export const CHAT_EVENT_TYPES = ['chatMessage', 'typingIndicator', 'guestConnect', 'guestDisconnect', 'error'] as const;
export type ChatEventType = (typeof CHAT_EVENT_TYPES)[number];

export function isChatEventType(value: unknown): value is ChatEventType {
  return typeof value === 'string' && (CHAT_EVENT_TYPES as readonly string[]).includes(value);
}

/** A stored event with its session's key and its type-specific part parsed. */
export interface StoredChatEvent {
  id: number;
  accountId: number;
  sessionId: number;
  sessionKey: string;
  stayId: number | null;
  /** the session's sequence number of the event's last change */
  seq: number;
  type: ChatEventType;
  /** chatMessage: guest | hotel (null for other types) */
  author: 'guest' | 'hotel' | null;
  /** chatMessage: when the counterpart read it */
  readAt: number | null;
  payload: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export function toStoredChatEvent(row: ChatEvent, sessionKey: string): StoredChatEvent {
  return {
    id: Number(row.id),
    accountId: row.account_id,
    sessionId: row.session_id,
    sessionKey,
    stayId: row.stay_id,
    seq: Number(row.seq),
    type: row.type as ChatEventType,
    author: row.author === 'guest' || row.author === 'hotel' ? row.author : null,
    readAt: row.read_at === null ? null : Number(row.read_at),
    payload: parseJson<Record<string, unknown>>(row.payload, {}),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/**
 * Appends an event to a chat session, attached to the stay it happened in (null when none), with
 * the session's next sequence number. A chatMessage's `author` and `read` (ISO time) are kept as
 * columns. The realtime chat writes here and the stay's event history reads from here, so what a
 * guest app sees live and what GET .../events returns are the same rows. Run in the caller's
 * transaction; callers that publish the event call onChatEventStored too (chat-messages.ts).
 */
export async function appendChatEvent(
  db: ChatDb,
  accountId: number,
  sessionId: number,
  stayId: number | null,
  type: ChatEventType,
  payload: Record<string, unknown> = {},
  at = Date.now(),
): Promise<StoredChatEvent> {
  if (!isChatEventType(type)) throw badRequest(`unknown chat event type "${String(type)}"`);
  const columns = eventColumns(type, payload);
  const { seq, sessionKey } = await nextSeq(db, accountId, sessionId);
  const row = await db
    .insertInto('chat_events')
    .values({ account_id: accountId, session_id: sessionId, stay_id: stayId, seq, type, ...columns, created_at: at, updated_at: at })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toStoredChatEvent(row, sessionKey);
}

/** What an event's payload becomes in its row: a chatMessage's author and read time are columns. */
function eventColumns(type: ChatEventType, payload: Record<string, unknown>): { author: string | null; read_at: number | null; payload: string } {
  const { author, read, ...rest } = payload;
  const isMessage = type === 'chatMessage';
  const readAt = isMessage && typeof read === 'string' ? Date.parse(read) : Number.NaN;
  return {
    author: isMessage && (author === 'guest' || author === 'hotel') ? author : null,
    read_at: Number.isNaN(readAt) ? null : readAt,
    payload: JSON.stringify(isMessage ? rest : payload),
  };
}

/**
 * PostgreSQL only: appendChatEvent for session `sessionId` in one statement that also returns the
 * session as it is after taking the sequence number (its stay, expiry, key), where reading the
 * session, numbering and inserting take three round trips: the chat's hot path (a message each
 * way). The stay callbacks of the session's stay come back with it (the stays module's
 * stayCallbackTargets, one round trip more otherwise), for onChatEventStored. Undefined when the
 * account has no such session. The caller checks the session (expired?) and throws to roll the
 * event back.
 */
export async function appendChatEventReturningSession(
  db: ChatDb,
  accountId: number,
  sessionId: number,
  type: ChatEventType,
  payload: Record<string, unknown>,
  at: number,
): Promise<{ session: ChatSession; event: StoredChatEvent; stayCallbacks: StayCallbackTarget[] } | undefined> {
  if (!isChatEventType(type)) throw badRequest(`unknown chat event type "${String(type)}"`);
  const c = eventColumns(type, payload);
  const { rows } = await sql<{ session: ChatSession; event: ChatEvent; callbacks: StayCallbackTarget[] }>`
    with s as (
      update chat_sessions set last_seq = last_seq + 1 where account_id = ${accountId} and id = ${sessionId} returning *
    ), e as (
      insert into chat_events (account_id, session_id, stay_id, seq, type, author, read_at, payload, created_at, updated_at)
      select s.account_id, s.id, s.stay_id, s.last_seq, ${type}::text, ${c.author}::text, ${c.read_at}::bigint, ${c.payload}::text, ${at}::bigint, ${at}::bigint
      from s
      returning *
    )
    select row_to_json(s) as session, row_to_json(e) as event,
      (select coalesce(json_agg(json_build_object('clientId', cb.client_id, 'url', cb.url) order by cb.client_id), '[]'::json)
        from stay_callbacks cb where cb.account_id = s.account_id and cb.stay_id = s.stay_id) as callbacks
    from s, e`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  return { session: row.session, event: toStoredChatEvent(row.event, row.session.session_key), stayCallbacks: row.callbacks };
}

/** A stay's events, oldest first, `limit` of them after skipping `offset`. */
export async function listStayChatEvents(db: ChatDb, accountId: number, stayId: number, page: { offset: number; limit: number }): Promise<StoredChatEvent[]> {
  const rows = await db
    .selectFrom('chat_events')
    .innerJoin('chat_sessions', (j) =>
      j.onRef('chat_sessions.id', '=', 'chat_events.session_id').onRef('chat_sessions.account_id', '=', 'chat_events.account_id'),
    )
    .selectAll('chat_events')
    .select('chat_sessions.session_key')
    .where('chat_events.account_id', '=', accountId)
    .where('chat_events.stay_id', '=', stayId)
    .orderBy('chat_events.created_at')
    .orderBy('chat_events.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((r) => toStoredChatEvent(r, r.session_key));
}

/**
 * A session's events of `types` changed after sequence number `afterSeq`, in sequence order (an
 * updated message comes again at its update): what a reconnecting device has not seen yet.
 */
export async function listSessionChangesAfter(
  db: ChatDb,
  accountId: number,
  session: { id: number; session_key: string },
  afterSeq: number,
  types: readonly ChatEventType[],
  limit: number,
): Promise<StoredChatEvent[]> {
  const rows = await db
    .selectFrom('chat_events')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('session_id', '=', session.id)
    .where('seq', '>', afterSeq)
    .where('type', 'in', [...types])
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => toStoredChatEvent(r, session.session_key));
}

/** A session's chat messages by id: `limit` of them before `before` (newest page first when paging back), returned oldest first. */
export async function listSessionMessages(
  db: ChatDb,
  accountId: number,
  session: { id: number; session_key: string },
  page: { before?: number; after?: number; limit: number },
): Promise<StoredChatEvent[]> {
  let query = db
    .selectFrom('chat_events')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('session_id', '=', session.id)
    .where('type', '=', 'chatMessage');
  if (page.before !== undefined) query = query.where('id', '<', page.before);
  if (page.after !== undefined) query = query.where('id', '>', page.after);
  // Paging forward from `after` reads oldest first; otherwise the newest page before `before`.
  const rows = await query
    .orderBy('id', page.after !== undefined ? 'asc' : 'desc')
    .limit(page.limit)
    .execute();
  if (page.after === undefined) rows.reverse();
  return rows.map((r) => toStoredChatEvent(r, session.session_key));
}

/**
 * The account's events of every session stored or updated at `since` or later, each with its
 * session's location, in sequence order per session (at most `limit`): what a realtime hub that
 * missed notices delivers again (chat-hub.ts).
 */
export async function listAccountChangesSince(
  db: ChatDb,
  accountId: number,
  since: number,
  limit: number,
): Promise<Array<{ event: StoredChatEvent; locationId: number }>> {
  const rows = await db
    .selectFrom('chat_events')
    .innerJoin('chat_sessions', (join) =>
      join.onRef('chat_sessions.id', '=', 'chat_events.session_id').onRef('chat_sessions.account_id', '=', 'chat_events.account_id'),
    )
    .selectAll('chat_events')
    .select(['chat_sessions.session_key', 'chat_sessions.location_id'])
    .where('chat_events.account_id', '=', accountId)
    .where('chat_events.updated_at', '>=', since)
    .orderBy('chat_events.session_id')
    .orderBy('chat_events.seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ event: toStoredChatEvent(r, r.session_key), locationId: r.location_id }));
}

/** One stored event with its session's key, or undefined (another instance announced it: chat-hub.ts). */
export async function findStoredChatEvent(db: ChatDb, accountId: number, eventId: number): Promise<StoredChatEvent | undefined> {
  const row = await db
    .selectFrom('chat_events')
    .innerJoin('chat_sessions', (join) =>
      join.onRef('chat_sessions.id', '=', 'chat_events.session_id').onRef('chat_sessions.account_id', '=', 'chat_events.account_id'),
    )
    .selectAll('chat_events')
    .select('chat_sessions.session_key')
    .where('chat_events.account_id', '=', accountId)
    .where('chat_events.id', '=', eventId)
    .executeTakeFirst();
  return row ? toStoredChatEvent(row, row.session_key) : undefined;
}
