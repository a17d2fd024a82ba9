import { sql } from 'kysely';
import { isPostgres, type Db } from './database.js';

/**
 * Serialises concurrent transactions that could find (or create) the same row by a natural key
 * that has no unique constraint (a guest's e-mail, a booking reference): two PMS calls for one new
 * booking must end with one stay, two calls for one new e-mail with one guest. On PostgreSQL this
 * takes transaction-scoped advisory locks on the keys, always in sorted order so two callers never
 * wait on each other in opposite orders (and re-taking a held lock is free); on SQLite a write
 * transaction already runs alone. Call inside a transaction.
 */
export async function lockKeys(db: Db, accountId: number, keys: string[]): Promise<void> {
  if (keys.length === 0 || !isPostgres(db)) return;
  for (const key of [...new Set(keys)].sort()) {
    await sql`select pg_advisory_xact_lock(${accountId}::int4, hashtext(${key}))`.execute(db);
  }
}

/**
 * lockKeys for many keys in one statement (a batch of an import: thousands of values), in the
 * same order lockKeys takes them, so the two never deadlock each other.
 */
export async function lockKeyList(db: Db, accountId: number, keys: string[]): Promise<void> {
  if (keys.length === 0 || !isPostgres(db)) return;
  const sorted = [...new Set(keys)].sort();
  await sql`select count(pg_advisory_xact_lock(${accountId}::int4, hashtext(k))) from unnest(${sorted}::text[]) with ordinality as t(k, n)`.execute(db);
}
