import type { Kysely } from 'kysely';
import { type Db, isPostgres } from './database.js';
import { quoted, rowsSql, runRowsSql } from './values-list.js';

/*
 * Set-based updates for bulk writes (a contacts import changes thousands of guests and stays a
 * batch): `UPDATE t SET ... FROM (VALUES ...)`, one statement per chunk of rows that change the same
 * columns, instead of one statement per row. On PostgreSQL every statement is a round trip, so
 * this is what keeps a batch's updates from costing as much as the rest of the batch. The storage
 * layer knows no table here: each module passes its own table name as a literal, which
 * scripts/check-tables.mjs reads like any other query.
 *
 * The VALUES list is read through a sub-select naming its columns (column1, column2... are the
 * names both SQLite and PostgreSQL give a VALUES list), and every value is cast to its column's
 * type so that PostgreSQL does not read them as text.
 */

export type ColumnType = 'text' | 'bigint' | 'integer';

export interface RowUpdates {
  /** a table with an integer `id` and `account_id` */
  table: string;
  accountId: number;
  /** the rows to change: their id and the columns to set */
  rows: ReadonlyArray<{ id: number; set: Record<string, unknown> }>;
  /** the type of each column that may be set */
  types: Readonly<Record<string, ColumnType>>;
  /** a column increased by a number per row (`version` by the revisions a batch made) */
  increment?: { column: string; by: (id: number) => number };
}

/** Rows per statement: far below both dialects' parameter limits for the tables' widths. */
const CHUNK = 500;

export async function updateRowsById<DB>(db: Kysely<DB>, u: RowUpdates): Promise<void> {
  // Rows changing the same columns share statements.
  const groups = new Map<string, Array<{ id: number; set: Record<string, unknown> }>>();
  for (const row of u.rows) {
    const columns = Object.keys(row.set).sort();
    if (columns.length === 0 && !u.increment) continue;
    for (const c of columns) if (!(c in u.types)) throw new Error(`updateRowsById: no type for column ${c} of ${u.table}`);
    const key = columns.join(',');
    const group = groups.get(key) ?? [];
    group.push(row);
    groups.set(key, group);
  }
  for (const [key, rows] of groups) {
    const columns = key === '' ? [] : key.split(',');
    for (let i = 0; i < rows.length; i += CHUNK) await updateChunk(db as unknown as Db, u, columns, rows.slice(i, i + CHUNK));
  }
}

async function updateChunk(db: Db, u: RowUpdates, columns: string[], rows: ReadonlyArray<{ id: number; set: Record<string, unknown> }>) {
  // As SQL text (values-list.ts): built as a Kysely tree, the casts of 500 rows cost more than the update.
  const names = ['id', ...columns, ...(u.increment ? ['increment'] : [])];
  const types: ColumnType[] = ['bigint', ...columns.map((c) => u.types[c]!), ...(u.increment ? (['bigint'] as const) : [])];
  const values = rowsSql(
    db,
    rows.map((row) => [row.id, ...columns.map((c) => row.set[c] ?? null), ...(u.increment ? [u.increment.by(row.id)] : [])]),
    types,
  );
  const table = quoted(u.table);
  const named = names.map((name, i) => `"column${i + 1}" as ${quoted(`v_${name}`)}`).join(', ');
  const sets = columns.map((c) => `${quoted(c)} = v.${quoted(`v_${c}`)}`);
  if (u.increment) sets.push(`${quoted(u.increment.column)} = ${table}.${quoted(u.increment.column)} + v."v_increment"`);
  const account = isPostgres(db) ? `$${values.params.length + 1}` : '?';
  await runRowsSql(
    db,
    `update ${table} set ${sets.join(', ')} from (select ${named} from (values ${values.text}) as x) as v where ${table}."account_id" = ${account} and ${table}."id" = v."v_id"`,
    [...values.params, u.accountId],
  );
}
