import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

// Frozen: this migration imports no application code and must never change once released.
// Guest identity: which values may match a guest (a per-account blocklist, seeded here for the
// accounts that exist), why each automatic match was made (guest_matches), explicit merges
// (guest_merges; a merged-away guest stays as a row pointing at its survivor, so every id it had
// keeps answering) and phone numbers re-normalised to E.164.

type AnyDb = Kysely<any>;

const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;

/** The seed of every account's blocklist at the time of this migration (a copy, not app code). */
const SEED = [
  ...['noemail', 'no-email', 'nomail', 'noreply', 'no-reply', 'none', 'unknown', 'na', 'test'].map((local) => ({ kind: 'email', pattern: `${local}@*` })),
  { kind: 'phone', pattern: 'rule:fewer-than-6-digits' },
  { kind: 'phone', pattern: 'rule:one-repeated-digit' },
];

export async function up(db: AnyDb): Promise<void> {
  const pg = isPostgres(db);
  const id = (name: string) =>
    db.schema.createTable(name).addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()));
  const accountRef = (c: any) => c.notNull().references('accounts.id').onDelete('cascade');

  // A merged-away guest keeps its row (its ids keep answering) and points at the survivor.
  await db.schema.alterTable('guests').addColumn('merged_into_id', 'integer').execute();

  await id('identity_blocklist')
    .addColumn('account_id', 'integer', accountRef)
    .addColumn('kind', 'text', (c) => c.notNull()) // email | phone
    .addColumn('pattern', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('identity_blocklist_pattern').unique().on('identity_blocklist').columns(['account_id', 'kind', 'pattern']).execute();

  await id('guest_matches')
    .addColumn('account_id', 'integer', accountRef)
    .addColumn('guest_id', 'integer', (c) => c.notNull().references('guests.id').onDelete('cascade'))
    .addColumn('rule', 'text', (c) => c.notNull()) // email | mobile | new
    .addColumn('source', 'text', (c) => c.notNull()) // who arrived: loop, loopon, admin, ...
    .addColumn('identifier', 'text', (c) => c.notNull().defaultTo('')) // the value that matched, or ''
    .addColumn('reason', 'text') // why a new guest was made although a value was known
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('first_at', 'bigint', (c) => c.notNull())
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('guest_matches_decision')
    .unique()
    .on('guest_matches')
    .columns(['account_id', 'guest_id', 'rule', 'source', 'identifier'])
    .execute();

  await id('guest_merges')
    .addColumn('account_id', 'integer', accountRef)
    .addColumn('survivor_id', 'integer', (c) => c.notNull().references('guests.id').onDelete('cascade'))
    .addColumn('merged_id', 'integer', (c) => c.notNull().references('guests.id').onDelete('cascade'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull()) // JSON: the merged guest's row before the merge
    .addColumn('moved', 'text', (c) => c.notNull()) // JSON: {table: [row ids]} moved to the survivor
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('split_at', 'bigint')
    .execute();
  await db.schema.createIndex('guest_merges_survivor').on('guest_merges').columns(['account_id', 'survivor_id']).execute();

  // Fewer index entries per new stay (a Loop contact's stay is written on every new contact):
  // (account_id, guest_id) is a prefix of stays_account_guest_dates, and a stay without a booking
  // reference (every Loop contact's) needs no entry in the booking index.
  await db.schema.dropIndex('stays_account_guest').execute();
  await db.schema.dropIndex('stays_account_booking').execute();
  await db.schema
    .createIndex('stays_account_booking')
    .on('stays')
    .columns(['account_id', 'location_id', 'booking_reference'])
    .where(sql.ref('booking_reference'), 'is not', null)
    .execute();

  const now = Date.now();
  const accounts: Array<{ id: number; settings: string }> = await db.selectFrom('accounts').select(['id', 'settings']).execute();
  for (const account of accounts) {
    await db
      .insertInto('identity_blocklist')
      .values(SEED.map((entry) => ({ ...entry, account_id: account.id, created_at: now })))
      .execute();
  }
  await renormalisePhones(db, accounts);
}

/** Country codes as the migration finds them: two letters, or nothing usable. */
const countryCode = (value: unknown): CountryCode | undefined =>
  typeof value === 'string' && /^[A-Za-z]{2}$/.test(value.trim()) ? (value.trim().toUpperCase() as CountryCode) : undefined;

/**
 * Every stored mobile number in E.164 where it parses: international numbers as they are, national
 * ones with the country of the guest's latest stay's location, else the account's defaultCountry.
 * A number that does not parse is left as stored.
 */
async function renormalisePhones(db: AnyDb, accounts: Array<{ id: number; settings: string }>): Promise<void> {
  const defaults = new Map<number, CountryCode | undefined>();
  for (const account of accounts) {
    let settings: Record<string, unknown> = {};
    try {
      settings = JSON.parse(account.settings);
    } catch {}
    defaults.set(account.id, countryCode(settings.defaultCountry));
  }
  let after = 0;
  for (;;) {
    const guests: Array<{ id: number; account_id: number; mobile: string }> = await db
      .selectFrom('guests')
      .select(['id', 'account_id', 'mobile'])
      .where('mobile', 'is not', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(1000)
      .execute();
    if (guests.length === 0) return;
    after = guests[guests.length - 1].id;
    for (const guest of guests) {
      const stayCountry = await db
        .selectFrom('stays')
        .innerJoin('locations', 'locations.id', 'stays.location_id')
        .select('locations.country')
        .where('stays.account_id', '=', guest.account_id)
        .where('stays.guest_id', '=', guest.id)
        .orderBy('stays.id', 'desc')
        .limit(1)
        .executeTakeFirst();
      const country = countryCode(stayCountry?.country) ?? defaults.get(guest.account_id);
      const parsed = parsePhoneNumberFromString(guest.mobile, country ? { defaultCountry: country } : undefined);
      const e164 = parsed?.isPossible() ? parsed.number : undefined;
      if (e164 && e164 !== guest.mobile) await db.updateTable('guests').set({ mobile: e164 }).where('id', '=', guest.id).execute();
    }
  }
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('stays_account_booking').execute();
  await db.schema.createIndex('stays_account_booking').on('stays').columns(['account_id', 'location_id', 'booking_reference']).execute();
  await db.schema.createIndex('stays_account_guest').on('stays').columns(['account_id', 'guest_id']).execute();
  await db.schema.dropTable('guest_merges').ifExists().execute();
  await db.schema.dropTable('guest_matches').ifExists().execute();
  await db.schema.dropTable('identity_blocklist').ifExists().execute();
  await db.schema.alterTable('guests').dropColumn('merged_into_id').execute();
}
