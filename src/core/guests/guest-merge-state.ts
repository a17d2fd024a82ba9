import type { Updateable } from 'kysely';
import { isPostgres, type Db } from '../../db/database.js';
import { reassignRows } from '../../db/reassign-rows.js';
import type { Guest, GuestsTable } from '../../db/schema.js';
import { keepGuestRevision } from './guest-revisions.js';

/*
 * The guest rows' side of a merge and its undoing (core/merges drives them): locking both guests,
 * the merged guest becoming a pointer to its survivor and back, and profile fields filled or
 * emptied on the survivor.
 */

/** Profile columns a merge may fill on the survivor and its undoing writes back. */
export type GuestProfile = Pick<
  Updateable<GuestsTable>,
  'first_name' | 'last_name' | 'name' | 'email' | 'mobile' | 'language' | 'vip_status' | 'group_name' | 'custom_fields'
>;

/**
 * On PostgreSQL, locks the guests' rows until the transaction ends, in id order: a concurrent
 * merge or split of the same guests waits, and so does a write adding a row that refers to them
 * (its foreign-key check), so nothing lands on a guest while it is merged away. SQLite writes alone.
 */
export async function lockGuestRows(db: Db, accountId: number, ids: number[]): Promise<void> {
  if (!isPostgres(db)) return;
  await db
    .selectFrom('guests')
    .select('id')
    .where('account_id', '=', accountId)
    .where(
      'id',
      'in',
      [...new Set(ids)].sort((a, b) => a - b),
    )
    .orderBy('id')
    .forUpdate()
    .execute();
}

/**
 * Makes `guestId` a pointer to `survivorId`: its ids answer as the survivor (findGuest), and it
 * gives up its e-mail and mobile so matching never finds it. Returns the row as written.
 */
export async function markGuestMerged(db: Db, accountId: number, guestId: number, survivorId: number, now: number): Promise<Guest> {
  await keepRevision(db, accountId, guestId, now);
  return db
    .updateTable('guests')
    .set({ email: null, mobile: null, merged_into_id: survivorId, updated_at: now })
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('account_id', '=', accountId)
    .where('id', '=', guestId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Writes profile columns of one guest (a merge filling the survivor, a split emptying them again); returns the row. */
export async function writeGuestProfile(db: Db, accountId: number, guestId: number, profile: GuestProfile, now: number): Promise<Guest> {
  await keepRevision(db, accountId, guestId, now);
  return db
    .updateTable('guests')
    .set({ ...profile, updated_at: now })
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('account_id', '=', accountId)
    .where('id', '=', guestId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Makes a merged-away guest itself again with the profile it had (a merge undone); returns the row. */
export async function restoreMergedGuest(db: Db, accountId: number, guestId: number, profile: GuestProfile, now: number): Promise<Guest> {
  await keepRevision(db, accountId, guestId, now);
  return db
    .updateTable('guests')
    .set({ ...profile, merged_into_id: null, updated_at: now })
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('account_id', '=', accountId)
    .where('id', '=', guestId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Re-points the guests merged into `from` (or only `ids`) at `to`: when `from` is merged away in
 * turn, or back when that is undone, so a merged id stays one step from its survivor. Returns the ids moved.
 */
export async function reassignMergedInto(db: Db, accountId: number, from: number, to: number, ids?: readonly number[]): Promise<number[]> {
  return reassignRows(db, { table: 'guests', column: 'merged_into_id', accountId, from, to, ids });
}

/** Keeps the guest's row as it is now as an earlier revision (a merge or its undoing is about to write it). */
async function keepRevision(db: Db, accountId: number, guestId: number, now: number): Promise<void> {
  const row = await db.selectFrom('guests').selectAll().where('account_id', '=', accountId).where('id', '=', guestId).executeTakeFirst();
  if (row) await keepGuestRevision(db, row, now);
}
