import type { Db } from '../../db/database.js';
import type { Stay } from '../../db/schema.js';
import { beforeSql, type TimelineWindow } from '../shared/timeline-window.js';

/** A guest's stays by registration time, newest first, in a timeline window (status changes are journey events). */
export async function guestStaysTimeline(db: Db, accountId: number, window: TimelineWindow): Promise<Stay[]> {
  if (window.guestIds.length === 0) return [];
  const query = db
    .selectFrom('stays')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('guest_id', 'in', window.guestIds)
    .where(beforeSql(window, 'created_at', 'id'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc');
  return (window.limit === undefined ? query : query.limit(window.limit)).execute();
}
