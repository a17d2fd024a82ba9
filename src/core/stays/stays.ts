import { reassignRows } from '../../db/reassign-rows.js';
import { insertRows } from '../../db/insert-rows.js';
import { refreshPlannerStatistics } from '../../db/planner-statistics.js';
import { type ColumnType, updateRowsById } from '../../db/update-rows.js';
import type { Db } from '../../db/database.js';
import type { Insertable, Updateable } from 'kysely';
import type { Stay, StaysTable } from '../../db/schema.js';
import { prepared, preparedShapes } from '../../db/prepared.js';
import { recordEvent } from '../events/record-event.js';
import type { WriteContext } from '../shared/write-context.js';

const stayByRef = prepared((db, accountId: number, source: string, externalRef: string) =>
  db.selectFrom('stays').selectAll().where('account_id', '=', accountId).where('source', '=', source).where('external_ref', '=', externalRef),
);
const latestStay = prepared((db, accountId: number, guestId: number) =>
  db
    .selectFrom('stays')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('guest_id', '=', guestId)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1),
);
const stayStatus = prepared((db, status: StayStatus, updatedAt: number, accountId: number, id: number) =>
  db.updateTable('stays').set({ status, updated_at: updatedAt }).where('account_id', '=', accountId).where('id', '=', id),
);

/** Where a stay is in the guest's journey (the words the feedback sources use too). */
export type StayStatus = 'prestay' | 'instay' | 'poststay' | 'nextstay';
export const STAY_STATUSES: StayStatus[] = ['prestay', 'instay', 'poststay', 'nextstay'];

export interface StayFields {
  locationId?: number | null;
  bookingReference?: string | null;
  arrivalAt?: number | null;
  departureAt?: number | null;
  room?: string | null;
  status?: StayStatus;
  language?: string | null;
}

/** True when at least one stay field was given. */
export function hasStayFields(fields: StayFields): boolean {
  for (const key in fields) if (fields[key as keyof StayFields] !== undefined) return true;
  return false;
}

const utcDayOf = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString().slice(0, 10));

function changes(fields: StayFields): Updateable<StaysTable> {
  const out: Updateable<StaysTable> = {};
  if (fields.locationId !== undefined) out.location_id = fields.locationId;
  if (fields.bookingReference !== undefined) out.booking_reference = fields.bookingReference;
  // A stay known by its times (a Loop Contact) also gets its days, so that a Loopon registration
  // with the same e-mail and dates finds this stay instead of making a second one. The day is the
  // UTC day: right for check-in and check-out hours everywhere but the far east of the date line.
  if (fields.arrivalAt !== undefined) {
    out.arrival_at = fields.arrivalAt;
    out.checkin_date = utcDayOf(fields.arrivalAt);
  }
  if (fields.departureAt !== undefined) {
    out.departure_at = fields.departureAt;
    out.checkout_date = utcDayOf(fields.departureAt);
  }
  if (fields.room !== undefined) out.room = fields.room;
  if (fields.status !== undefined) out.status = fields.status;
  if (fields.language !== undefined) out.language = fields.language;
  return out;
}

export async function findStayByRef(db: Db, accountId: number, source: string, externalRef: string): Promise<Stay | undefined> {
  return (await stayByRef(db, accountId, source, externalRef)).rows[0] as Stay | undefined;
}

/**
 * Creates or updates the stay an external system identifies by `externalRef` (a Loop Contact's
 * foreignId, for instance) for this guest. Only the fields given change, and only columns whose
 * value differs are written: a resent, unchanged stay costs no write (and keeps its updated_at).
 * `known` is the stay already read under this ref in the same transaction (null: read, none
 * there); without it the stay is looked up here.
 */
