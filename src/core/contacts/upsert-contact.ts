import type { Db } from '../../db/database.js';
import type { Guest, Stay } from '../../db/schema.js';
import { isForeignKeyViolation } from '../../db/errors.js';
import { badRequest, notFound } from '../shared/errors.js';
import { findLocation } from '../locations/locations.js';
import { hasStayFields, upsertStayByRef, type StayFields } from '../stays/stays.js';
import { changeStamp, sharedChangeStamp } from '../../db/change-stamp.js';
import { batchedWrite, type BatchedWrite } from '../../db/sqlite-write-batch.js';
import { inWriteTransaction } from '../../db/write-transaction.js';
import type { KeyedContactCache } from './keyed-contact-cache.js';
import { updateGuest, type GuestFields } from '../guests/guests.js';
import { matchOrCreate, normaliseArrivalFields, resolveArrival } from '../guests/identity.js';
import { findKeyedContact, type KeyedContact } from './keyed-contact.js';
import { inTransaction, type WriteContext, type WriteOrigin } from '../shared/write-context.js';

export interface ContactInput {
  /** who sends the contact (loop, admin...), recorded with an automatic match; default: the key's source */
  source?: string;
  /** the external system's key for this person (a Loop foreignId), when it has one */
  key?: { source: string; value: string };
  /** an existing guest to update instead of a keyed one */
  guest?: Guest;
  fields: GuestFields;
  /** stay details sent with the contact; the stay is created or updated only when present */
  stay?: StayFields;
  /**
   * Set when stay.locationId came from the client unchecked (e.g. decoded from a face's id): it is
   * checked to be one of the account's locations, and a 404 names it by this reference.
   */
  uncheckedLocation?: string;
  /** keyed contacts: the key's guest, stay and location check when already known (from a cache) */
  known?: KeyedContact;
  /** set when `fields` already went through normaliseArrivalFields (saveKeyedContact does it first) */
  normalised?: boolean;
}

export interface ContactWritten {
  guest: Guest;
  /** the stay the contact's stay details went to, when it had some */
  stay?: Stay;
  created: boolean;
  /** keyed contacts: the stay kept under the key after the write (null: none) */
  keyedStay?: Stay | null;
}

/**
 * Inserts or updates a contact: the guest profile and, when stay details came with it, the stay
 * the external system describes. A keyed contact is found by its key; a new key or an unkeyed
 * contact goes through identity resolution (identity.ts), so the same person reaching us through
 * several faces stays one guest. Run inside a transaction. A keyed contact resent unchanged costs
 * one read and no write: the guest and its keyed stay are read together, and only changed columns
 * are written.
 */
export async function upsertContact(ctx: WriteContext, contact: ContactInput): Promise<ContactWritten> {
  const { trx: db, accountId } = ctx;
  const input = contact.normalised ? contact : { ...contact, fields: await normaliseArrivalFields(db, accountId, contact.fields, contact.stay?.locationId) };
  const from = contact.source ?? contact.key?.source ?? 'contact';
  let guest: Guest;
  let created = false;
  // The stay under the contact's key, when it was read together with the guest (null: none).
  let keyedStay: Stay | null | undefined;
  const checkLocation = input.uncheckedLocation !== undefined && input.stay?.locationId != null ? input.stay.locationId : null;
  const locationMissing = () => notFound(`location "${input.uncheckedLocation}"`);
  if (checkLocation !== null && !input.key && !(await findLocation(db, accountId, checkLocation))) throw locationMissing();
  if (input.guest) {
    guest = await updateGuest(ctx, input.guest, input.fields);
  } else if (input.key) {
    const keyed = input.known ?? (await findKeyedContact(db, accountId, input.key.source, input.key.value, checkLocation));
    if (checkLocation !== null && !keyed.locationFound) throw locationMissing();
    keyedStay = keyed.stay ?? null;
    if (keyed.guest) {
      guest = await updateGuest(ctx, keyed.guest, input.fields);
    } else {
      const arrival = { source: from, key: input.key, fields: input.fields, locationId: input.stay?.locationId };
      ({ guest, created } = await matchOrCreate(ctx, arrival, input.fields));
    }
  } else if (input.fields.email || input.fields.mobile) {
    ({ guest, created } = await resolveArrival(ctx, { source: from, fields: input.fields, locationId: input.stay?.locationId }));
  } else {
    throw badRequest('a contact needs a foreignId, an id, an email or a mobile number');
  }
  if (!input.stay || !hasStayFields(input.stay)) return { guest, created, keyedStay };
  const { source, ref } = contactStayRef(input.key, guest);
  try {
    const stay = await upsertStayByRef(ctx, guest.id, source, ref, input.stay, keyedStay);
    return { guest, stay, created, keyedStay: input.key ? stay : undefined };
  } catch (err) {
    // PostgreSQL: the location was deleted by another transaction after it was checked here.
    if (input.stay.locationId != null && isForeignKeyViolation(err))
      throw notFound(input.uncheckedLocation ? `location "${input.uncheckedLocation}"` : 'location');
    throw err;
  }
}

/** Where a contact's stay is kept: under its key, or under the guest for an unkeyed contact. */
export function contactStayRef(key: { source: string; value: string } | undefined, guest: Guest): { source: string; ref: string } {
  return key ? { source: key.source, ref: key.value } : { source: 'contact', ref: `guest:${guest.id}` };
}

/**
 * Saves a keyed contact (a Loop Contact with a foreignId). On PostgreSQL in a transaction of its
 * own. On SQLite a contact resent unchanged is answered from `cache` without a transaction; a
 * changed one is written in the next group commit (db/sqlite-write-batch.ts), without reading
 * its rows first when the cache holds them, and the cache learns every write (see
 * keyed-contact-cache.ts).
 */
export async function saveKeyedContact(
  db: Db,
  cache: KeyedContactCache,
  origin: WriteOrigin,
  contact: ContactInput & { key: { source: string; value: string } },
): Promise<Guest> {
  const { accountId } = origin;
  // The cache compares fields as stored: a national mobile number becomes E.164 first.
  const input = { ...contact, fields: await normaliseArrivalFields(db, accountId, contact.fields, contact.stay?.locationId), normalised: true };
  const stamp = await sharedChangeStamp(db);
  if (stamp === undefined) return (await inWriteTransaction(db, (trx) => upsertContact(inTransaction(origin, trx), input))).guest;
  const unchanged = cache.unchanged(stamp, accountId, input);
  if (unchanged) return unchanged;
  return batchedWrite(db, keyedContactWrite(cache, origin, input));
}

/** The write of a keyed contact that the cache could not answer, as a batched write. */
export function keyedContactWrite(
  cache: KeyedContactCache,
  origin: WriteOrigin,
  input: ContactInput & { key: { source: string; value: string } },
): BatchedWrite<Guest> {
  const { accountId } = origin;
  return {
    work: async (trx, stamp) => {
      // The write before this one in the batch may have left the stamp known (sqlite-write-batch.ts).
      const before = stamp.start ?? (await changeStamp(trx));
      const written = await upsertContact(inTransaction(origin, trx), { ...input, known: cache.known(before, accountId, input) });
      if (written.keyedStay !== undefined) {
        const after = await changeStamp(trx);
        cache.remember(before, after, accountId, input, written.guest, written.keyedStay);
        stamp.end = after;
      }
      return written.guest;
    },
    rolledBack: () => cache.forget(),
  };
}
