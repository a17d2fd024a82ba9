import type { Db } from '../../db/database.js';
import type { Stay } from '../../db/schema.js';

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

/** A stay with its guest's contact details, as the matching rules need them. */
export type StayMatch = Stay & { guest_email: string | null; guest_mobile: string | null; guest_name: string | null };

const sameName = (a: string | null | undefined, b: string | null | undefined) => !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

/** True when the stay's guest is the registered person: by a value that names one person, or by a shared value and the name. */
function samePerson(stay: StayMatch, id: StayIdentity): boolean {
  const byEmail = !!id.email && stay.guest_email === id.email && (id.emailMatches !== false || sameName(stay.guest_name, id.name));
  const byMobile = !!id.mobile && stay.guest_mobile === id.mobile && (id.mobileMatches !== false || sameName(stay.guest_name, id.name));
  return byEmail || byMobile;
}

function staysAt(db: Db, accountId: number, locationId: number) {
  return db
    .selectFrom('stays')
    .innerJoin('guests', (j) => j.onRef('guests.id', '=', 'stays.guest_id').onRef('guests.account_id', '=', 'stays.account_id'))
    .selectAll('stays')
    .select(['guests.email as guest_email', 'guests.mobile as guest_mobile', 'guests.name as guest_name'])
    .where('stays.account_id', '=', accountId)
    .where('stays.location_id', '=', locationId);
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
export async function findMatchingStay(db: Db, accountId: number, locationId: number, id: StayIdentity): Promise<StayMatch | undefined> {
  if (id.bookingReference) {
    const candidates = await staysAt(db, accountId, locationId)
      .where('stays.booking_reference', '=', id.bookingReference)
      .orderBy('stays.id')
      .limit(100)
      .execute();
    if (!id.email && !id.mobile) {
      if (candidates[0]) return candidates[0];
    } else {
      const same = candidates.find((c) => samePerson(c, id));
      const unidentified = candidates.find((c) => !c.guest_email && !c.guest_mobile);
      if (same ?? unidentified) return same ?? unidentified;
    }
  }
  if (!id.checkinDate || !id.checkoutDate) return undefined;
  for (const [column, value, matches] of [
    ['guests.email', id.email, id.emailMatches !== false],
    ['guests.mobile', id.mobile, id.mobileMatches !== false],
  ] as const) {
    if (!value) continue;
    const found = matches
      ? await stayOfPersonOn(db, accountId, locationId, id, column, value)
      : id.name
        ? await stayOfNameOn(db, accountId, locationId, id, column, value, id.name)
        : undefined;
    if (found) return found;
  }
  return undefined;
}

/**
 * A stay on the dates of the guest holding a value that names one person. From the person to
 * their stays: a guest has few stays, while a unit may have hundreds on the same dates. SQLite
 * keeps the tables of a CROSS JOIN in the order written (guests by guests_account_email or
 * guests_account_mobile, then stays_account_guest_dates); PostgreSQL plans it as the inner join
 * it is.
 */
async function stayOfPersonOn(db: Db, accountId: number, locationId: number, id: StayIdentity, column: 'guests.email' | 'guests.mobile', value: string) {
  let query = db
    .selectFrom('guests')
    .crossJoin('stays')
    .selectAll('stays')
    .select(['guests.email as guest_email', 'guests.mobile as guest_mobile', 'guests.name as guest_name'])
    .where('guests.account_id', '=', accountId)
    .where(column, '=', value)
    .whereRef('stays.account_id', '=', 'guests.account_id')
    .whereRef('stays.guest_id', '=', 'guests.id')
    .where('stays.location_id', '=', locationId)
    .where('stays.checkin_date', '=', id.checkinDate!)
    .where('stays.checkout_date', '=', id.checkoutDate!);
  if (id.bookingReference) query = query.where('stays.booking_reference', 'is', null);
  return query.orderBy('stays.id').limit(1).executeTakeFirst();
}

/**
 * A stay on the dates whose guest holds a shared value and the same name. From the unit's stays on
 * those dates (index stays_account_dates) to their guests: the cost follows the unit's arrivals
 * that day, not how many guests share the value.
 */
async function stayOfNameOn(db: Db, accountId: number, locationId: number, id: StayIdentity, column: 'guests.email' | 'guests.mobile', value: string, name: string) {
  let query = staysAt(db, accountId, locationId)
    .where('stays.checkin_date', '=', id.checkinDate!)
    .where('stays.checkout_date', '=', id.checkoutDate!)
    .where(column, '=', value)
    .where((eb) => eb(eb.fn('lower', ['guests.name']), '=', name.trim().toLowerCase()));
  if (id.bookingReference) query = query.where('stays.booking_reference', 'is', null);
  return query.orderBy('stays.id').limit(1).executeTakeFirst();
}
