import { sql } from 'kysely';
import { isPostgres, type Db } from './database.js';
import type { Database } from './schema.js';

/*
 * PostgreSQL plans each statement from the statistics ANALYZE keeps of a table. A table that grew
 * from nothing in one bulk import has none until autovacuum's analyze runs (never, where autovacuum
 * is off, and a minute or more late where it is on): the planner then takes a million-row
 * guest_keys for a dozen rows and answers a batch's key look-up by reading the whole account's keys
 * (measured: 550 ms a look-up at 950,000 keys instead of 70 ms; docs/performance.md). A bulk writer
 * calls this as its tables grow. SQLite picks its indexes without statistics: nothing to do there.
 */
export async function refreshPlannerStatistics(db: Db, tables: ReadonlyArray<keyof Database>): Promise<void> {
  if (!isPostgres(db) || tables.length === 0) return;
  await sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
}
