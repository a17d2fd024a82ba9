import type { Db } from '../../db/database.js';
import type { Guest } from '../../db/schema.js';
import { prepared } from '../../db/prepared.js';
import { parseJson } from '../shared/json.js';

/*
 * A guest's profile carries a revision number (guests.version): every core write of the profile
 * adds one and keeps the row as it was here, so a face can show the earlier revisions (the
 * Contacts face's include_versions) and tell that a profile changed whoever wrote it. A deleted
 * guest leaves a tombstone, so "did anything change since?" sees deletions too; a merged-away
 * guest keeps its row (merged_into_id set, updated_at moved), which says the same.
 */

const insertRevision = prepared((db, accountId: number, guestId: number, version: number, snapshot: string, at: number) =>
  db.insertInto('guest_revisions').values({ account_id: accountId, guest_id: guestId, version, snapshot, created_at: at }),
);

/** Keeps `guest` (the row as stored before a write that bumps its version) as an earlier revision. */
export async function keepGuestRevision(db: Db, guest: Guest, at: number): Promise<void> {
  await insertRevision(db, guest.account_id, guest.id, guest.version, JSON.stringify(guest), at);
}

/** The earlier revisions of a guest, oldest first (at most `limit`). */
export async function listGuestRevisions(db: Db, accountId: number, guestId: number, limit = 1000): Promise<Guest[]> {
  const rows = await db
    .selectFrom('guest_revisions')
    .select(['snapshot', 'version'])
    .where('account_id', '=', accountId)
    .where('guest_id', '=', guestId)
    .orderBy('version')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...parseJson<Guest>(row.snapshot, {} as Guest), version: row.version }));
}

/** Records that these guests were deleted. */
export async function recordGuestTombstones(db: Db, accountId: number, guestIds: number[], at: number): Promise<void> {
  if (guestIds.length === 0) return;
  await db
    .insertInto('guest_tombstones')
    .values(guestIds.map((guestId) => ({ account_id: accountId, guest_id: guestId, removed_at: at })))
    .execute();
}

const newestGuestWrite = prepared((db, accountId: number) =>
  db
    .selectFrom('guests')
    .select((eb) => eb.fn.max('updated_at').as('at'))
    .where('account_id', '=', accountId),
);
const newestTombstone = prepared((db, accountId: number) =>
  db
    .selectFrom('guest_tombstones')
    .select((eb) => eb.fn.max('removed_at').as('at'))
    .where('account_id', '=', accountId),
);

/**
 * When the account's guests last changed (epoch ms; 0 when never): the newest write of a guest
 * row (merged-away ones included) or deletion. Two index reads, whatever the number of guests.
 */
export async function lastGuestChange(db: Db, accountId: number): Promise<number> {
  const [written, removed] = await Promise.all([newestGuestWrite(db, accountId), newestTombstone(db, accountId)]);
  const at = (rows: unknown[]) => Number((rows[0] as { at: number | string | null } | undefined)?.at ?? 0);
  return Math.max(at(written.rows), at(removed.rows));
}

/** Whether a guest of this id was deleted (a tombstone was left): an erasure asked again finds nothing to do. */
export async function guestWasRemoved(db: Db, accountId: number, guestId: number): Promise<boolean> {
  const row = await db
    .selectFrom('guest_tombstones')
    .select('id')
    .where('account_id', '=', accountId)
    .where('guest_id', '=', guestId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
