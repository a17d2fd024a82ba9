import type { Kysely } from 'kysely';
import { isPostgres, type Db } from '../../db/database.js';

/*
 * Every row that belongs to a guest, by table and column: what a merge moves to the survivor and
 * what undoing it gives back. Whose row is whose is identity's business across modules (a
 * deliberate exception to "a module writes only its own tables", as keyed-contact.ts is for
 * reads): a module whose table holds a guest id adds one line to GUEST_LINKS, and, when its rows
 * must stay single per guest, a check to merge-checks.ts. Nothing else changes.
 */

interface GuestLink {
  /** a table with an integer `id` and `account_id` */
  table: string;
  /** its column holding a guest id */
  column: string;
  /** set when the table is unique on (account_id, column, ...these): a row whose twin the target already has stays put */
  uniqueWith?: readonly string[];
}

export const GUEST_LINKS: readonly GuestLink[] = [
  { table: 'stays', column: 'guest_id' },
  { table: 'journey_events', column: 'guest_id' },
  { table: 'loops', column: 'creator_guest_id' },
  { table: 'loop_activities', column: 'person_guest_id' },
  { table: 'answer_documents', column: 'guest_id' },
  // unique per guest and location: merge-checks.ts refuses a merge where both have one
  { table: 'chat_sessions', column: 'guest_id' },
  // one row per decision and guest: the survivor's own row already tells that decision
  { table: 'guest_matches', column: 'guest_id', uniqueWith: ['rule', 'source', 'identifier'] },
  // guests merged into the one that is merged away now: they follow, so a merged id is one step
  // from its survivor
  { table: 'guests', column: 'merged_into_id' },
];

/** What moved: external keys as [source, key], and the ids of every other table's rows. */
export interface MovedRows {
  guest_keys?: Array<[string, string]>;
  [table: string]: number[] | Array<[string, string]> | undefined;
}

const CHUNK = 500;
const any = (db: Db) => db as unknown as Kysely<any>;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Moves every key and linked row of guest `fromId` to `toId`; returns exactly what moved. */
export async function moveGuestRows(db: Db, accountId: number, fromId: number, toId: number): Promise<MovedRows> {
  const moved: MovedRows = {};
  const keys = await db
    .updateTable('guest_keys')
    .set({ guest_id: toId })
    .where('account_id', '=', accountId)
    .where('guest_id', '=', fromId)
    .returning(['source', 'key'])
    .execute();
  if (keys.length) moved.guest_keys = keys.map((k) => [k.source, k.key]);
  for (const link of GUEST_LINKS) {
    let update = any(db)
      .updateTable(link.table)
      .set({ [link.column]: toId })
      .where('account_id', '=', accountId)
      .where(link.column, '=', fromId);
    if (link.uniqueWith) {
      const columns = link.uniqueWith;
      update = update.where(({ not, exists, selectFrom }) =>
        not(
          exists(
            columns.reduce(
              (q, c) => q.whereRef(`twin.${c}`, '=', `${link.table}.${c}`),
              selectFrom(`${link.table} as twin`).select('twin.id').where('twin.account_id', '=', accountId).where(`twin.${link.column}`, '=', toId),
            ),
          ),
        ),
      );
    }
    const rows: Array<{ id: number }> = await update.returning('id').execute();
    if (rows.length) moved[link.table] = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }
  return moved;
}

/**
 * Moves back what `moved` lists from `fromId` (the survivor) to `toId` (the merged guest): only
 * rows still on `fromId`; what went elsewhere since stays where it is. Returns the count per table.
 */
export async function moveGuestRowsBack(db: Db, accountId: number, moved: MovedRows, fromId: number, toId: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [source, key] of moved.guest_keys ?? []) {
    const result = await db
      .updateTable('guest_keys')
      .set({ guest_id: toId })
      .where('account_id', '=', accountId)
      .where('source', '=', source)
      .where('key', '=', key)
      .where('guest_id', '=', fromId)
      .executeTakeFirst();
    counts.guest_keys = (counts.guest_keys ?? 0) + Number(result.numUpdatedRows);
  }
  for (const link of GUEST_LINKS) {
    const ids = moved[link.table] as number[] | undefined;
    if (!ids?.length) continue;
    for (const part of chunks(ids)) {
      const result = await any(db)
        .updateTable(link.table)
        .set({ [link.column]: toId })
        .where('account_id', '=', accountId)
        .where(link.column, '=', fromId)
        .where('id', 'in', part)
        .executeTakeFirst();
      counts[link.table] = (counts[link.table] ?? 0) + Number(result.numUpdatedRows);
    }
  }
  return counts;
}

/** How many rows of each table `moved` lists. */
export function countMoved(moved: MovedRows): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [table, rows] of Object.entries(moved)) if (Array.isArray(rows) && rows.length) out[table] = rows.length;
  return out;
}

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
    .where('id', 'in', [...new Set(ids)].sort((a, b) => a - b))
    .orderBy('id')
    .forUpdate()
    .execute();
}
