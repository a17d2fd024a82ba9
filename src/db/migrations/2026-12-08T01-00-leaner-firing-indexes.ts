import { sql, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// A journey event that fires two rules writes two firings, two messages and their two send jobs
// in its transaction, and every index of those tables is one more B-tree that insert writes (and
// one more page the commit writes). Three of them did no work on that path:
// - rule_firings: the unique key (account_id, rule_id, dedupe_key) and rule_firings_cascade
//   (rule_id, for deleting a rule's firings) become one unique key (rule_id, dedupe_key). Rule ids
//   are unique across accounts, so it is the same constraint, and it serves the cascade too.
// - messages_provider_id (an SMS provider's id, looked up by its status callbacks) indexes only
//   the messages that have one: NULL until the SMS is sent, never for an e-mail.
// - jobs_account (account_id, created_at, for listing an account's imports) leaves out the send
//   jobs of messages as it already left out the outbox's deliveries: nothing reads them through it.

type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('rule_firings_cascade').ifExists().execute();
  await db.schema.dropIndex('rule_firings_dedupe').ifExists().execute();
  await db.schema.createIndex('rule_firings_dedupe').unique().on('rule_firings').columns(['rule_id', 'dedupe_key']).execute();

  await db.schema.dropIndex('messages_provider_id').ifExists().execute();
  await db.schema.createIndex('messages_provider_id').unique().on('messages').column('provider_id').where(sql.ref('provider_id'), 'is not', null).execute();

  await db.schema.dropIndex('jobs_account').ifExists().execute();
  await db.schema
    .createIndex('jobs_account')
    .on('jobs')
    .columns(['account_id', 'created_at'])
    .where(sql<boolean>`kind not in ('outbox.delivery', 'messaging.send', 'messaging.send_sms', 'messaging.send_chat')`)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('jobs_account').ifExists().execute();
  await db.schema.createIndex('jobs_account').on('jobs').columns(['account_id', 'created_at']).where(sql.ref('kind'), '<>', sql`'outbox.delivery'`).execute();
  await db.schema.dropIndex('messages_provider_id').ifExists().execute();
  await db.schema.createIndex('messages_provider_id').unique().on('messages').columns(['provider_id']).execute();
  await db.schema.dropIndex('rule_firings_dedupe').ifExists().execute();
  await db.schema.createIndex('rule_firings_dedupe').unique().on('rule_firings').columns(['account_id', 'rule_id', 'dedupe_key']).execute();
  await db.schema.createIndex('rule_firings_cascade').on('rule_firings').columns(['rule_id']).execute();
}
