import type { Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Who caused a domain event (issue 10, the write context): a delivery is the stored form of a
// domain event (or of a stay callback's chat event), and now keeps the actor of the change
// ('api-client:<id>', 'admin', 'staff:<id>', 'system', ...) and the id of the request that
// made it, so the admin API can show them. Rows written before have neither (null).

type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('actor', 'text').execute();
  await db.schema.alterTable('deliveries').addColumn('request_id', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('deliveries').dropColumn('request_id').execute();
  await db.schema.alterTable('deliveries').dropColumn('actor').execute();
}
