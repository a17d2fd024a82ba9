import type { Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// `openstay demo` prints the same working credentials on every run (issue 11): they are kept here,
// sealed with SECRET_KEY (never in plain text), one row per demo account.

type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('demo_secrets')
    .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('sealed', 'text', (c) => c.notNull()) // JSON {adminToken, loopToken, clientId, clientSecret}, sealed
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('demo_secrets').ifExists().execute();
}
