import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Guest, GuestsTable, Stay, StaysTable } from '../../db/schema.js';
import { prepared } from '../../db/prepared.js';

/*
 * A keyed contact (a Loop Contact with a foreignId) is a guest found through guest_keys and the
 * stay kept under the same (source, key). Integrations resend contacts on every PMS change, so
 * this is the hottest read of the write path: both rows, and whether the location the contact
 * names is the account's, come back from one statement (a deliberate exception to "a module reads
 * only its own tables", for the Contact upsert; stays.ts still owns every write to stays). The
 * query always returns exactly one row: the guest's columns are null when the key is unknown, the
 * stay's when no stay is kept under the key (the unique keys guest_keys(account_id, source, key),
 * stays(account_id, source, external_ref) and the locations primary key allow no more).
 */

const STAY_COLUMNS = [
  'id',
  'account_id',
  'guest_id',
  'location_id',
  'source',
  'external_ref',
  'booking_reference',
  'arrival_at',
  'departure_at',
  'room',
  'status',
  'language',
  'booking_date',
  'checkin_date',
  'checkout_date',
  'booking_channel',
  'market_segment',
  'rate_plan',
  'loyalty_program',
  'loyalty_id',
  'loyalty_level',
  'room_category',
  'room_category_name',
  'created_at',
  'updated_at',
] as const satisfies ReadonlyArray<keyof StaysTable>;
// Every column of StaysTable is listed (a new column must be added above).
type MissingStayColumn = Exclude<keyof StaysTable, (typeof STAY_COLUMNS)[number]>;
const allStayColumns: [MissingStayColumn] extends [never] ? true : MissingStayColumn = true;
void allStayColumns;

const GUEST_COLUMNS = [
  'id',
  'account_id',
  'first_name',
  'last_name',
  'name',
  'email',
  'mobile',
  'language',
  'vip_status',
  'group_name',
  'custom_fields',
  'created_at',
  'updated_at',
  'merged_into_id',
  'version',
  'details',
  'loop_id',
] as const satisfies ReadonlyArray<keyof GuestsTable>;
type MissingGuestColumn = Exclude<keyof GuestsTable, (typeof GUEST_COLUMNS)[number]>;
const allGuestColumns: [MissingGuestColumn] extends [never] ? true : MissingGuestColumn = true;
void allGuestColumns;

// Stay columns come back prefixed, next to the guest's.
const STAY_ALIASES = STAY_COLUMNS.map((column) => `stay__${column}`);

const keyedContact = prepared((db, accountId: number, source: string, key: string, locationId: number | null) =>
  db
    .selectFrom(db.selectNoFrom([sql<number>`1`.as('one')]).as('one'))
    .leftJoin('guest_keys as k', (join) => join.on('k.account_id', '=', accountId).on('k.source', '=', source).on('k.key', '=', key))
    .leftJoin('guests as g', (join) => join.onRef('g.account_id', '=', 'k.account_id').onRef('g.id', '=', 'k.guest_id'))
    .leftJoin('stays as s', (join) => join.on('s.account_id', '=', accountId).on('s.source', '=', source).on('s.external_ref', '=', key))
    .leftJoin('locations as l', (join) => join.on('l.account_id', '=', accountId).on('l.id', '=', locationId))
    .select(GUEST_COLUMNS.map((column) => `g.${column}` as const))
    .select(STAY_COLUMNS.map((column, i) => `s.${column} as ${STAY_ALIASES[i]}`) as any)
    .select('l.id as location__id'),
);

export interface KeyedContact {
  /** the guest the key names */
  guest?: Guest;
  /** the stay kept under the same (source, key) */
  stay?: Stay;
  /** true when a location id was given and it is one of the account's */
  locationFound: boolean;
}

/**
 * The guest a key names and the stay kept under the same key (each undefined when absent), and
 * whether `locationId` (null: none to check) is the account's.
 */
export async function findKeyedContact(db: Db, accountId: number, source: string, key: string, locationId: number | null = null): Promise<KeyedContact> {
  const row = (await keyedContact(db, accountId, source, key, locationId)).rows[0] as KeyedRow | undefined;
  if (!row) return { locationFound: false };
  return {
    guest: row.id === null || row.id === undefined ? undefined : guestOf(row),
    stay: row.stay__id === null || row.stay__id === undefined ? undefined : stayOf(row),
    locationFound: row.location__id !== null && row.location__id !== undefined,
  };
}

type KeyedRow = Guest & { [column in keyof Stay as `stay__${column}`]: Stay[column] } & { location__id: number | null };

// Rows copied with literal property names: several times cheaper than a loop over column names.
// The return types make the compiler check that every column is copied.
function guestOf(row: KeyedRow): Guest {
  return {
    id: row.id,
    account_id: row.account_id,
    first_name: row.first_name,
    last_name: row.last_name,
    name: row.name,
    email: row.email,
    mobile: row.mobile,
    language: row.language,
    vip_status: row.vip_status,
    group_name: row.group_name,
    custom_fields: row.custom_fields,
    created_at: row.created_at,
    updated_at: row.updated_at,
    merged_into_id: row.merged_into_id,
    version: row.version,
    details: row.details,
    loop_id: row.loop_id,
  };
}

function stayOf(row: KeyedRow): Stay {
  return {
    id: row.stay__id,
    account_id: row.stay__account_id,
    guest_id: row.stay__guest_id,
    location_id: row.stay__location_id,
    source: row.stay__source,
    external_ref: row.stay__external_ref,
    booking_reference: row.stay__booking_reference,
    arrival_at: row.stay__arrival_at,
    departure_at: row.stay__departure_at,
    room: row.stay__room,
    status: row.stay__status,
    language: row.stay__language,
    booking_date: row.stay__booking_date,
    checkin_date: row.stay__checkin_date,
    checkout_date: row.stay__checkout_date,
    booking_channel: row.stay__booking_channel,
    market_segment: row.stay__market_segment,
    rate_plan: row.stay__rate_plan,
    loyalty_program: row.stay__loyalty_program,
    loyalty_id: row.stay__loyalty_id,
    loyalty_level: row.stay__loyalty_level,
    room_category: row.stay__room_category,
    room_category_name: row.stay__room_category_name,
    created_at: row.stay__created_at,
    updated_at: row.stay__updated_at,
  };
}
