import type { Db } from '../../db/database.js';
import type { Guest, Stay } from '../../db/schema.js';
import { badRequest } from '../shared/errors.js';
import { upsertStayByRef, type StayFields } from '../stays/stays.js';
import { attachGuestKey, findGuestByKey, upsertGuestByKey } from './guest-keys.js';
import { findGuestsByContact, findOrCreateGuestByContact, updateGuest, type GuestFields } from './guests.js';

export interface ContactInput {
  /** the external system's key for this person (a Loop foreignId), when it has one */
  key?: { source: string; value: string };
  /** an existing guest to update instead of a keyed one */
  guest?: Guest;
  fields: GuestFields;
  /** stay details sent with the contact; the stay is created or updated only when present */
  stay?: StayFields;
}

/**
 * Inserts or updates a contact: the guest profile and, when stay details came with it, the stay
 * the external system describes. A keyed contact is found by its key; an unkeyed one by e-mail or
 * mobile, so the same person reaching us through several faces stays one guest.
 * Run inside a transaction.
 */
export async function upsertContact(db: Db, accountId: number, input: ContactInput): Promise<{ guest: Guest; stay?: Stay; created: boolean }> {
  let guest: Guest;
  let created = false;
  if (input.guest) {
    guest = await updateGuest(db, input.guest, input.fields);
  } else if (input.key) {
    // A new key for a person we already know (same e-mail or mobile, met through another face)
    // names that person: the key is attached to their guest row instead of making a second one.
    const keyed = await findGuestByKey(db, accountId, input.key.source, input.key.value);
    const known = keyed ? undefined : await findByContact(db, accountId, input.fields);
    if (keyed) {
      guest = await updateGuest(db, keyed, input.fields);
    } else if (known) {
      await attachGuestKey(db, accountId, input.key.source, input.key.value, known.id);
      guest = await updateGuest(db, known, input.fields);
    } else {
      ({ guest, created } = await upsertGuestByKey(db, accountId, input.key.source, input.key.value, input.fields));
    }
  } else if (input.fields.email || input.fields.mobile) {
    ({ guest, created } = await findOrCreateGuestByContact(db, accountId, input.fields));
  } else {
    throw badRequest('a contact needs a foreignId, an id, an email or a mobile number');
  }
  if (!input.stay || Object.values(input.stay).every((v) => v === undefined)) return { guest, created };
  const { source, ref } = contactStayRef(input.key, guest);
  const stay = await upsertStayByRef(db, accountId, guest.id, source, ref, input.stay);
  return { guest, stay, created };
}

/** Where a contact's stay is kept: under its key, or under the guest for an unkeyed contact. */
export function contactStayRef(key: { source: string; value: string } | undefined, guest: Guest): { source: string; ref: string } {
  return key ? { source: key.source, ref: key.value } : { source: 'contact', ref: `guest:${guest.id}` };
}

/** The guest with the e-mail (first) or mobile of these fields, if any. */
async function findByContact(db: Db, accountId: number, fields: GuestFields): Promise<Guest | undefined> {
  if (fields.email) {
    const [byEmail] = await findGuestsByContact(db, accountId, { email: fields.email });
    if (byEmail) return byEmail;
  }
  if (fields.mobile) return (await findGuestsByContact(db, accountId, { mobile: fields.mobile }))[0];
  return undefined;
}
