import type { Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Loopon stay matching by e-mail or mobile and dates goes from the guest to their stays: this
// index finds a guest's stays at a unit on given dates without reading the unit's other stays on
// those dates (a busy day has hundreds).

type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('stays_account_guest_dates')
    .on('stays')
    .columns(['account_id', 'guest_id', 'location_id', 'checkin_date', 'checkout_date'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('stays_account_guest_dates').ifExists().execute();
}
