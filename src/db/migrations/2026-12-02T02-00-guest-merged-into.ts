import { sql, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Guests merged into a survivor are found from it: when a later merge moves the survivor itself
// (they follow, so a merged id is always one step from its survivor) and when the survivor is
// deleted (they go with it). Without this index both read every guest of the account. Partial:
// only merged-away guests are in it, so a new guest (every new contact) adds no entry.

type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('guests_merged_into')
    .on('guests')
    .columns(['account_id', 'merged_into_id'])
    .where(sql.ref('merged_into_id'), 'is not', null)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('guests_merged_into').ifExists().execute();
}
