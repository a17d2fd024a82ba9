import { sql, type Kysely } from 'kysely';
import { type Db, isPostgres } from './database.js';
import { quoted, rowsSql, runRowsSql } from './values-list.js';
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
  const k = db as unknown as Kysely<any>;
  const columns = Object.keys(r.columns);
  const ids: number[] = [];
  const postgres = isPostgres(k as unknown as Db);
  const chunk = postgres ? 5000 : CHUNK;
  for (let i = 0; i < r.rows.length; i += chunk) {
    const part = r.rows.slice(i, i + chunk);
    const returning = opts.returningIds ? sql` returning id` : sql``;
    // SQLite: the text itself (values-list.ts), not a Kysely tree of 500 x columns nodes to build and compile.
    const { rows } = postgres
      ? await sql<{ id: number }>`insert into ${sql.table(r.table)} (${sql.join(columns.map((c) => sql.ref(c)))})
          select * from unnest(${sql.join(columns.map((c) => sql`cast(${part.map((row) => row[c] ?? null)} as ${sql.raw(r.columns[c]!)}[])`))})${returning}`.execute(
          k,
        )
      : await sqliteInsert(k as unknown as Db, r.table, columns, part, opts.returningIds === true);
    if (opts.returningIds) ids.push(...rows.map((row) => Number(row.id)).sort((a, b) => a - b));
  }
  return ids;
}

function sqliteInsert(db: Db, table: string, columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>, returningIds: boolean) {
  const values = rowsSql(
    db,
    rows.map((row) => columns.map((c) => row[c] ?? null)),
  );
  const text = `insert into ${quoted(table)} (${columns.map(quoted).join(', ')}) values ${values.text}${returningIds ? ' returning id' : ''}`;
  return runRowsSql<{ id: number }>(db, text, values.params);
}
