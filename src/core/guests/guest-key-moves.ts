import type { Db } from '../../db/database.js';

/*
 * External keys changing hands between two guests: a merge gives all of one guest's keys to the
 * survivor, a split gives one back (or to a new guest). The rows are named by [source, key],
 * since guest_keys has no id of its own.
 */

/**
 * Gives `from`'s external keys to `to` (only the `pairs` given, when given), for a guest merge, a
 * split or its undoing; returns exactly the [source, key] pairs that moved, so they can go back.
 */
export async function reassignGuestKeys(
  db: Db,
  accountId: number,
  from: number,
  to: number,
  pairs?: ReadonlyArray<readonly [string, string]>,
): Promise<Array<[string, string]>> {
  if (!pairs) {
    const keys = await db
      .updateTable('guest_keys')
      .set({ guest_id: to })
      .where('account_id', '=', accountId)
      .where('guest_id', '=', from)
      .returning(['source', 'key'])
      .execute();
    return keys.map((k) => [k.source, k.key]);
  }
  const moved: Array<[string, string]> = [];
  for (const [source, key] of pairs) {
    const row = await db
      .updateTable('guest_keys')
      .set({ guest_id: to })
      .where('account_id', '=', accountId)
      .where('source', '=', source)
      .where('key', '=', key)
      .where('guest_id', '=', from)
      .returning(['source', 'key'])
      .executeTakeFirst();
    if (row) moved.push([row.source, row.key]);
  }
  return moved;
}

/** True when this guest row itself holds the key `source`:`key` (a split is asked for a key the guest has). */
export async function guestHoldsKey(db: Db, accountId: number, guestId: number, source: string, key: string): Promise<boolean> {
  const row = await db
    .selectFrom('guest_keys')
    .select('key')
    .where('account_id', '=', accountId)
    .where('source', '=', source)
    .where('key', '=', key)
    .where('guest_id', '=', guestId)
    .executeTakeFirst();
  return row !== undefined;
}