export async function upsertStayByRef(
  ctx: WriteContext,
  guestId: number,
  source: string,
  externalRef: string,
  fields: StayFields,
  known?: Stay | null,
): Promise<Stay> {
  const { trx: db, accountId } = ctx;
  const existing = known === undefined ? await findStayByRef(db, accountId, source, externalRef) : known;
  if (existing) return updateStay(ctx, existing, guestId, fields);
  const now = Date.now();
  // A concurrent transaction (PostgreSQL) may have inserted the same ref since it was read:
  // the unique index turns the insert into a no-op, and the fields go to that stay instead.
  const values: Record<string, unknown> = {
    account_id: accountId,
    guest_id: guestId,
    source,
    external_ref: externalRef,
    status: 'prestay',
    ...changes(fields),
    created_at: now,
    updated_at: now,
  };
  const inserted = (await insertStayColumns(db, Object.keys(values).join(','), ...Object.values(values))).rows[0];
  if (inserted) {
    const stay = { ...newStayRow(accountId, guestId, source, now), ...values, id: inserted.id } as Stay;
    await recordEvent(ctx, { type: 'stay.registered', subjects: { stayId: stay.id, guestId }, data: stay, at: now });
    return stay;
  }
  const winner = await findStayByRef(db, accountId, source, externalRef);
  if (!winner) throw new Error('stay ref conflict without a stay');
  return updateStay(ctx, winner, guestId, fields);
}

/**
 * The columns the fields would change on the stay kept for `guestId`, with their new values;
 * undefined when they change nothing.
 */
export function stayChanges(stay: Stay, guestId: number, fields: StayFields): Record<string, unknown> | undefined {
  const wanted = changes(fields) as Record<string, unknown>;
  wanted.guest_id = guestId;
  const current = stay as unknown as Record<string, unknown>;
  let changed: Record<string, unknown> | undefined;
  for (const column in wanted) {
    if (wanted[column] !== undefined && wanted[column] !== current[column]) {
      changed ??= {};
      changed[column] = wanted[column];
    }
  }
  return changed;
}

/** Writes the fields that differ from `stay`; nothing at all when none does. */
async function updateStay(ctx: WriteContext, stay: Stay, guestId: number, fields: StayFields): Promise<Stay> {
  const db = ctx.trx;
  const changed = stayChanges(stay, guestId, fields);
  if (!changed) return stay;
  const now = Date.now();
  const columns = Object.keys(changed);
  await updateStayColumns(db, `${columns.join(',')},updated_at`, stay.account_id, stay.id, ...Object.values(changed), now);
  const updated = { ...stay, ...changed, updated_at: now } as Stay;
  if (changed.status !== undefined) await stayStatusChanged(ctx, stay, updated);
  return updated;
}

// One compiled INSERT per set of columns (see db/prepared.ts); a taken ref inserts nothing.
const insertStayColumns = preparedShapes((db, columns, ...values) =>
  db
    .insertInto('stays')
    .values(Object.fromEntries(columns.split(',').map((column, i) => [column, values[i]])) as Insertable<StaysTable>)
    .onConflict((oc) => oc.columns(['account_id', 'source', 'external_ref']).doNothing())
    .returning('id'),
);

/*
 * The row of a stay just inserted is the values written over the table's defaults: the INSERT
 * returns only the id (RETURNING * makes SQLite copy all 25 columns of the new row through a
 * temporary table: about 4.5 µs of a new stay's 16, measured). Every column of the table is
 * listed (the Stay type requires them); a new column with a default must be added here.
 */
function newStayRow(accountId: number, guestId: number, source: string, now: number): Stay {
  return {
    id: 0,
    account_id: accountId,
    guest_id: guestId,
    location_id: null,
    source,
    external_ref: null,
    booking_reference: null,
    arrival_at: null,
    departure_at: null,
    room: null,
    status: 'prestay',
    language: null,
    booking_date: null,
    checkin_date: null,
    checkout_date: null,
    booking_channel: null,
    market_segment: null,
    rate_plan: null,
    loyalty_program: null,
    loyalty_id: null,
    loyalty_level: null,
    room_category: null,
    room_category_name: null,
    created_at: now,
    updated_at: now,
  };
}

