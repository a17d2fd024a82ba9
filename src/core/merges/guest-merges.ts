import type { Db } from '../../db/database.js';
import type { GuestMerge } from '../../db/schema.js';
import { beforeSql, type TimelineWindow } from '../shared/timeline-window.js';

/** The merges a guest took part in (as survivor or merged), by merge time, newest first. */
export async function guestMergesTimeline(db: Db, accountId: number, window: TimelineWindow): Promise<GuestMerge[]> {
  if (window.guestIds.length === 0) return [];
  const query = db
    .selectFrom('guest_merges')
    .selectAll()
    .where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('survivor_id', 'in', window.guestIds), eb('merged_id', 'in', window.guestIds)]))
    .where(beforeSql(window, 'created_at', 'id'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc');
  return (window.limit === undefined ? query : query.limit(window.limit)).execute();
}

/** The merges of a guest undone by a split, by split time, newest first. */
export async function guestSplitsTimeline(db: Db, accountId: number, window: TimelineWindow): Promise<Array<GuestMerge & { split_at: number }>> {
  if (window.guestIds.length === 0) return [];
  const query = db
    .selectFrom('guest_merges')
    .selectAll()
    .where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('survivor_id', 'in', window.guestIds), eb('merged_id', 'in', window.guestIds)]))
    .where('split_at', 'is not', null)
    .where(beforeSql(window, 'split_at', 'id'))
    .orderBy('split_at', 'desc')
    .orderBy('id', 'desc');
  return (await (window.limit === undefined ? query : query.limit(window.limit)).execute()) as Array<GuestMerge & { split_at: number }>;
}
