import type { Db } from '../../db/database.js';
import type { Loop, LoopActivity } from '../../db/schema.js';
import { beforeSql, type TimelineWindow } from '../shared/timeline-window.js';

/** The loops (requests) a guest opened, by opening time, newest first. */
export async function guestLoopsTimeline(db: Db, accountId: number, window: TimelineWindow): Promise<Loop[]> {
  if (window.guestIds.length === 0) return [];
  const query = db
    .selectFrom('loops')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('creator_guest_id', 'in', window.guestIds)
    .where(beforeSql(window, 'created_at', 'id'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc');
  return (window.limit === undefined ? query : query.limit(window.limit)).execute();
}

/** The activities (messages, state changes, notes) of the loops a guest opened, newest first. */
export async function guestLoopActivitiesTimeline(db: Db, accountId: number, window: TimelineWindow): Promise<LoopActivity[]> {
  if (window.guestIds.length === 0) return [];
  const query = db
    .selectFrom('loop_activities')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('loop_id', 'in', (eb) => eb.selectFrom('loops').select('id').where('account_id', '=', accountId).where('creator_guest_id', 'in', window.guestIds))
    .where(beforeSql(window, 'occurred_at', 'id'))
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc');
  return (window.limit === undefined ? query : query.limit(window.limit)).execute();
}

/**
 * Erasure: the loops a guest opened go with their activities (their titles, texts and custom
 * fields are the guest's words); in other loops the guest's name is removed from activities.
 */
export async function eraseGuestLoops(db: Db, accountId: number, guestIds: number[]): Promise<{ loops: number; activitiesAnonymised: number }> {
  if (guestIds.length === 0) return { loops: 0, activitiesAnonymised: 0 };
  const ids = (await db.selectFrom('loops').select('id').where('account_id', '=', accountId).where('creator_guest_id', 'in', guestIds).execute()).map(
    (r) => r.id,
  );
  if (ids.length > 0) {
    await db.deleteFrom('loop_activities').where('account_id', '=', accountId).where('loop_id', 'in', ids).execute();
    await db.deleteFrom('loops').where('account_id', '=', accountId).where('id', 'in', ids).execute();
  }
  const anonymised = await db
    .updateTable('loop_activities')
    .set({ person_name: null, person_guest_id: null })
    .where('account_id', '=', accountId)
    .where('person_guest_id', 'in', guestIds)
    .executeTakeFirst();
  return { loops: ids.length, activitiesAnonymised: Number(anonymised.numUpdatedRows) };
}
