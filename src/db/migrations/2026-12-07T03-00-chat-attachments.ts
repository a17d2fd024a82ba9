import type { Kysely } from 'kysely';
import { PostgresAdapter } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Photos guests send from the stay page's chat (issue 14): the bytes are kept in the database,
// so every instance sharing it serves them (no shared disk needed) and a backup holds them.
// public_id is the random name a message's URL and the signed media links carry.

type AnyDb = Kysely<any>;
const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: AnyDb): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('chat_attachments')
    .addColumn('id', pg ? 'serial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('session_id', 'integer', (c) => c.notNull().references('chat_sessions.id').onDelete('cascade'))
    .addColumn('public_id', 'text', (c) => c.notNull().unique())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('byte_size', 'integer', (c) => c.notNull())
    .addColumn('data', pg ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('chat_attachments_session').on('chat_attachments').columns(['account_id', 'session_id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('chat_attachments').ifExists().execute();
}
