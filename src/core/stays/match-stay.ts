import type { Db } from '../../db/database.js';
import type { Stay } from '../../db/schema.js';

/** What identifies a stay at a unit; email and mobile are already normalised. */
export interface StayIdentity {
  bookingReference?: string;
  email?: string;
  mobile?: string;
  checkinDate?: string;
  checkoutDate?: string;
}

/** A stay with its guest's contact details, as the matching rules need them. */
export type StayMatch = Stay & { guest_email: string | null; guest_mobile: string | null };

function staysAt(db: Db, accountId: number, locationId: number) {
  return db
    .selectFrom('stays')
    .innerJoin('guests', (j) => j.onRef('guests.id', '=', 'stays.guest_id').onRef('guests.account_id', '=', 'stays.account_id'))
    .selectAll('stays')
    .select(['guests.email as guest_email', 'guests.mobile as guest_mobile'])
    .where('stays.account_id', '=', accountId)
    .where('stays.location_id', '=', locationId);
}

/**
 * The existing stay a registration describes, by the rules of Loopon's "Register Guest Stay", in
 * order: the booking reference (at this unit); else e-mail + check-in + check-out dates; else
 * mobile + check-in + check-out dates. Undefined: register a new stay.
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
      const same = candidates.find((c) => (id.email && c.guest_email === id.email) || (id.mobile && c.guest_mobile === id.mobile));
      const unidentified = candidates.find((c) => !c.guest_email && !c.guest_mobile);
      if (same ?? unidentified) return same ?? unidentified;
    }
  }
  if (!id.checkinDate || !id.checkoutDate) return undefined;
  for (const [column, value] of [['guests.email', id.email], ['guests.mobile', id.mobile]] as const) {
    if (!value) continue;
    // From the person to their stays: a guest has few stays, while a unit may have hundreds on the
    // same dates. SQLite keeps the tables of a CROSS JOIN in the order written (guests by
    // guests_account_email or guests_account_mobile, then stays_account_guest_dates); PostgreSQL
    // plans it as the inner join it is.
    let query = db
      .selectFrom('guests')
      .crossJoin('stays')
      .selectAll('stays')
      .select(['guests.email as guest_email', 'guests.mobile as guest_mobile'])
      .where('guests.account_id', '=', accountId)
      .where(column, '=', value)
      .whereRef('stays.account_id', '=', 'guests.account_id')
      .whereRef('stays.guest_id', '=', 'guests.id')
      .where('stays.location_id', '=', locationId)
      .where('stays.checkin_date', '=', id.checkinDate)
      .where('stays.checkout_date', '=', id.checkoutDate);
    if (id.bookingReference) query = query.where('stays.booking_reference', 'is', null);
    const found = await query.orderBy('stays.id').limit(1).executeTakeFirst();
    if (found) return found;
  }
  return undefined;
}
