import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Journey rules and guest messaging (issue 12). journey_rules: an account's rules (a trigger, its
// conditions and one action, as JSON). rule_firings: each time a rule fired, unique per rule and
// de-duplication key (the stay), so a resent checkin fires nothing more. message_templates: per
// account, name, channel and language (LiquidJS text). messages: the outbox of guest messages,
// with the variables of the event that queued them, rendered and sent after commit by a job.
// message_suppressions: addresses that get no more messages of a channel (unsubscribed, refused).
// messaging_settings: an account's quiet hours.
// Event-like tables: 64-bit ids, keys led by account_id.

type AnyDb = Kysely<any>;

const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: AnyDb): Promise<void> {
  const pg = isPostgres(db);
  const serial = (big: boolean) => (pg ? (big ? 'bigserial' : 'serial') : 'integer');
  const pk = (c: any) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  await db.schema
    .createTable('journey_rules')
    .addColumn('id', serial(false), pk)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('conditions', 'text', (c) => c.notNull()) // JSON: {all|any: [...]} or []
    .addColumn('action', 'text', (c) => c.notNull()) // JSON: {type: 'email', template, fallbackLanguage}
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('journey_rules_account_name').unique().on('journey_rules').columns(['account_id', 'name']).execute();

  await db.schema
    .createTable('rule_firings')
    .addColumn('id', serial(true), pk)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('rule_id', 'integer', (c) => c.notNull().references('journey_rules.id').onDelete('cascade'))
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('journey_event_id', pg ? 'bigint' : 'integer')
    .addColumn('guest_id', 'integer', (c) => c.notNull())
    .addColumn('message_id', pg ? 'bigint' : 'integer')
    .addColumn('outcome', 'text', (c) => c.notNull()) // queued | skipped: <why>
    .addColumn('fired_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rule_firings_dedupe').unique().on('rule_firings').columns(['account_id', 'rule_id', 'dedupe_key']).execute();
  await db.schema.createIndex('rule_firings_cascade').on('rule_firings').columns(['rule_id']).execute();

  await db.schema
    .createTable('message_templates')
    .addColumn('id', serial(false), pk)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull()) // email | sms | chat
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull()) // the trigger whose variables it may use
    .addColumn('subject', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('valid_for_ms', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('message_templates_key').unique().on('message_templates').columns(['account_id', 'name', 'channel', 'language']).execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', serial(true), pk)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('guest_id', 'integer', (c) => c.notNull())
    .addColumn('stay_id', 'integer')
    .addColumn('rule_id', 'integer')
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('variables', 'text', (c) => c.notNull()) // JSON: what the trigger provided
    .addColumn('subject', 'text') // rendered when sent
    .addColumn('body_html', 'text')
    .addColumn('body_text', 'text')
    .addColumn('status', 'text', (c) => c.notNull()) // queued | sent | failed | expired | cancelled
    .addColumn('due_at', 'bigint', (c) => c.notNull()) // when it may leave (a delay, a local time, after quiet hours)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('unsubscribe_token', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema.createIndex('messages_account_status').on('messages').columns(['account_id', 'status', 'id']).execute();
  await db.schema.createIndex('messages_account_guest').on('messages').columns(['account_id', 'guest_id', 'id']).execute();
  await db.schema.createIndex('messages_unsubscribe_token').unique().on('messages').columns(['unsubscribe_token']).execute();

  await db.schema
    .createTable('message_suppressions')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull()) // unsubscribed | refused | manual
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_suppressions_pk', ['account_id', 'channel', 'address'])
    .execute();

  await db.schema
    .createTable('messaging_settings')
    .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('quiet_start', 'text') // HH:MM local time of the location, or null: no quiet hours
    .addColumn('quiet_end', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('messaging_settings').ifExists().execute();
  await db.schema.dropTable('message_suppressions').ifExists().execute();
  await db.schema.dropTable('messages').ifExists().execute();
  await db.schema.dropTable('message_templates').ifExists().execute();
  await db.schema.dropTable('rule_firings').ifExists().execute();
  await db.schema.dropTable('journey_rules').ifExists().execute();
}
