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

/**
 * The latest moment a guest's stays name: departure or arrival (epoch ms), checkout or checkin date
 * (read as the start of its UTC day); null when none has one. A stay booked for next year is
 * after today.
 */
export async function latestStayAt(db: Db, accountId: number, guestIds: number[]): Promise<number | null> {
  if (guestIds.length === 0) return null;
  const row = await db
    .selectFrom('stays')
    .select((eb) => [
      eb.fn.max('departure_at').as('departure'),
      eb.fn.max('arrival_at').as('arrival'),
      eb.fn.max('checkout_date').as('checkout'),
      eb.fn.max('checkin_date').as('checkin'),
    ])
    .where('account_id', '=', accountId)
    .where('guest_id', 'in', guestIds)
    .executeTakeFirst();
  const moments = [row?.departure, row?.arrival, row?.checkout, row?.checkin]
    .map((v) => (typeof v === 'string' ? (/^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v.slice(0, 10)) : Number.NaN) : Number(v ?? Number.NaN)))
    .filter((v) => Number.isFinite(v));
  return moments.length ? Math.max(...moments) : null;
}
