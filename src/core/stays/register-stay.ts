import type { Db } from '../../db/database.js';
import type { Guest, Stay, StaysTable } from '../../db/schema.js';
import { createGuest, findGuestsByContact, getGuest, normaliseEmail, normaliseMobile, updateGuest, type GuestFields } from '../guests/guests.js';
import { recordJourneyEvent } from '../journeys/journey-events.js';
import { badRequest } from '../shared/errors.js';
import { isCalendarDate } from './calendar-date.js';
import { findMatchingStay, type StayMatch } from './match-stay.js';
import { lockKeys } from '../../db/key-locks.js';
import { guestContactLockKeys } from '../guests/guests.js';
import type { StayStatus } from './stays.js';

/** The language of a new stay registered without one (Openstay has no per-unit language yet). */
export const DEFAULT_STAY_LANGUAGE = 'en';

/** What a PMS or guest app tells about a stay. Absent fields are left as they are. */
export interface StayRegistration {
  status: StayStatus;
  name?: string;
  email?: string;
  mobile?: string;
  /** ISO 639-1; a new stay without one gets DEFAULT_STAY_LANGUAGE */
  language?: string;
  bookingReference?: string;
  /** calendar days at the hotel, YYYY-MM-DD */
  bookingDate?: string;
  checkinDate?: string;
  checkoutDate?: string;
  room?: string;
  bookingChannel?: string;
  marketSegment?: string;
  ratePlan?: string;
  loyaltyProgram?: string;
  loyaltyId?: string;
  loyaltyLevel?: string;
  roomCategory?: string;
  roomCategoryName?: string;
}

export interface RegisteredStay {
  stay: Stay;
  guest: Guest;
  created: boolean;
}

type StayColumn = keyof StaysTable & string;
const COLUMNS: Array<[keyof StayRegistration, StayColumn]> = [
  ['status', 'status'],
  ['language', 'language'],
  ['bookingReference', 'booking_reference'],
  ['bookingDate', 'booking_date'],
  ['checkinDate', 'checkin_date'],
  ['checkoutDate', 'checkout_date'],
  ['room', 'room'],
  ['bookingChannel', 'booking_channel'],
  ['marketSegment', 'market_segment'],
  ['ratePlan', 'rate_plan'],
  ['loyaltyProgram', 'loyalty_program'],
  ['loyaltyId', 'loyalty_id'],
  ['loyaltyLevel', 'loyalty_level'],
  ['roomCategory', 'room_category'],
  ['roomCategoryName', 'room_category_name'],
];

/** The stay columns a registration sets (only the fields it carries). */
function stayColumns(reg: StayRegistration): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, column] of COLUMNS) {
    const value = reg[field];
    if (value !== undefined) out[column] = value;
  }
  return out;
}

function checkDates(checkin: string | null | undefined, checkout: string | null | undefined, reg: StayRegistration): void {
  for (const field of ['bookingDate', 'checkinDate', 'checkoutDate'] as const) {
    const value = reg[field];
    if (value !== undefined && !isCalendarDate(value)) throw badRequest(`${field} must be a date written YYYY-MM-DD`);
  }
  if (checkin && checkout && checkout < checkin) throw badRequest('checkoutDate is before checkinDate');
}

/** Guest profile changes a registration carries, leaving out what the guest already has. */
function guestChanges(reg: StayRegistration, current?: Guest): GuestFields {
  const out: GuestFields = {};
  if (reg.name && reg.name !== current?.name) out.name = reg.name; // first and last name follow (guests.ts)
  if (reg.email && reg.email !== current?.email) out.email = reg.email;
  if (reg.mobile && reg.mobile !== current?.mobile) out.mobile = reg.mobile;
  if (reg.language && reg.language !== current?.language) out.language = reg.language;
  return out;
}

/** The guest row of the person with this e-mail (first) or mobile, as every face finds them. */
async function knownGuest(db: Db, accountId: number, reg: StayRegistration): Promise<Guest | undefined> {
  // Two lookups, not one OR: each uses its own index (account_id, email) / (account_id, mobile).
  if (reg.email) {
    const [guest] = await findGuestsByContact(db, accountId, { email: reg.email });
    if (guest) return guest;
  }
  if (reg.mobile) return (await findGuestsByContact(db, accountId, { mobile: reg.mobile }))[0];
  return undefined;
}