// One compiled UPDATE per set of changed columns (see db/prepared.ts).
const updateStayColumns = preparedShapes((db, columns, accountId, id, ...values) =>
  db
    .updateTable('stays')
    .set(Object.fromEntries(columns.split(',').map((column, i) => [column, values[i]])))
    .where('account_id', '=', accountId as number)
    .where('id', '=', id as number),
);

/** The guest's most recently updated stay, if any (the stay a journey event belongs to). */
/** A stay of the account by id, or undefined. */
export async function findStay(db: Db, accountId: number, id: number): Promise<Stay | undefined> {
  return db.selectFrom('stays').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function latestStayOfGuest(db: Db, accountId: number, guestId: number): Promise<Stay | undefined> {
  return (await latestStay(db, accountId, guestId)).rows[0] as Stay | undefined;
}

export async function setStayStatus(ctx: WriteContext, stay: Stay, status: StayStatus): Promise<Stay> {
  const db = ctx.trx;
  if (stay.status === status) return stay;
  const now = Date.now();
  await stayStatus(db, status, now, stay.account_id, stay.id);
  const updated = { ...stay, status, updated_at: now };
  await stayStatusChanged(ctx, stay, updated);
  return updated;
}

/** The domain event of a stay whose status changed (in the transaction of the change). */
export async function stayStatusChanged(ctx: WriteContext, before: Stay, after: Stay): Promise<void> {
  await recordEvent(ctx, {
    type: 'stay.status_changed',
    subjects: { stayId: after.id, guestId: after.guest_id },
    data: { ...after, previous_status: before.status },
    at: after.updated_at,
  });
}

export function isStayStatus(value: unknown): value is StayStatus {
  return typeof value === 'string' && (STAY_STATUSES as string[]).includes(value);
}

/** A stay of the account at this unit, or undefined (another unit's or account's stay is not found). */
export async function findStayAt(db: Db, accountId: number, locationId: number, stayId: number): Promise<Stay | undefined> {
  return db
    .selectFrom('stays')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('location_id', '=', locationId)
    .where('id', '=', stayId)
    .executeTakeFirst();
}

/** Gives `fromGuestId`'s stays (or only those of `onlyIds`) to `toGuestId`, for a guest merge or its undoing; returns the ids moved. */
export async function reassignGuestStays(db: Db, accountId: number, fromGuestId: number, toGuestId: number, onlyIds?: readonly number[]): Promise<number[]> {
  return reassignRows(db, { table: 'stays', column: 'guest_id', accountId, from: fromGuestId, to: toGuestId, ids: onlyIds });
}

/**
 * Gives `toGuestId` the stays `fromGuestId` holds under one external key (source and ref), for a
 * key split off to a new guest, which takes what that key brought; returns the ids moved.
 */
export async function reassignKeyedStays(db: Db, accountId: number, fromGuestId: number, toGuestId: number, source: string, ref: string): Promise<number[]> {
  return reassignRows(db, { table: 'stays', column: 'guest_id', accountId, from: fromGuestId, to: toGuestId, where: { source, external_ref: ref } });
}

/** Which of `guestIds` have a stay at one of `locationIds` (what a staff member of those locations may see of guests). */
export async function guestsWithStaysAt(db: Db, accountId: number, guestIds: readonly number[], locationIds: readonly number[]): Promise<number[]> {
  if (guestIds.length === 0 || locationIds.length === 0) return [];
  const rows = await db
    .selectFrom('stays')
    .select('guest_id')
    .distinct()
    .where('account_id', '=', accountId)
    .where('guest_id', 'in', [...guestIds])
    .where('location_id', 'in', [...locationIds])
    .execute();
  return rows.map((r) => r.guest_id);
}

/** A stay of a bulk write: the guest's stay an external system keys by `source` and `ref`. */
export interface StayByRef {
  guestId: number;
  source: string;
  ref: string;
  fields: StayFields;
  /** the guest was created by the same write: no stay can be kept under its refs yet */
  newGuest?: boolean;
}

/** After a bulk write grew the stays a lot: fresh planner statistics (db/planner-statistics.ts). */
export async function refreshStayStatistics(db: Db): Promise<void> {
  await refreshPlannerStatistics(db, ['stays']);
}

/**
 * upsertStayByRef for many stays at once (a bulk import): the stays already kept under these refs
 * are read in one statement per 1,000, new ones inserted in multi-row INSERTs, changed ones
 * updated (only their changed columns). Applied in order, so a ref given twice ends as the last
 * one says. No domain event per stay: the import records one summary event.
 */
export async function upsertStaysByRef(db: Db, accountId: number, stays: StayByRef[], now = Date.now()): Promise<void> {
  if (stays.length === 0) return;
  const known = new Map<string, Stay>();
  const refs = new Map<string, Set<string>>();
  for (const s of stays) {
    if (s.newGuest) continue;
    const set = refs.get(s.source) ?? new Set<string>();
    refs.set(s.source, set);
    set.add(s.ref);
  }
  // By source then ref: the index (account_id, source, external_ref) answers each one.
  for (const [source, set] of refs) {
    const list = [...set];
    for (let i = 0; i < list.length; i += 1000) {
      const rows = await db
        .selectFrom('stays')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('source', '=', source)
        .where('external_ref', 'in', list.slice(i, i + 1000))
        .execute();
      for (const row of rows) known.set(`${row.source}\u0000${row.external_ref}`, row);
    }
  }
  const created = new Map<string, Record<string, unknown>>();
  const changed = new Map<string, { stay: Stay; set: Record<string, unknown> }>();
  for (const s of stays) {
    const id = `${s.source}\u0000${s.ref}`;
    const fresh = created.get(id);
    if (fresh) {
      Object.assign(fresh, changes(s.fields), { guest_id: s.guestId });
      continue;
    }
    const stay = known.get(id);
    if (!stay) {
      created.set(id, { ...newStayRow(accountId, s.guestId, s.source, now), external_ref: s.ref, ...changes(s.fields) });
      continue;
    }
    const diff = stayChanges(stay, s.guestId, s.fields);
    if (!diff) continue;
    known.set(id, { ...stay, ...diff } as Stay);
    const entry = changed.get(id) ?? { stay, set: {} };
    Object.assign(entry.set, diff);
    changed.set(id, entry);
  }
  const rows = [...created.values()].map(({ id: _id, ...row }) => row);
  await insertRows(db, { table: 'stays', columns: { account_id: 'integer', ...STAY_COLUMN_TYPES }, rows });
  await updateRowsById(db, {
    table: 'stays',
    accountId,
    rows: [...changed.values()].map(({ stay, set }) => ({ id: stay.id, set: { ...set, updated_at: now } })),
    types: STAY_COLUMN_TYPES,
  });
}

/** The SQL types of a stay's columns (updateRowsById casts to them). */
const STAY_COLUMN_TYPES: Record<Exclude<keyof StaysTable, 'id' | 'account_id'>, ColumnType> = {
  guest_id: 'integer',
  location_id: 'integer',
  source: 'text',
  external_ref: 'text',
  booking_reference: 'text',
  arrival_at: 'bigint',
  departure_at: 'bigint',
  room: 'text',
  status: 'text',
  language: 'text',
  booking_date: 'text',
  checkin_date: 'text',
  checkout_date: 'text',
  booking_channel: 'text',
  market_segment: 'text',
  rate_plan: 'text',
  loyalty_program: 'text',
  loyalty_id: 'text',
  loyalty_level: 'text',
  room_category: 'text',
  room_category_name: 'text',
  created_at: 'bigint',
  updated_at: 'bigint',
};
