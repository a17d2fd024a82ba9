import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Issue 13, the Contacts face (and every face after it):
// - oauth_clients.face: the face (audience) a client and its tokens belong to; the existing
//   clients are Loopon's.
// - guests.version: a per-guest revision number every core write of a guest's profile bumps, so
//   any face can tell a profile changed (the Contacts face's contact_version).
// - guests.details: person fields only some faces carry (title, gender, birth date, phone,
//   address, notes...), a JSON object, so they are part of the one profile row.
// - guest_revisions: each earlier revision of a guest's profile (the row as it was), for the
//   Contacts face's include_versions; deleted with the guest.
// - guest_tombstones: a guest that was deleted (or its id), so a conditional read ("changed
//   since?") sees the deletion. Merged-away guests keep their row (merged_into_id, updated_at).
// - guests_account_updated: the newest change of an account's guests is one index read.

type AnyDb = Kysely<any>;

const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: AnyDb): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .alterTable('oauth_clients')
    .addColumn('face', 'text', (c) => c.notNull().defaultTo('loopon'))
    .execute();
  await db.schema
    .alterTable('guests')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('guests')
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('guests_account_updated').on('guests').columns(['account_id', 'updated_at']).execute();
  await db.schema
    .createTable('guest_revisions')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('guest_id', 'integer', (c) => c.notNull().references('guests.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull()) // JSON: the guest row as it was at that version
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('guest_revisions_guest').on('guest_revisions').columns(['account_id', 'guest_id', 'version']).execute();
  await db.schema
    .createTable('guest_tombstones')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('guest_id', 'integer', (c) => c.notNull())
    .addColumn('removed_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('guest_tombstones_account').on('guest_tombstones').columns(['account_id', 'removed_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('guest_tombstones').ifExists().execute();
  await db.schema.dropTable('guest_revisions').ifExists().execute();
  await db.schema.dropIndex('guests_account_updated').ifExists().execute();
  await db.schema.alterTable('guests').dropColumn('details').execute();
  await db.schema.alterTable('guests').dropColumn('version').execute();
  await db.schema.alterTable('oauth_clients').dropColumn('face').execute();
}
