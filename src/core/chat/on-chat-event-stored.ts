import type { Db } from '../../db/database.js';
import type { StoredChatEvent } from './chat-events.js';

/**
 * Called in the transaction that stored (or updated) a chat event of a session, for every
 * chatMessage (new, or updated when the counterpart read it), guestConnect and guestDisconnect.
 * Typing indicators are never stored and never come here ("only sent on WebSocket").
 *
 * MERGE(outbox): this is the one call site where the stay's callbacks are enqueued: the outbox
 * branch connects its core function here (same transaction, so nothing is sent unless the event
 * is committed). `event.stayId` is the stay; looponEvent(event) (./loopon-event.ts) is the body
 * to POST. Keep this module free of imports from the stays module: stays imports chat
 * (register-guest-stay.ts), so the other way round would make a cycle between core modules.
 */
export async function onChatEventStored(_trx: Db, _event: StoredChatEvent): Promise<void> {
  // Delivery to stay callbacks is connected by the outbox work.
}
