import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// retention_runs: one row per account, the state of its retention pass (core/retention): when the
// next pass is due, the lease of the instance running it (one instance at a time), where the scan
// of inactive guests stopped (it continues there on the next pass) and what the last pass did.

type AnyDb = Kysely<any>;

const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: AnyDb): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('retention_runs')
    .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('leased_until', 'bigint')
    .addColumn('guest_cursor', pg ? 'bigint' : 'integer')
    .addColumn('guests_scanned_at', 'bigint')
    .addColumn('last_run_at', 'bigint')
    .addColumn('last_summary', 'text')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('retention_runs').ifExists().execute();
}
