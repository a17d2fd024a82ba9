import type { Db } from '../../db/database.js';
import type { ChatSession } from '../../db/schema.js';
import { inWriteTransaction } from '../../db/write-transaction.js';
import { listSessionMessages, type StoredChatEvent } from './chat-events.js';
import { attachChatSessionStay, chatSessionExpired, ensureChatSession, findGuestChatSession, type SessionStay } from './chat-sessions.js';

/** Messages a guest page shows when it opens; older ones stay in the staff's history. */
export const PAGE_CHAT_MESSAGES = 50;

/**
 * The chat a guest page (the stay page, a loop's page) shows: the guest's session at the location,
 * opened on first use (as a stay registration with chat would; `stay` becomes its stay when it has
 * none), and its latest messages. Undefined when the session has expired: the page shows no chat.
 */
export async function guestPageChat(
  db: Db,
  accountId: number,
  guestId: number,
  locationId: number,
  language: string,
  stay: SessionStay | null,
  now = Date.now(),
): Promise<{ session: ChatSession; messages: StoredChatEvent[] } | undefined> {
  let session = await findGuestChatSession(db, accountId, guestId, locationId);
  if (!session || (stay && session.stay_id === null)) {
    session = await inWriteTransaction(db, async (trx) => {
      const found = await ensureChatSession(trx, accountId, guestId, locationId, language);
      return stay && found.stay_id === null ? attachChatSessionStay(trx, found, stay, now) : found;
    });
  }
  if (chatSessionExpired(session, now)) return undefined;
  const messages = await listSessionMessages(db, accountId, session, { limit: PAGE_CHAT_MESSAGES });
  return { session, messages };
}
