import type { ChatEvent, ChatSession } from '../../db/schema.js';
import { beforeSql, type TimelineWindow } from '../shared/timeline-window.js';
import type { ChatDb } from './chat-db.js';

/** A guest's chat sessions (one per location), oldest first. */
export async function guestChatSessions(db: ChatDb, accountId: number, guestIds: number[]): Promise<ChatSession[]> {
  if (guestIds.length === 0) return [];
  return db.selectFrom('chat_sessions').selectAll().where('account_id', '=', accountId).where('guest_id', 'in', guestIds).orderBy('id').execute();
}

/** The events (messages, typing, reads...) of a guest's chat sessions, newest first, with their session's location. */
export async function guestChatTimeline(db: ChatDb, accountId: number, window: TimelineWindow): Promise<Array<ChatEvent & { location_id: number }>> {
  if (window.guestIds.length === 0) return [];
  const query = db
    .selectFrom('chat_events')
    .innerJoin('chat_sessions', 'chat_sessions.id', 'chat_events.session_id')
    .selectAll('chat_events')
    .select('chat_sessions.location_id')
    .where('chat_events.account_id', '=', accountId)
    .where('chat_sessions.guest_id', 'in', window.guestIds)
    .where(beforeSql(window, 'chat_events.created_at', 'chat_events.id'))
    .orderBy('chat_events.created_at', 'desc')
    .orderBy('chat_events.id', 'desc');
  return (window.limit === undefined ? query : query.limit(window.limit)).execute();
}

/** Erasure: a guest's chat sessions with their events and device cursors. */
export async function eraseGuestChat(db: ChatDb, accountId: number, guestIds: number[]): Promise<number> {
  const sessions = (await guestChatSessions(db, accountId, guestIds)).map((s) => s.id);
  if (sessions.length === 0) return 0;
  await db.deleteFrom('chat_device_cursors').where('account_id', '=', accountId).where('session_id', 'in', sessions).execute();
  await db.deleteFrom('chat_events').where('account_id', '=', accountId).where('session_id', 'in', sessions).execute();
  await db.deleteFrom('chat_sessions').where('account_id', '=', accountId).where('id', 'in', sessions).execute();
  return sessions.length;
}

/**
 * Retention: deletes the account's chat events (messages, reads...) and guest photos created before
 * `before`, at most `limit` of each; the sessions stay (they hold no content). Returns what went.
 */
export async function deleteChatHistoryBefore(db: ChatDb, accountId: number, before: number, limit = 5000): Promise<{ events: number; photos: number }> {
  const events = (
    await db.selectFrom('chat_events').select('id').where('account_id', '=', accountId).where('created_at', '<', before).limit(limit).execute()
  ).map((r) => r.id);
  const photos = (
    await db.selectFrom('chat_attachments').select('id').where('account_id', '=', accountId).where('created_at', '<', before).limit(limit).execute()
  ).map((r) => r.id);
  for (let i = 0; i < events.length; i += 500) {
    await db
      .deleteFrom('chat_events')
      .where('account_id', '=', accountId)
      .where('id', 'in', events.slice(i, i + 500))
      .execute();
  }
  for (let i = 0; i < photos.length; i += 500) {
    await db
      .deleteFrom('chat_attachments')
      .where('account_id', '=', accountId)
      .where('id', 'in', photos.slice(i, i + 500))
      .execute();
  }
  return { events: events.length, photos: photos.length };
}
