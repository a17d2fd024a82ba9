import type { Guest, Stay, StaysTable } from '../../db/schema.js';
import { getGuest, updateGuest, type GuestFields } from '../guests/guests.js';
import { identifierMatches, identityLockKeys, matchArrival, normaliseArrivalFields, resolveArrival } from '../guests/identity.js';
import { recordMatch } from '../guests/match-records.js';
import { recordJourneyEvent } from '../journeys/journey-events.js';
import { badRequest } from '../shared/errors.js';
import { isCalendarDate } from './calendar-date.js';
import { findMatchingStay } from './match-stay.js';
import { lockKeys } from '../../db/key-locks.js';
import { stayStatusChanged, type StayStatus } from './stays.js';
import { recordEvent } from '../events/record-event.js';
import type { WriteContext } from '../shared/write-context.js';

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

async function createStay(ctx: WriteContext, locationId: number, reg: StayRegistration, source: string): Promise<RegisteredStay> {
  const { trx: db, accountId } = ctx;
  checkDates(reg.checkinDate, reg.checkoutDate, reg);
  // The person as identity resolution finds them; without an e-mail or mobile, a new guest each time.
  const { guest } = await resolveArrival(ctx, { source, fields: guestChanges(reg), locationId });
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
  await recordEvent(ctx, { type: 'stay.registered', subjects: { stayId: stay.id, guestId: guest.id }, data: stay, at: now });
  await recordJourneyEvent(ctx, {
    guestId: guest.id,
    stayId: stay.id,
    locationId,
    type: 'stay.registered',
    source,
    occurredAt: now,
    payload: {
      status: stay.status,
      bookingReference: stay.booking_reference,
      checkinDate: stay.checkin_date,
      checkoutDate: stay.checkout_date,
      room: stay.room,
    },
    rows: { guest, stay },
  });
  return { stay, guest, created: true };
}

async function updateStay(ctx: WriteContext, existing: Stay, reg: StayRegistration, source: string): Promise<RegisteredStay> {
  const { trx: db, accountId } = ctx;
  let guest = await getGuest(db, accountId, existing.guest_id);
  const identifies = (reg.email && guest.email === reg.email) || (reg.mobile && guest.mobile === reg.mobile);
  if ((reg.email || reg.mobile) && !identifies && !guest.email && !guest.mobile) {
    // The stay was anonymous and now names a person we know: it becomes that person's stay.
    const arrival = { source, fields: guestChanges(reg), locationId: existing.location_id };
    const known = await matchArrival(db, accountId, arrival, arrival.fields);
    if (known.guest) {
      await recordMatch(db, accountId, known.guest.id, known.decision);
      guest = known.guest;
    }
  }
  guest = await updateGuest(ctx, guest, guestChanges(reg, guest));

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
  const event = { guestId: guest.id, stayId: stay.id, locationId: stay.location_id, source, occurredAt: now, rows: { guest, stay } };
  if (set.status !== undefined) {
    await stayStatusChanged(ctx, existing, stay);
    await recordJourneyEvent(ctx, { ...event, type: 'stay.status_changed', payload: { from: existing.status, to: stay.status } });
  }
  const fields = Object.keys(set).filter((k) => k !== 'status');
  if (fields.length > 0) await recordJourneyEvent(ctx, { ...event, type: 'stay.updated', payload: { fields } });
  return { stay, guest, created: false };
}

/**
 * Registers a stay at a unit, or finds the one it describes (see findMatchingStay) and updates it
 * with the fields sent. The stay's guest is the one guest row of that person across faces, as
 * identity resolution finds them (core/guests/identity.ts); without an e-mail or mobile, a new
 * anonymous guest. Writes the journey events
 * (stay.registered, stay.status_changed, stay.updated) for the rules engine. Run in a transaction.
 */
export async function registerStay(ctx: WriteContext, locationId: number, input: StayRegistration, source: string): Promise<RegisteredStay> {
  const { trx: db, accountId } = ctx;
  const contact = await normaliseArrivalFields(db, accountId, { email: input.email, mobile: input.mobile }, locationId);
  const reg: StayRegistration = { ...input, email: contact.email ?? undefined, mobile: contact.mobile ?? undefined };
  // Concurrent registrations of one new booking or person make one stay: the booking reference and
  // the person's values are locked (PostgreSQL) before the stay is looked for.
  const keys = identityLockKeys(reg.email, reg.mobile);
  if (reg.bookingReference) keys.push(`stay-ref:${locationId}:${reg.bookingReference}`);
  await lockKeys(db, accountId, keys);
  const match = await findMatchingStay(db, accountId, locationId, {
    ...reg,
    emailMatches: reg.email ? await identifierMatches(db, accountId, 'email', reg.email) : undefined,
    mobileMatches: reg.mobile ? await identifierMatches(db, accountId, 'mobile', reg.mobile) : undefined,
  });
  return match ? updateStay(ctx, match, reg, source) : createStay(ctx, locationId, reg, source);
}
