import type { Kysely } from 'kysely';
import { type Db, isPostgres } from './database.js';
import { quoted, rowsSql, runRowsSql, type RowsSql } from './values-list.js';
import type { ColumnType } from './update-rows.js';

/*
 * Multi-row inserts for bulk writes (a contacts import inserts thousands of guests, keys and stays
 * a batch). On PostgreSQL the rows go as one array per column, `INSERT ... SELECT * FROM unnest(...)`:
 * a handful of parameters instead of one per value (a 500-row insert of 16 columns binds 8,000),
 * which the server parses and binds in a fraction of the time. SQLite, in process, takes a plain
 * multi-row VALUES. The storage layer knows no table here: each module passes its own table name
 * as a literal, which scripts/check-tables.mjs reads like any other query.
 *
 * Rows are inserted in the order given, so ids from a sequence (or SQLite's rowid) count up with
 * the rows, as they do for VALUES.
 */

export interface RowInserts {
  table: string;
  /** the columns written, with their SQL types (the casts of the arrays on PostgreSQL) */
  columns: Readonly<Record<string, ColumnType>>;
  rows: ReadonlyArray<Record<string, unknown>>;
}

/** Rows per statement (SQLite binds one parameter per value). */
const CHUNK = 500;

/** Inserts the rows; returns the new ids, ascending, when `returningIds`. */
export async function insertRows<DB>(db: Kysely<DB>, r: RowInserts, opts: { returningIds?: boolean } = {}): Promise<number[]> {
  const d = db as unknown as Db;
  const postgres = isPostgres(d);
  const columns = Object.keys(r.columns);
  const ids: number[] = [];
  const chunk = postgres ? 5000 : CHUNK;
  for (let i = 0; i < r.rows.length; i += chunk) {
    const part = r.rows.slice(i, i + chunk);
    // As SQL text (values-list.ts), not a Kysely tree of rows x columns nodes to build and compile.
    const { text, params } = postgres ? unnestSql(r, columns, part) : valuesSql(d, columns, part);
    const returning = opts.returningIds ? ' returning id' : '';
    const { rows } = await runRowsSql<{ id: number }>(d, `${insertInto(r.table, columns)} ${text}${returning}`, params);
    if (opts.returningIds) ids.push(...rows.map((row) => Number(row.id)).sort((a, b) => a - b));
  }
  return ids;
}

/**
 * PostgreSQL: the text and parameters of one multi-row insert (at most a few thousand rows) with
 * `returning`, for a module that runs it inside a larger statement (core/jobs insertRowsWithJobs).
 * Its parameters are $1 to $n, n the number of columns.
 */
export function pgInsertRowsSql(r: RowInserts, returning: string): RowsSql {
  const columns = Object.keys(r.columns);
  const { text, params } = unnestSql(r, columns, r.rows);
  return { text: `${insertInto(r.table, columns)} ${text} returning ${returning}`, params };
}

const insertInto = (table: string, columns: readonly string[]) => `insert into ${quoted(table)} (${columns.map(quoted).join(', ')})`;

/** PostgreSQL: one array parameter per column, `select * from unnest(...)`. */
function unnestSql(r: RowInserts, columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>): RowsSql {
  const params = columns.map((c) => rows.map((row) => row[c] ?? null));
  const arrays = columns.map((c, i) => `cast($${i + 1} as ${r.columns[c]}[])`);
  return { text: `select * from unnest(${arrays.join(', ')})`, params };
}

/** SQLite: a multi-row VALUES list. */
function valuesSql(db: Db, columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>): RowsSql {
  const values = rowsSql(
    db,
    rows.map((row) => columns.map((c) => row[c] ?? null)),
  );
  return { text: `values ${values.text}`, params: values.params };
}
