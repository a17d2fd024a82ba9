import type { ChatDb } from './chat-db.js';
import type { ChatSession } from '../../db/schema.js';
import { toStoredChatEvent, type StoredChatEvent } from './chat-events.js';

/** A session as the staff console lists it: its last message and how many guest messages are unread. */
export interface ChatSessionSummary {
  session: ChatSession;
  lastMessage: StoredChatEvent | null;
  unreadCount: number;
}

export interface SessionListFilter {
  locationId?: number;
  /** only sessions at these locations (a staff member's); empty: none */
  locationIds?: readonly number[];
  /** only sessions with unread guest messages */
  unreadOnly?: boolean;
  /** only these sessions */
  ids?: readonly number[];
  /** 'open': not expired at `now`; 'closed': expired (30 days after checkout) */
  status?: 'open' | 'closed';
  now?: number;
  limit: number;
  offset: number;
}

/**
 * The account's chat sessions with at least one message, the most recent message first, each
 * with its last message and unread guest messages (those the hotel has not read).
 */
export async function listChatSessionSummaries(db: ChatDb, accountId: number, filter: SessionListFilter): Promise<ChatSessionSummary[]> {
  if (filter.locationIds?.length === 0) return [];
  let query = db
    .selectFrom('chat_sessions')
    .innerJoin(
      (eb) =>
        eb
          .selectFrom('chat_events')
          .select((e) => [
            'session_id',
            e.fn.max('id').as('last_id'),
            e.fn
              .sum<number>(
                e
                  .case()
                  .when(e.and([e('author', '=', 'guest'), e('read_at', 'is', null)]))
                  .then(1)
                  .else(0)
                  .end(),
              )
              .as('unread'),
          ])
          .where('account_id', '=', accountId)
          .where('type', '=', 'chatMessage')
          .groupBy('session_id')
          .as('m'),
      (j) => j.onRef('m.session_id', '=', 'chat_sessions.id'),
    )
    .selectAll('chat_sessions')
    .select(['m.last_id', 'm.unread'])
    .where('chat_sessions.account_id', '=', accountId);
  if (filter.locationId !== undefined) query = query.where('chat_sessions.location_id', '=', filter.locationId);
  if (filter.locationIds !== undefined) query = query.where('chat_sessions.location_id', 'in', [...filter.locationIds]);
  if (filter.unreadOnly) query = query.where('m.unread', '>', 0);
  if (filter.ids !== undefined) {
    if (filter.ids.length === 0) return [];
    query = query.where('chat_sessions.id', 'in', filter.ids);
  }
  const now = filter.now ?? Date.now();
  if (filter.status === 'open') query = query.where((eb) => eb.or([eb('chat_sessions.expires_at', 'is', null), eb('chat_sessions.expires_at', '>', now)]));
  if (filter.status === 'closed') query = query.where('chat_sessions.expires_at', '<=', now);
  const rows = await query.orderBy('m.last_id', 'desc').limit(filter.limit).offset(filter.offset).execute();
  if (rows.length === 0) return [];
  const lastIds = rows.map((r) => Number(r.last_id));
  const last = await db.selectFrom('chat_events').selectAll().where('account_id', '=', accountId).where('id', 'in', lastIds).execute();
  const byId = new Map(last.map((e) => [Number(e.id), e]));
  return rows.map(({ last_id, unread, ...session }) => {
    const event = byId.get(Number(last_id));
    return { session: session as ChatSession, lastMessage: event ? toStoredChatEvent(event, session.session_key) : null, unreadCount: Number(unread ?? 0) };
  });
}

/** One session's summary (also when it has no message yet). */
export async function chatSessionSummary(db: ChatDb, session: ChatSession): Promise<ChatSessionSummary> {
  const last = await db
    .selectFrom('chat_events')
    .selectAll()
    .where('account_id', '=', session.account_id)
    .where('session_id', '=', session.id)
    .where('type', '=', 'chatMessage')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const unread = await db
    .selectFrom('chat_events')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('account_id', '=', session.account_id)
    .where('session_id', '=', session.id)
    .where('type', '=', 'chatMessage')
    .where('author', '=', 'guest')
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { session, lastMessage: last ? toStoredChatEvent(last, session.session_key) : null, unreadCount: Number(unread.n) };
}

/**
 * For each session of `readAt` (session id -> when one staff member last read it; absent: never),
 * how many guest messages came after: that person's unread count (the staff inbox).
 */
export async function guestMessagesAfter(
  db: ChatDb,
  accountId: number,
  sessionIds: readonly number[],
  readAt: Map<number, number>,
): Promise<Map<number, number>> {
  const counts = new Map<number, number>(sessionIds.map((id) => [id, 0]));
  if (sessionIds.length === 0) return counts;
  const since = Math.min(...sessionIds.map((id) => readAt.get(id) ?? 0));
  const rows = await db
    .selectFrom('chat_events')
    .select(['session_id', 'created_at'])
    .where('account_id', '=', accountId)
    .where('session_id', 'in', sessionIds)
    .where('type', '=', 'chatMessage')
    .where('author', '=', 'guest')
    .where('created_at', '>', since)
    .execute();
  for (const row of rows) {
    if (Number(row.created_at) > (readAt.get(row.session_id) ?? 0)) counts.set(row.session_id, (counts.get(row.session_id) ?? 0) + 1);
  }
  return counts;
}
