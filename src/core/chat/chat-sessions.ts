import { reassignRows } from '../../db/reassign-rows.js';
import { randomBytes } from 'node:crypto';
import type { ChatDb } from './chat-db.js';
import type { ChatSession } from '../../db/schema.js';

/**
 * The guest's chat session at a unit, created on first use. There is one session per guest and
 * unit for the whole journey (not one per topic or stay). Its key is a 128-bit random secret:
 * the guest app authenticates with it, so it is never derived from ids.
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
      language,
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

export async function findGuestChatSession(db: ChatDb, accountId: number, guestId: number, locationId: number): Promise<ChatSession | undefined> {
  return db
    .selectFrom('chat_sessions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('guest_id', '=', guestId)
    .where('location_id', '=', locationId)
    .executeTakeFirst();
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
 * returns the ids of the events moved.
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
    .execute();
  const byLocation = new Map<number, { language: string | null; ids: number[] }>();
  for (const event of events) {
    const entry = byLocation.get(event.location_id) ?? { language: event.language, ids: [] };
    entry.ids.push(Number(event.id));
    byLocation.set(event.location_id, entry);
  }
  for (const [locationId, { language, ids }] of byLocation) {
    const session = await ensureChatSession(db, accountId, toGuestId, locationId, language);
    await db.updateTable('chat_events').set({ session_id: session.id }).where('account_id', '=', accountId).where('id', 'in', ids).execute();
  }
  return events.map((event) => Number(event.id));
}
