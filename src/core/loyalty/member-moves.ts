import type { Db } from '../../db/database.js';

/*
 * What a guest merge moves of the loyalty programme (merges/guest-links.ts) and what a split gives
 * back. A membership is single per guest: merge-checks refuses a merge of two guests both in the
 * programme (loyaltyMergeRefusal), so at most one of them holds one and it moves whole, with its
 * ledger, balances unchanged. (The survivor's own loyalty row, holding only contact attributes such
 * as a birthday, then stays with the merged-away guest until a split.)
 */

/** Whether the guest is in the programme: enrolled, or holding points, level points or operations. */
async function inProgramme(db: Db, accountId: number, guestId: number): Promise<boolean> {
  const member = await db
    .selectFrom('loyalty_members')
    .select(['enrolled_at', 'points', 'level_points'])
    .where('account_id', '=', accountId)
    .where('guest_id', '=', guestId)
    .executeTakeFirst();
  if (member && (member.enrolled_at !== null || member.points !== 0 || member.level_points !== 0)) return true;
  const op = await db
    .selectFrom('loyalty_operations')
    .select('id')
    .where('account_id', '=', accountId)
    .where('guest_id', '=', guestId)
    .limit(1)
    .executeTakeFirst();
  return op !== undefined;
}

/** Why two guests cannot be merged as far as the programme goes, or undefined. */
export async function loyaltyMergeRefusal(db: Db, accountId: number, survivorId: number, otherId: number): Promise<string | undefined> {
  if ((await inProgramme(db, accountId, survivorId)) && (await inProgramme(db, accountId, otherId))) {
    return 'both guests are in the loyalty programme; reset one loyalty account (and move its points) first';
  }
  return undefined;
}

/**
 * Moves the loyalty row of `from` to `to` (returns [from]). When `to` has a row of its own (a
 * contact's attributes, no membership: the merge check saw to that), the two rows swap guests if
 * `from`'s is in the programme, and nothing moves otherwise. With `moved` (a split), the same move
 * is made back, and only if one was made.
 */
export async function reassignLoyaltyMember(db: Db, accountId: number, from: number, to: number, moved?: readonly number[]): Promise<number[]> {
  if (moved && moved.length === 0) return [];
  const rowOf = (guestId: number) =>
    db.selectFrom('loyalty_members').select('guest_id').where('account_id', '=', accountId).where('guest_id', '=', guestId).executeTakeFirst();
  const setGuest = (guestId: number, next: number) =>
    db.updateTable('loyalty_members').set({ guest_id: next }).where('account_id', '=', accountId).where('guest_id', '=', guestId).execute();
  if (!(await rowOf(from))) return [];
  if (await rowOf(to)) {
    if (!moved && !(await inProgramme(db, accountId, from))) return [];
    // Swap through a guest id no guest has (ids are positive).
    await setGuest(from, -from);
    await setGuest(to, from);
    await setGuest(-from, to);
  } else {
    await setGuest(from, to);
  }
  return [moved?.[0] ?? from];
}

/** Moves the ledger operations of `from` (only `ids`, when given) to `to`; returns their ids. */
export async function reassignLoyaltyOperations(db: Db, accountId: number, from: number, to: number, ids?: readonly number[]): Promise<number[]> {
  if (ids && ids.length === 0) return [];
  let query = db.updateTable('loyalty_operations').set({ guest_id: to }).where('account_id', '=', accountId).where('guest_id', '=', from);
  if (ids) query = query.where('id', 'in', [...ids]);
  const rows = await query.returning('id').execute();
  return rows.map((row) => Number(row.id));
}
