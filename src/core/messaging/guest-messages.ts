import type { Db } from '../../db/database.js';
import type { Message } from '../../db/schema.js';
import { beforeSql, type TimelineWindow } from '../shared/timeline-window.js';

/** The messages (e-mail, SMS) queued for a guest with their delivery state, newest first. */
export async function guestMessagesTimeline(db: Db, accountId: number, window: TimelineWindow): Promise<Message[]> {
  if (window.guestIds.length === 0) return [];
  const query = db
    .selectFrom('messages')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('guest_id', 'in', window.guestIds)
    .where(beforeSql(window, 'created_at', 'id'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc');
  return (window.limit === undefined ? query : query.limit(window.limit)).execute();
}

/**
 * Erasure: a guest's messages go (their recipients, variables and bodies are personal data), so
 * one still queued is never sent. Suppressed addresses stay: they record a refusal to be contacted.
 */
export async function eraseGuestMessages(db: Db, accountId: number, guestIds: number[]): Promise<number> {
  if (guestIds.length === 0) return 0;
  const result = await db.deleteFrom('messages').where('account_id', '=', accountId).where('guest_id', 'in', guestIds).executeTakeFirst();
  return Number(result.numDeletedRows);
}
