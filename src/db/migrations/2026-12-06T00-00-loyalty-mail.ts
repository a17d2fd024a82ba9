import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// The loyalty e-mails go through the messaging module (issue 13, "E-mail"). messages.transactional:
// a message the guest cannot unsubscribe from (a password reset), sent despite an unsubscribe.
// loyalty_reset_tokens: the one-time links of password-reset e-mails (token and form token as
// SHA-256 digests, an expiry, the time of use). loyalty_email_requests, the stopgap that recorded
// the e-mails until the messaging module took them, is dropped: nothing ever read it to send.

type AnyDb = Kysely<any>;

const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: AnyDb): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .alterTable('messages')
    .addColumn('transactional', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('loyalty_reset_tokens')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('guest_id', 'integer', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('form_token_hash', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('loyalty_reset_tokens_token').unique().on('loyalty_reset_tokens').column('token_hash').execute();
  await db.schema.createIndex('loyalty_reset_tokens_guest').on('loyalty_reset_tokens').columns(['account_id', 'guest_id']).execute();
  await db.schema.dropTable('loyalty_email_requests').execute();
}

export async function down(db: AnyDb): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('loyalty_email_requests')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('guest_id', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('language', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('handled_at', 'bigint')
    .execute();
  await db.schema.createIndex('loyalty_email_requests_pending').on('loyalty_email_requests').columns(['account_id', 'handled_at', 'id']).execute();
  await db.schema.dropTable('loyalty_reset_tokens').execute();
  await db.schema.alterTable('messages').dropColumn('transactional').execute();
}
