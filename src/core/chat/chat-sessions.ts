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
