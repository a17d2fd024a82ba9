import type { Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Idempotency-Key of the admin API's POSTs: one row per (account, credential, key), inserted
// before the request runs (the primary key makes the claim atomic across instances), completed
// with the answer to replay. Rows older than 24 hours are purged as new ones arrive.

type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('credential', 'text', (c) => c.notNull()) // a hash of the credential that sent the key
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull()) // method, path and body of the first request
    .addColumn('state', 'text', (c) => c.notNull()) // running | done
    .addColumn('status', 'integer')
    .addColumn('headers', 'text') // JSON: the answer's headers worth replaying (content-type, location)
    .addColumn('body', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_at', 'bigint', (c) => c.notNull()) // when the running request took the key
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'credential', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_created').on('idempotency_keys').columns(['account_id', 'created_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('idempotency_keys').ifExists().execute();
}
