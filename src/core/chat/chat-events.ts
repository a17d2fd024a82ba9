import type { ChatDb } from './chat-db.js';
import type { ChatEvent } from '../../db/schema.js';
import { badRequest } from '../shared/errors.js';
import { parseJson } from '../shared/json.js';

/** The kinds of event a chat session records (Loopon's LooponEvent types). */
export const CHAT_EVENT_TYPES = ['chatMessage', 'typingIndicator', 'guestConnect', 'guestDisconnect', 'error'] as const;
export type ChatEventType = (typeof CHAT_EVENT_TYPES)[number];

export function isChatEventType(value: unknown): value is ChatEventType {
  return typeof value === 'string' && (CHAT_EVENT_TYPES as readonly string[]).includes(value);
}

/** A stored event with its session's key and its type-specific part parsed. */
export interface StoredChatEvent {
  id: number;
  sessionId: number;
  sessionKey: string;
  stayId: number | null;
  type: ChatEventType;
  payload: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/**
 * Appends an event to a chat session, attached to the stay it happened in (null when none). The
 * realtime chat writes here and the stay's event history reads from here, so what a guest app
 * sees live and what GET .../events returns are the same rows. Run in the caller's transaction.
 */
export async function appendChatEvent(
  db: ChatDb,
  accountId: number,
  sessionId: number,
  stayId: number | null,
  type: ChatEventType,
  payload: Record<string, unknown> = {},
  at = Date.now(),
): Promise<ChatEvent> {
  if (!isChatEventType(type)) throw badRequest(`unknown chat event type "${String(type)}"`);
  return db
    .insertInto('chat_events')
    .values({ account_id: accountId, session_id: sessionId, stay_id: stayId, type, payload: JSON.stringify(payload), created_at: at, updated_at: at })
    .returningAll()
    .executeTakeFirstOrThrow();
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
  return rows.map((r) => ({
    id: r.id,
    sessionId: r.session_id,
    sessionKey: r.session_key,
    stayId: r.stay_id,
    type: r.type as ChatEventType,
    payload: parseJson<Record<string, unknown>>(r.payload, {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}
