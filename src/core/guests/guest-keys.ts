import type { Db } from '../../db/database.js';
import type { Guest } from '../../db/schema.js';
import { createGuest, updateGuest, type GuestFields } from './guests.js';
import { prepared } from '../../db/prepared.js';
import { recordGuestTombstones } from './guest-revisions.js';
import type { WriteContext } from '../shared/write-context.js';

const guestByKey = prepared((db, accountId: number, source: string, key: string) =>
  db
    .selectFrom('guest_keys')
    .innerJoin('guests', 'guests.id', 'guest_keys.guest_id')
    .selectAll('guests')
    .where('guest_keys.account_id', '=', accountId)
    .where('guest_keys.source', '=', source)
    .where('guest_keys.key', '=', key),
);

/** The guest an external system knows by `key` (e.g. a Loop Contact's foreignId), if any. */
export async function findGuestByKey(db: Db, accountId: number, source: string, key: string): Promise<Guest | undefined> {
  const { rows } = await guestByKey(db, accountId, source, key);
  return rows[0] as Guest | undefined;
}

/**
 * Inserts or updates the guest an external system keys by `key`. Runs inside the caller's
 * transaction. Two concurrent inserts of the same key end with one guest: see createGuestWithKey.
 */
export async function upsertGuestByKey(ctx: WriteContext, source: string, key: string, fields: GuestFields): Promise<{ guest: Guest; created: boolean }> {
  const existing = await findGuestByKey(ctx.trx, ctx.accountId, source, key);
  if (existing) return { guest: await updateGuest(ctx, existing, fields), created: false };
  return createGuestWithKey(ctx, source, key, fields);
}

/**
 * Creates a guest under `key`, for a key just found free in this transaction. When a concurrent
 * transaction took the key meanwhile, the key insert does nothing, the fresh row is dropped, and
 * the fields are applied to the winner's guest.
 */
export async function createGuestWithKey(ctx: WriteContext, source: string, key: string, fields: GuestFields): Promise<{ guest: Guest; created: boolean }> {
  const { trx: db, accountId } = ctx;
  const guest = await createGuest(ctx, fields);
  const inserted = await insertKey(db, accountId, source, key, guest.id);
  if (Number(inserted.numAffectedRows ?? 1n) > 0) return { guest, created: true };

  await db.deleteFrom('guests').where('account_id', '=', accountId).where('id', '=', guest.id).execute();
  const winner = await findGuestByKey(db, accountId, source, key);
  if (!winner) throw new Error('guest key conflict without a winner');
  return { guest: await updateGuest(ctx, winner, fields), created: false };
}

/** Removes the guest a key names (with the key); returns the guest's id, or undefined if none. */
export async function deleteGuestByKey(db: Db, accountId: number, source: string, key: string): Promise<Guest | undefined> {
  const guest = await findGuestByKey(db, accountId, source, key);
  if (!guest) return undefined;
  await deleteGuest(db, accountId, guest.id);
  return guest;
}

/**
 * Deletes a guest with their keys, stays and journey (cascades), and the guests merged into it:
 * they are the same person, and their rows would otherwise point at nobody.
 */
export async function deleteGuest(db: Db, accountId: number, guestId: number): Promise<boolean> {
  const result = await db.deleteFrom('guests').where('account_id', '=', accountId).where('id', '=', guestId).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) return false;
  const merged = await db.deleteFrom('guests').where('account_id', '=', accountId).where('merged_into_id', '=', guestId).returning('id').execute();
  // A tombstone for each, so a conditional read ("changed since?") sees the deletion.
  await recordGuestTombstones(db, accountId, [guestId, ...merged.map((row) => row.id)], Date.now());
  return true;
}

// A key taken meanwhile inserts nothing (numAffectedRows 0).
const insertKey = prepared((db, accountId: number, source: string, key: string, guestId: number) =>
  db
    .insertInto('guest_keys')
    .values({ account_id: accountId, source, key, guest_id: guestId })
    .onConflict((oc) => oc.columns(['account_id', 'source', 'key']).doNothing()),
);

/** Makes `key` name an existing guest (a no-op when the key is already taken). */
export async function attachGuestKey(db: Db, accountId: number, source: string, key: string, guestId: number): Promise<void> {
  await insertKey(db, accountId, source, key, guestId);
}

/** True when `source` already keys this guest (under any key). */
export async function guestHasKeyFrom(db: Db, accountId: number, source: string, guestId: number): Promise<boolean> {
  const row = await db
    .selectFrom('guest_keys')
    .select('key')
    .where('account_id', '=', accountId)
    .where('guest_id', '=', guestId)
    .where('source', '=', source)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The external keys naming a guest, by source then key (at most 1000). */
export async function listGuestKeys(db: Db, accountId: number, guestId: number): Promise<Array<{ source: string; key: string }>> {
  return db
    .selectFrom('guest_keys')
    .select(['source', 'key'])
    .where('account_id', '=', accountId)
    .where('guest_id', '=', guestId)
    .orderBy('source')
    .orderBy('key')
    .limit(1000)
    .execute();
}

/** The keys `source` holds for each of these guests (guest id -> its smallest key), in one read. */
export async function keysOfGuests(db: Db, accountId: number, source: string, guestIds: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (guestIds.length === 0) return out;
  const rows = await db
    .selectFrom('guest_keys')
    .select(['guest_id', 'key'])
    .where('account_id', '=', accountId)
    .where('source', '=', source)
    .where('guest_id', 'in', guestIds)
    .orderBy('key')
    .execute();
  for (const row of rows) if (!out.has(row.guest_id)) out.set(row.guest_id, row.key);
  return out;
}
