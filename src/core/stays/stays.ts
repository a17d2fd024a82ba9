import type { Db } from '../../db/database.js';
import type { Updateable } from 'kysely';
import type { Stay, StaysTable } from '../../db/schema.js';

/** Journey status of a stay, in Loopon's vocabulary. */
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

function changes(fields: StayFields): Updateable<StaysTable> {
  const out: Updateable<StaysTable> = {};
  if (fields.locationId !== undefined) out.location_id = fields.locationId;
  if (fields.bookingReference !== undefined) out.booking_reference = fields.bookingReference;
  if (fields.arrivalAt !== undefined) out.arrival_at = fields.arrivalAt;
  if (fields.departureAt !== undefined) out.departure_at = fields.departureAt;
  if (fields.room !== undefined) out.room = fields.room;
  if (fields.status !== undefined) out.status = fields.status;
  if (fields.language !== undefined) out.language = fields.language;
  return out;
}

export async function findStayByRef(db: Db, accountId: number, source: string, externalRef: string): Promise<Stay | undefined> {
  return db
    .selectFrom('stays')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('source', '=', source)
    .where('external_ref', '=', externalRef)
    .executeTakeFirst();
}

/**
 * Creates or updates the stay an external system identifies by `externalRef` (a Loop Contact's
 * foreignId, for instance) for this guest. Only the fields given change.
 */
export async function upsertStayByRef(
  db: Db,
  accountId: number,
  guestId: number,
  source: string,
  externalRef: string,
  fields: StayFields,
): Promise<Stay> {
  const now = Date.now();
  const existing = await findStayByRef(db, accountId, source, externalRef);
  if (existing) {
    const set = { ...changes(fields), guest_id: guestId, updated_at: now };
    await db.updateTable('stays').set(set).where('account_id', '=', accountId).where('id', '=', existing.id).execute();
    return { ...existing, ...set } as Stay;
  }
  return db
    .insertInto('stays')
    .values({
      account_id: accountId,
      guest_id: guestId,
      source,
      external_ref: externalRef,
      status: 'prestay',
      ...changes(fields),
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The guest's most recently updated stay, if any (the stay a journey event belongs to). */
export async function latestStayOfGuest(db: Db, accountId: number, guestId: number): Promise<Stay | undefined> {
  return db
    .selectFrom('stays')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('guest_id', '=', guestId)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function setStayStatus(db: Db, stay: Stay, status: StayStatus): Promise<Stay> {
  if (stay.status === status) return stay;
  const now = Date.now();
  await db.updateTable('stays').set({ status, updated_at: now }).where('account_id', '=', stay.account_id).where('id', '=', stay.id).execute();
  return { ...stay, status, updated_at: now };
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
