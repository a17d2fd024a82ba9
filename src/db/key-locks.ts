import { sql } from 'kysely';
import { isPostgres, type Db } from '../../db/database.js';

/**
 * Serialises concurrent registrations that could find (or create) the same stay or guest: two
 * PMS calls for one new booking must end with one stay, not two. On PostgreSQL this takes
 * transaction-scoped advisory locks on the keys (sorted, so two callers never wait on each other
 * in opposite orders); on SQLite a write transaction already runs alone. Call inside a transaction.
 */
export async function lockStayKeys(db: Db, accountId: number, keys: string[]): Promise<void> {
  if (keys.length === 0 || !isPostgres(db)) return;
  for (const key of [...new Set(keys)].sort()) {
    await sql`select pg_advisory_xact_lock(${accountId}::int4, hashtext(${key}))`.execute(db);
  }
}
