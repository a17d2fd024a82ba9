import type { Db } from '../../db/database.js';
import type { Guest, LoyaltyMember } from '../../db/schema.js';
import { attachGuestKey, findGuestByKey, listGuestKeys } from '../guests/guest-keys.js';
import { findGuest, updateGuest, type GuestFields } from '../guests/guests.js';
import { normaliseArrivalFields, resolveArrival } from '../guests/identity.js';
import { apiTokenActor, writeContext } from '../shared/write-context.js';

/** Contacts are written through the Loyalty face, whose tokens name the account, not a client. */
const LOYALTY_FACE_ACTOR = apiTokenActor('fideltour');
import { countGuests, listGuests } from '../guests/list-guests.js';
import { badRequest, conflict, notFound } from '../shared/errors.js';
import { findMember, findMembers, setMemberExtras, type MemberExtras } from './members.js';

/*
 * Contacts of the Loyalty face are guests: a contact created here goes through the one identity
 * resolution (external_object_id as the key of source "fideltour", then e-mail, then mobile), so one
 * e-mail is one guest whichever face it arrived through. What the guest profile has no column for
 * is kept with the membership (members.ts).
 */

export const KEY_SOURCE = 'fideltour';

export interface LoyaltyContactInput {
  fields: GuestFields;
  extras: MemberExtras;
  externalObjectId?: string | null;
}

/** A guest as the Loyalty face shows it: the profile, the membership (if any) and its external key. */
export interface LoyaltyContact {
  guest: Guest;
  member: LoyaltyMember | undefined;
  externalObjectId: string | null;
}

async function externalKeyOf(db: Db, accountId: number, guestId: number): Promise<string | null> {
  const keys = await listGuestKeys(db, accountId, guestId);
  return keys.find((k) => k.source === KEY_SOURCE)?.key ?? null;
}

/** Creates (or finds, by identity resolution) the contact and applies what was sent. */
export async function createLoyaltyContact(
  trx: Db,
  accountId: number,
  input: LoyaltyContactInput,
  now = Date.now(),
): Promise<{ guestId: number; created: boolean }> {
  const key = input.externalObjectId ? { source: KEY_SOURCE, value: input.externalObjectId } : undefined;
  const resolved = await resolveArrival(writeContext(trx, accountId, LOYALTY_FACE_ACTOR), { source: KEY_SOURCE, key, fields: input.fields });
  await setMemberExtras(trx, accountId, resolved.guest.id, input.extras, now);
  return { guestId: resolved.guest.id, created: resolved.created };
}

/** Applies a partial change to a contact (PATCH). */
export async function updateLoyaltyContact(trx: Db, accountId: number, guestId: number, input: LoyaltyContactInput, now = Date.now()): Promise<void> {
  const guest = await findGuest(trx, accountId, guestId);
  if (!guest) throw notFound('contact');
  if (input.externalObjectId) {
    const holder = await findGuestByKey(trx, accountId, KEY_SOURCE, input.externalObjectId);
    if (holder && holder.id !== guest.id) throw conflict(`external_object_id ${input.externalObjectId} names another contact`);
    if (!holder) {
      const current = await externalKeyOf(trx, accountId, guest.id);
      if (current !== null) throw badRequest('external_object_id: a contact keeps the external id it was given');
      await attachGuestKey(trx, accountId, KEY_SOURCE, input.externalObjectId, guest.id);
    }
  }
  await updateGuest(writeContext(trx, accountId, LOYALTY_FACE_ACTOR), guest, await normaliseArrivalFields(trx, accountId, input.fields));
  await setMemberExtras(trx, accountId, guest.id, input.extras, now);
}

/** A contact by id (a merged-away id answers as its survivor), or undefined. */
export async function findLoyaltyContact(db: Db, accountId: number, id: number): Promise<LoyaltyContact | undefined> {
  const guest = await findGuest(db, accountId, id);
  if (!guest) return undefined;
  return { guest, member: await findMember(db, accountId, guest.id), externalObjectId: await externalKeyOf(db, accountId, guest.id) };
}

/** The account's contacts, oldest first, filtered by e-mail (case-insensitive) and external id. */
export async function listLoyaltyContacts(
  db: Db,
  accountId: number,
  filter: { email?: string; externalObjectId?: string; limit: number; offset: number },
): Promise<{ count: number; contacts: LoyaltyContact[] }> {
  const where = { email: filter.email, key: filter.externalObjectId ? { source: KEY_SOURCE, value: filter.externalObjectId } : undefined };
  const count = await countGuests(db, accountId, where);
  const guests = count === 0 ? [] : await listGuests(db, accountId, { ...where, limit: filter.limit, offset: filter.offset });
  const members = await findMembers(
    db,
    accountId,
    guests.map((g) => g.id),
  );
  const contacts: LoyaltyContact[] = [];
  for (const guest of guests) contacts.push({ guest, member: members.get(guest.id), externalObjectId: await externalKeyOf(db, accountId, guest.id) });
  return { count, contacts };
}
