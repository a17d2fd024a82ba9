import type { Db } from '../../db/database.js';
import type { JourneyEvent } from '../../db/schema.js';
import { beforeSql, type TimelineWindow } from '../shared/timeline-window.js';

/** A guest's journey events (check-in, status changes...) by the time they happened, newest first. */
export async function guestJourneyTimeline(db: Db, accountId: number, window: TimelineWindow): Promise<JourneyEvent[]> {
  if (window.guestIds.length === 0) return [];
  const query = db
    .selectFrom('journey_events')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('guest_id', 'in', window.guestIds)
    .where(beforeSql(window, 'occurred_at', 'id'))
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc');
  return (window.limit === undefined ? query : query.limit(window.limit)).execute();
}

/** Erasure: the rule firings kept for a guest (their de-duplication keys name the guest). */
export async function eraseGuestRuleFirings(db: Db, accountId: number, guestIds: number[]): Promise<number> {
  if (guestIds.length === 0) return 0;
  const result = await db.deleteFrom('rule_firings').where('account_id', '=', accountId).where('guest_id', 'in', guestIds).executeTakeFirst();
  return Number(result.numDeletedRows);
}
