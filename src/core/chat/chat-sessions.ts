import { reassignRows } from '../../db/reassign-rows.js';
import { randomBytes } from '../shared/random-bytes.js';
import type { ChatDb } from './chat-db.js';
import type { ChatSession } from '../../db/schema.js';

const DAY = 86_400_000;
/** A session stays open this long after the end of its last checkout day. */
export const CHAT_SESSION_DAYS_AFTER_CHECKOUT = 30;

/**
 * The guest's chat session at a unit, created on first use. There is one session per guest and
 * unit for the whole journey (not one per topic or stay). Its key is a 128-bit random secret:
 * the guest app authenticates with it, so it is never derived from ids. Its language (the
 * WebSocket URL's) is fixed when it is made; the messenger reference is another random value, so
 * sharing it (an m.me link) never gives the session key away.
 */
export async function ensureChatSession(db: ChatDb, accountId: number, guestId: number, locationId: number, language: string | null): Promise<ChatSession> {
  const existing = await findGuestChatSession(db, accountId, guestId, locationId);
  if (existing) return existing;
  const inserted = await db
    .insertInto('chat_sessions')
    .values({
      account_id: accountId,
      guest_id: guestId,
      location_id: locationId,
      session_key: randomBytes(16).toString('hex'),
      messenger_ref: randomBytes(9).toString('base64url'),
      language: language ?? 'en',
      created_at: Date.now(),
    })
    .onConflict((oc) => oc.columns(['account_id', 'guest_id', 'location_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return inserted;
  // A concurrent registration created it first.
  const winner = await findGuestChatSession(db, accountId, guestId, locationId);
  if (!winner) throw new Error('chat session conflict without a winner');
  return winner;
}

/** What a stay registration tells the session: which stay it is, its status and checkout day. */
export interface SessionStay {
  stayId: number;
  status: string;
  /** YYYY-MM-DD, local at the hotel; null when unknown */
  checkoutDate: string | null;
}

/**
 * Records a registration of one of the session's stays. The stay becomes the one new messages
 * belong to, unless it is a past stay (poststay) registered while the session already has one.
 * Expiry: 30 days after the end of the latest checkout day the session has seen; a stay still
 * ahead or in house without a checkout day reopens it until one is known; a poststay without one
 * counts as checked out now.
 */
export async function attachChatSessionStay(db: ChatDb, session: ChatSession, stay: SessionStay, now = Date.now()): Promise<ChatSession> {
  const checkoutEnd = stay.checkoutDate ? Date.parse(`${stay.checkoutDate}T00:00:00.000Z`) + DAY : stay.status === 'poststay' ? now : undefined;
  const expiresAt =
    checkoutEnd === undefined || Number.isNaN(checkoutEnd) ? null : Math.max(session.expires_at ?? 0, checkoutEnd + CHAT_SESSION_DAYS_AFTER_CHECKOUT * DAY);
  const stayId = stay.status === 'poststay' && session.stay_id !== null ? session.stay_id : stay.stayId;
  if (expiresAt === session.expires_at && stayId === session.stay_id) return session;
  return db
    .updateTable('chat_sessions')
    .set({ expires_at: expiresAt, stay_id: stayId })
    .where('account_id', '=', session.account_id)
    .where('id', '=', session.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A session is expired once its expiry has passed; one with none is open. */
export function chatSessionExpired(session: ChatSession, now = Date.now()): boolean {
  return session.expires_at !== null && session.expires_at <= now;
}

export async function findGuestChatSession(db: ChatDb, accountId: number, guestId: number, locationId: number): Promise<ChatSession | undefined> {
  return db
    .selectFrom('chat_sessions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('guest_id', '=', guestId)
    .where('location_id', '=', locationId)
    .executeTakeFirst();
}

/**
 * The open session of the latest stay among `guestIds`' sessions (the stay registered last: the
 * highest stay id), or undefined when none has one: where a message the guest sends from outside
 * the app (an SMS) belongs.
 */
export async function latestStayChatSession(db: ChatDb, accountId: number, guestIds: readonly number[], now = Date.now()): Promise<ChatSession | undefined> {
  if (guestIds.length === 0) return undefined;
  return db
    .selectFrom('chat_sessions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('guest_id', 'in', [...guestIds])
    .where('stay_id', 'is not', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('stay_id', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** A session of the account by its integer id (the admin API's). */
export async function findChatSession(db: ChatDb, accountId: number, id: number): Promise<ChatSession | undefined> {
  return db.selectFrom('chat_sessions').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

/** The session a guest app names by its key (the WebSocket URL's last segment). */
export async function findChatSessionByKey(db: ChatDb, sessionKey: string): Promise<ChatSession | undefined> {
  if (!/^[0-9a-f]{32}$/.test(sessionKey)) return undefined;
  return db.selectFrom('chat_sessions').selectAll().where('session_key', '=', sessionKey).executeTakeFirst();
}

/**
 * Gives `from`'s chat sessions (or only `ids`) to `to`, for a guest merge or its undoing; returns
 * the ids moved. Sessions are unique per guest and location: check sharedChatLocation first.
 */
export async function reassignChatSessions(db: ChatDb, accountId: number, from: number, to: number, ids?: readonly number[]): Promise<number[]> {
  return reassignRows(db, { table: 'chat_sessions', column: 'guest_id', accountId, from, to, ids });
}

/** A location where both guests have a chat session (the lowest id), or undefined: such guests cannot be merged until one is closed or moved. */
export async function sharedChatLocation(db: ChatDb, accountId: number, guestId: number, otherGuestId: number): Promise<number | undefined> {
  const shared = await db
    .selectFrom('chat_sessions')
    .select('location_id')
    .where('account_id', '=', accountId)
    .where('guest_id', 'in', [guestId, otherGuestId])
    .groupBy('location_id')
    .having((eb) => eb.fn.countAll(), '>', 1)
    .orderBy('location_id')
    .limit(1)
    .executeTakeFirst();
  return shared?.location_id;
}

/**
 * Moves the chat events of the stays `stayIds` from `fromGuestId`'s sessions into `toGuestId`'s
 * session at the same location (created when missing), for a key split off with its stays;
 * returns the ids of the events moved. Moved events take the new session's next sequence numbers.
 */
export async function moveStayChatEvents(db: ChatDb, accountId: number, fromGuestId: number, toGuestId: number, stayIds: readonly number[]): Promise<number[]> {
  if (stayIds.length === 0) return [];
  const events = await db
    .selectFrom('chat_events')
    .innerJoin('chat_sessions', 'chat_sessions.id', 'chat_events.session_id')
    .select(['chat_events.id', 'chat_sessions.location_id', 'chat_sessions.language'])
    .where('chat_events.account_id', '=', accountId)
    .where('chat_events.stay_id', 'in', stayIds)
    .where('chat_sessions.guest_id', '=', fromGuestId)
    .orderBy('chat_events.seq')
    .execute();
  const byLocation = new Map<number, { language: string | null; ids: number[] }>();
  for (const event of events) {
    const entry = byLocation.get(event.location_id) ?? { language: event.language, ids: [] };
    entry.ids.push(Number(event.id));
    byLocation.set(event.location_id, entry);
  }
  for (const [locationId, { language, ids }] of byLocation) {
    const session = await ensureChatSession(db, accountId, toGuestId, locationId, language);
    for (const id of ids) {
      const seq = await nextSeq(db, accountId, session.id);
      await db.updateTable('chat_events').set({ session_id: session.id, seq: seq.seq }).where('account_id', '=', accountId).where('id', '=', id).execute();
    }
  }
  return events.map((event) => Number(event.id));
}

/**
 * The session's next sequence number (and its key). The update locks the session's row until the
 * transaction ends, so a session's writes commit in sequence order: a device cursor never skips.
 */
export async function nextSeq(db: ChatDb, accountId: number, sessionId: number, count = 1): Promise<{ seq: number; sessionKey: string }> {
  const row = await db
    .updateTable('chat_sessions')
    .set((eb) => ({ last_seq: eb('last_seq', '+', count) }))
    .where('account_id', '=', accountId)
    .where('id', '=', sessionId)
    .returning(['last_seq', 'session_key'])
    .executeTakeFirst();
  if (!row) throw new Error(`chat session ${sessionId} not found`);
  return { seq: Number(row.last_seq), sessionKey: row.session_key };
}

/** Which of `guestIds` have a chat session at one of `locationIds` (what a staff member of those locations may see of guests). */
export async function guestsWithChatsAt(db: ChatDb, accountId: number, guestIds: readonly number[], locationIds: readonly number[]): Promise<number[]> {
  if (guestIds.length === 0 || locationIds.length === 0) return [];
  const rows = await db
    .selectFrom('chat_sessions')
    .select('guest_id')
    .distinct()
    .where('account_id', '=', accountId)
    .where('guest_id', 'in', [...guestIds])
    .where('location_id', 'in', [...locationIds])
    .execute();
  return rows.map((r) => r.guest_id);
}
