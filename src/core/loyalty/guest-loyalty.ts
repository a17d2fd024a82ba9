import type { Db } from '../../db/database.js';
import type { LoyaltyOperation } from '../../db/schema.js';
import { beforeSql, type TimelineWindow } from '../shared/timeline-window.js';

/** A member's loyalty operations (earn, redeem, adjust), newest first. */
export async function guestLoyaltyTimeline(db: Db, accountId: number, window: TimelineWindow): Promise<LoyaltyOperation[]> {
  if (window.guestIds.length === 0) return [];
  const query = db
    .selectFrom('loyalty_operations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('guest_id', 'in', window.guestIds)
    .where(beforeSql(window, 'created_at', 'id'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc');
  return (window.limit === undefined ? query : query.limit(window.limit)).execute();
}

/**
 * Erasure: a guest's loyalty membership, its operations and their lot moves, and its reset
 * links. The caller decides first whether a positive balance may be given up.
 */
export async function eraseGuestLoyalty(db: Db, accountId: number, guestIds: number[]): Promise<{ members: number; operations: number }> {
  if (guestIds.length === 0) return { members: 0, operations: 0 };
  const operations = (
    await db.selectFrom('loyalty_operations').select('id').where('account_id', '=', accountId).where('guest_id', 'in', guestIds).execute()
  ).map((r) => r.id);
  for (let i = 0; i < operations.length; i += 500) {
    const part = operations.slice(i, i + 500);
    await db
      .deleteFrom('loyalty_lot_moves')
      .where('account_id', '=', accountId)
      .where((eb) => eb.or([eb('lot_id', 'in', part), eb('operation_id', 'in', part)]))
      .execute();
    await db.deleteFrom('loyalty_operations').where('account_id', '=', accountId).where('id', 'in', part).execute();
  }
  await db.deleteFrom('loyalty_reset_tokens').where('account_id', '=', accountId).where('guest_id', 'in', guestIds).execute();
  const members = await db.deleteFrom('loyalty_members').where('account_id', '=', accountId).where('guest_id', 'in', guestIds).executeTakeFirst();
  return { members: Number(members.numDeletedRows), operations: operations.length };
}
