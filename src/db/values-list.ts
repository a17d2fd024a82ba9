import { CompiledQuery } from 'kysely';
import { isPostgres, type Db } from './database.js';

/*
 * Statements over many rows at once (a multi-row INSERT, an UPDATE ... FROM (VALUES ...)), written
 * as SQL text with their parameters rather than built with Kysely: for the outbox's batches of a
 * few hundred rows, building and compiling the query tree cost more than running it. The text is
 * fixed by the caller; only values travel as parameters.
 */

export interface RowsSql {
  /** `(p, p, ...), (p, p, ...)` with each placeholder cast to its column's type when types are given */
  text: string;
  params: unknown[];
}

/**
 * The rows as a VALUES list of placeholders (`?` on SQLite, `$n` from `firstParam` on PostgreSQL).
 * With `types`, each placeholder is cast (PostgreSQL types the columns of a VALUES list from them:
 * column1, column2, ... on both databases).
 */
export function rowsSql(db: Db, rows: readonly unknown[][], types?: readonly string[], firstParam = 1): RowsSql {
  const pg = isPostgres(db);
  const params: unknown[] = [];
  const tuples = rows.map((row) => {
    const cells = row.map((value, column) => {
      params.push(value);
      const placeholder = pg ? `$${firstParam + params.length - 1}` : '?';
      return types ? `cast(${placeholder} as ${types[column]})` : placeholder;
    });
    return `(${cells.join(', ')})`;
  });
  return { text: tuples.join(', '), params };
}

/** A table or column name as an SQL identifier (the names are the code's own, never input). */
export const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Runs SQL text made with rowsSql on `db` (a transaction included). */
export function runRowsSql<R>(db: Db, text: string, params: readonly unknown[]): Promise<{ rows: R[] }> {
  return db.executeQuery<R>(CompiledQuery.raw(text, [...params]));
}
