import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// The durable outbox (issue 10). webhook_subscriptions: an account's native webhooks, the signing
// secret sealed with the server's key. deliveries: one row per event that must reach one receiver
// (a webhook subscription or an API client's stay callback), written in the transaction of the
// change; its job (the jobs table) schedules the attempts. delivery_attempts: every attempt made.
// Event-like tables: 64-bit ids, keys led by account_id.

type AnyDb = Kysely<any>;

const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: AnyDb): Promise<void> {
  const pg = isPostgres(db);
  const bigId = pg ? 'bigint' : 'integer';
  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', pg ? 'serial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull()) // JSON array of event types, or ["*"]
    .addColumn('secret_sealed', 'text', (c) => c.notNull()) // whsec_..., sealed (secret-box.ts)
    .addColumn('description', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('disabled_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_subscriptions_account').on('webhook_subscriptions').columns(['account_id', 'id']).execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('target', 'text', (c) => c.notNull()) // webhook | stay_callback
    .addColumn('subscription_id', 'integer') // target webhook
    .addColumn('stay_id', 'integer') // target stay_callback: the stay and the API client
    .addColumn('client_id', 'integer')
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull()) // webhook-id: the same on every attempt
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull()) // JSON: what the body is made of
    .addColumn('status', 'text', (c) => c.notNull()) // pending | delivered | dead
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('life_started_at', 'bigint', (c) => c.notNull()) // the event, or the last replay: retries stop 24 h after it
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .execute();
  await db.schema.createIndex('deliveries_account_status').on('deliveries').columns(['account_id', 'status', 'id']).execute();

  await db.schema
    .createTable('delivery_attempts')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (c) => c.notNull())
    .addColumn('delivery_id', bigId, (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
    .addColumn('attempted_at', 'bigint', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull()) // delivered | failed
    .addColumn('error', 'text')
    .addColumn('response_excerpt', 'text') // at most 1 KiB of the answer
    .execute();
  await db.schema.createIndex('delivery_attempts_delivery').on('delivery_attempts').columns(['account_id', 'delivery_id', 'id']).execute();
  await db.schema.createIndex('delivery_attempts_cascade').on('delivery_attempts').columns(['delivery_id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('delivery_attempts').ifExists().execute();
  await db.schema.dropTable('deliveries').ifExists().execute();
  await db.schema.dropTable('webhook_subscriptions').ifExists().execute();
}