async function createStay(db: Db, accountId: number, locationId: number, reg: StayRegistration, source: string): Promise<RegisteredStay> {
  checkDates(reg.checkinDate, reg.checkoutDate, reg);
  const known = await knownGuest(db, accountId, reg);
  // Without an e-mail or mobile the guest is anonymous: a new guest row every time.
  const guest = known ? await updateGuest(db, known, guestChanges(reg, known)) : await createGuest(db, accountId, guestChanges(reg));
  const now = Date.now();
  const stay = await db
    .insertInto('stays')
    .values({
      ...stayColumns(reg),
      account_id: accountId,
      guest_id: guest.id,
      location_id: locationId,
      source,
      status: reg.status,
      language: reg.language ?? DEFAULT_STAY_LANGUAGE,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordJourneyEvent(db, accountId, {
    guestId: guest.id,
    stayId: stay.id,
    locationId,
    type: 'stay.registered',
    source,
    occurredAt: now,
    payload: { status: stay.status, bookingReference: stay.booking_reference, checkinDate: stay.checkin_date, checkoutDate: stay.checkout_date, room: stay.room },
  });
  return { stay, guest, created: true };
}

async function updateStay(db: Db, accountId: number, match: StayMatch, reg: StayRegistration, source: string): Promise<RegisteredStay> {
  const { guest_email: _email, guest_mobile: _mobile, ...existing } = match;
  let guest = await getGuest(db, accountId, existing.guest_id);
  const identifies = (reg.email && guest.email === reg.email) || (reg.mobile && guest.mobile === reg.mobile);
  if ((reg.email || reg.mobile) && !identifies && !guest.email && !guest.mobile) {
    // The stay was anonymous and now names a person we know: it becomes that person's stay.
    guest = (await knownGuest(db, accountId, reg)) ?? guest;
  }
  guest = await updateGuest(db, guest, guestChanges(reg, guest));

  const set: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(stayColumns(reg))) {
    if ((existing as Record<string, unknown>)[column] !== value) set[column] = value;
  }
  if (guest.id !== existing.guest_id) set.guest_id = guest.id;
  checkDates((set.checkin_date as string | undefined) ?? existing.checkin_date, (set.checkout_date as string | undefined) ?? existing.checkout_date, reg);
  if (Object.keys(set).length === 0) return { stay: existing, guest, created: false };

  const now = Date.now();
  await db
    .updateTable('stays')
    .set({ ...set, updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', existing.id)
    .execute();
  const stay = { ...existing, ...set, updated_at: now } as Stay;
  const event = { guestId: guest.id, stayId: stay.id, locationId: stay.location_id, source, occurredAt: now };
  if (set.status !== undefined) {
    await recordJourneyEvent(db, accountId, { ...event, type: 'stay.status_changed', payload: { from: existing.status, to: stay.status } });
  }
  const fields = Object.keys(set).filter((k) => k !== 'status');
  if (fields.length > 0) await recordJourneyEvent(db, accountId, { ...event, type: 'stay.updated', payload: { fields } });
  return { stay, guest, created: false };
}

/**
 * Registers a stay at a unit, or finds the one it describes (see findMatchingStay) and updates it
 * with the fields sent. The stay's guest is the one guest row of that person across faces (found
 * by e-mail, else mobile); without either, a new anonymous guest. Writes the journey events
 * (stay.registered, stay.status_changed, stay.updated) for the rules engine. Run in a transaction.
 */
export async function registerStay(db: Db, accountId: number, locationId: number, input: StayRegistration, source: string): Promise<RegisteredStay> {
  const reg: StayRegistration = { ...input, email: normaliseEmail(input.email) ?? undefined, mobile: normaliseMobile(input.mobile) ?? undefined };
  const keys: string[] = [];
  if (reg.bookingReference) keys.push(`stay-ref:${locationId}:${reg.bookingReference}`);
  keys.push(...guestContactLockKeys(reg));
  await lockKeys(db, accountId, keys);
  const match = await findMatchingStay(db, accountId, locationId, reg);
  return match ? updateStay(db, accountId, match, reg, source) : createStay(db, accountId, locationId, reg, source);
}
