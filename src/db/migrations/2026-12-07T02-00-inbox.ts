import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// The staff inbox (issue 14): per conversation (a guest request or a chat session) its assignee
// and whether a guest is waiting for an answer (for the unanswered-message alerts, with the step
// reached so each alert leaves at most once); per staff member when they last read it; internal
// notes staff write on it (never shown to the guest); and the account's alert delays.

type AnyDb = Kysely<any>;

const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: AnyDb): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('inbox_threads')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('thread_id', 'bigint', (c) => c.notNull())
    .addColumn('location_id', 'integer', (c) => c.notNull())
    .addColumn('guest_id', 'integer')
    .addColumn('assignee_id', 'integer')
    .addColumn('awaiting_since', 'bigint')
    .addColumn('alert_step', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('inbox_threads_pk', ['account_id', 'kind', 'thread_id'])
    .execute();
  await db.schema.createIndex('inbox_threads_assignee').on('inbox_threads').columns(['account_id', 'assignee_id']).execute();
  await db.schema
    .createTable('inbox_reads')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('thread_id', 'bigint', (c) => c.notNull())
    .addColumn('employee_id', 'integer', (c) => c.notNull())
    .addColumn('read_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('inbox_reads_pk', ['account_id', 'kind', 'thread_id', 'employee_id'])
    .execute();
  await db.schema
    .createTable('inbox_notes')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('thread_id', 'bigint', (c) => c.notNull())
    .addColumn('author_id', 'integer')
    .addColumn('author_name', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('inbox_notes_thread').on('inbox_notes').columns(['account_id', 'kind', 'thread_id', 'id']).execute();
  await db.schema
    .createTable('inbox_settings')
    .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('first_notify_minutes', 'integer', (c) => c.notNull())
    .addColumn('escalate_minutes', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('inbox_settings').execute();
  await db.schema.dropTable('inbox_notes').execute();
  await db.schema.dropTable('inbox_reads').execute();
  await db.schema.dropTable('inbox_threads').execute();
}
