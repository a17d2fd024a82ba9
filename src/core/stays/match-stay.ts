import type { Db } from '../../db/database.js';
import type { Guest, Stay } from '../../db/schema.js';
import { findGuestsByIds, guestIdsHolding } from '../guests/guests.js';

/** What identifies a stay at a unit; email and mobile are already normalised. */
export interface StayIdentity {
  bookingReference?: string;
  email?: string;
  mobile?: string;
  /** false when the e-mail names no one person (blocklisted or shared): it then matches only with the name */
  emailMatches?: boolean;
  mobileMatches?: boolean;
  /** the guest's full name as registered */
  name?: string;
  checkinDate?: string;
  checkoutDate?: string;
}

// A unit's arrivals on one day, or one booking's stays, read at most: the cost of a match follows
// the unit's day, never how many guests share an e-mail or phone.
const MAX_CANDIDATES = 500;

const sameName = (a: string | null | undefined, b: string | null | undefined) => !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

/** True when the guest is the registered person: by a value that names one person, or by a shared value and the name. */
function samePerson(guest: Guest | undefined, id: StayIdentity): boolean {
  if (!guest) return false;
  const byEmail = !!id.email && guest.email === id.email && (id.emailMatches !== false || sameName(guest.name, id.name));
  const byMobile = !!id.mobile && guest.mobile === id.mobile && (id.mobileMatches !== false || sameName(guest.name, id.name));
  return byEmail || byMobile;
}

function staysAt(db: Db, accountId: number, locationId: number) {
  return db.selectFrom('stays').selectAll().where('account_id', '=', accountId).where('location_id', '=', locationId);
}

/** The guests of these stays, by id (guests module). */
async function guestsOf(db: Db, accountId: number, stays: Stay[]): Promise<Map<number, Guest>> {
  const guests = await findGuestsByIds(db, accountId, [...new Set(stays.map((s) => s.guest_id))]);
  return new Map(guests.map((g) => [g.id, g]));
}

/**
 * The existing stay a registration describes, by the rules of Loopon's "Register Guest Stay", in
 * order: the booking reference (at this unit); else e-mail + check-in + check-out dates; else
 * mobile + check-in + check-out dates. Undefined: register a new stay. An e-mail or mobile that
 * names no one person (a travel agency's placeholder, see core/guests/identity.ts) matches only
 * together with the guest's name, so a resend of the same stay is still that stay while another
 * guest of the same agency on the same dates is a stay of their own (docs/compat.md).
 *
 * A booking reference may be shared by several guests: when the registration names a person (an
 * e-mail or a mobile), a stay of that reference is taken only if its guest is that person or not
 * yet identified; a stay of another person is left alone. And when a reference is sent, the date
 * rules only take stays without a reference, so two bookings of one guest on the same dates stay
 * two stays.
 */
export async function findMatchingStay(db: Db, accountId: number, locationId: number, id: StayIdentity): Promise<Stay | undefined> {
  if (id.bookingReference) {
    const candidates = await staysAt(db, accountId, locationId)
      .where('booking_reference', '=', id.bookingReference)
      .orderBy('id')
      .limit(MAX_CANDIDATES)
      .execute();
    if (!id.email && !id.mobile) {
      if (candidates[0]) return candidates[0];
    } else if (candidates.length > 0) {
      const guests = await guestsOf(db, accountId, candidates);
      const same = candidates.find((c) => samePerson(guests.get(c.guest_id), id));
      const unidentified = candidates.find((c) => !guests.get(c.guest_id)?.email && !guests.get(c.guest_id)?.mobile);
      if (same ?? unidentified) return same ?? unidentified;
    }
  }
  if (!id.checkinDate || !id.checkoutDate) return undefined;
  for (const [column, value, matches] of [
    ['email', id.email, id.emailMatches !== false],
    ['mobile', id.mobile, id.mobileMatches !== false],
  ] as const) {
    if (!value) continue;
    const found = matches
      ? await stayOfPersonOn(db, accountId, locationId, id, column, value)
      : id.name
        ? await stayOfNameOn(db, accountId, locationId, id)
        : undefined;
    if (found) return found;
  }
  return undefined;
}

/**
 * A stay on the dates of the guest holding a value that names one person: from the person (at
 * most the account's shared-value limit of guests hold it) to their stays (index
 * stays_account_guest_dates); a guest has few stays, while a unit may have hundreds on the same dates.
 */
async function stayOfPersonOn(db: Db, accountId: number, locationId: number, id: StayIdentity, column: 'email' | 'mobile', value: string) {
  const guestIds = await guestIdsHolding(db, accountId, column, value, MAX_CANDIDATES);
  if (guestIds.length === 0) return undefined;
  let query = db
    .selectFrom('stays')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('guest_id', 'in', guestIds)
    .where('location_id', '=', locationId)
    .where('checkin_date', '=', id.checkinDate!)
    .where('checkout_date', '=', id.checkoutDate!);
  if (id.bookingReference) query = query.where('booking_reference', 'is', null);
  return query.orderBy('id').limit(1).executeTakeFirst();
}

/**
 * A stay on the dates whose guest holds the registration's shared value and name: from the unit's
 * stays on those dates (index stays_account_dates) to their guests, so the cost follows the unit's
 * arrivals that day, not how many guests share the value.
 */
async function stayOfNameOn(db: Db, accountId: number, locationId: number, id: StayIdentity) {
  let query = staysAt(db, accountId, locationId).where('checkin_date', '=', id.checkinDate!).where('checkout_date', '=', id.checkoutDate!);
  if (id.bookingReference) query = query.where('booking_reference', 'is', null);
  const stays = await query.orderBy('id').limit(MAX_CANDIDATES).execute();
  if (stays.length === 0) return undefined;
  const guests = await guestsOf(db, accountId, stays);
  return stays.find((stay) => samePerson(guests.get(stay.guest_id), id));
}
