import type { Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Guest SMS (issue 12): a message remembers the provider's id of what it sent (Twilio's
// MessageSid, unique per provider message, how a delivery status callback finds its message) and
// the last delivery state the provider reported (queued, sent, delivered, undelivered, failed...).

type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('messages').addColumn('provider_id', 'text').execute();
  await db.schema.alterTable('messages').addColumn('delivery_status', 'text').execute();
  await db.schema.alterTable('messages').addColumn('delivery_updated_at', 'bigint').execute();
  await db.schema.createIndex('messages_provider_id').unique().on('messages').columns(['provider_id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('messages_provider_id').ifExists().execute();
  await db.schema.alterTable('messages').dropColumn('delivery_updated_at').execute();
  await db.schema.alterTable('messages').dropColumn('delivery_status').execute();
  await db.schema.alterTable('messages').dropColumn('provider_id').execute();
}
