/*
 * Request bodies: the Loop v1 spec's "Insert a Keyed Contact" example with, per foreignId of the
 * pool, its own e-mail and mobile number (a contact whose e-mail or mobile is already known is
 * attached to that guest, so the spec's single address would make every key the same person), and
 * locationId replaced by the bench location's Loop id; and the "ContactEvent by Reference" example.
 */

const numbers = new Map<string, number>();

/** A stable number per foreignId, distinct across every key this process has used. */
function personNumber(foreignId: string): number {
  let n = numbers.get(foreignId);
  if (n === undefined) {
    n = numbers.size + 1;
    numbers.set(foreignId, n);
  }
  return n;
}

let sent = 0;

/** `vary`: a mobile number never sent before (BENCH_VARY), so that every update really writes. */
export function contactBody(foreignId: string, locationId: string, vary = false): string {
  const person = personNumber(foreignId);
  const mobile = vary ? 5_000_000 + (++sent % 5_000_000) : person;
  return JSON.stringify({
    foreignId,
    locationId,
    firstname: 'Rick',
    lastname: 'Sanchez',
    email: `rs${person}@abc.com`,
    mobile: `1613${String(mobile).padStart(7, '0')}`,
    language: 'en',
    arrivalTime: '2018-02-01T11:00:00.000Z',
    departureTime: '2018-02-04T13:15:00.000Z',
    checkedInStatus: 'false',
    vipStatus: 'Gold',
    groupName: 'Rick&Morty',
    customFields: [{ guestID: '188551' }, { loyalty: '3883882' }],
  });
}

export function contactEventBody(foreignId: string): string {
  return JSON.stringify({ event: 'checkin', foreignId });
}

/** The n-th key of a pool of `size` foreignIds; cycling n inserts each once, then updates. */
export function poolKey(prefix: string, n: number, size: number): string {
  return `${prefix}-${n % size}`;
}

const GIVEN = ['Ann', 'Bo', 'Carl', 'Dana', 'Eva', 'Finn', 'Gita', 'Hugo', 'Ida', 'Jon', 'Kim', 'Lea'];
const FAMILY = ['Berg', 'Smith', 'Lind', 'Roy', 'Tremblay', 'Gagnon', 'Wong', 'Singh'];

/** A new person on every call (a foreignId never sent before) with an e-mail and mobile of their own. */
export function newContactBody(foreignId: string, locationId: string): string {
  return contactBody(foreignId, locationId);
}

/** The travel agency's placeholder e-mail and its one phone number, given for every booking it makes. */
export const AGENCY_EMAIL = 'noemail@agency.example';
export const AGENCY_PHONE = '+1 613 555 0100';

/**
 * A new person booked through the agency: a foreignId never sent before, a name of their own, and
 * the agency's placeholder e-mail and phone, which thousands of other guests hold too.
 */
export function agencyContactBody(foreignId: string, locationId: string): string {
  const n = personNumber(foreignId);
  return JSON.stringify({
    foreignId,
    locationId,
    firstname: GIVEN[n % GIVEN.length],
    lastname: FAMILY[n % FAMILY.length],
    email: AGENCY_EMAIL,
    mobile: AGENCY_PHONE,
    language: 'en',
    arrivalTime: '2018-02-01T11:00:00.000Z',
    departureTime: '2018-02-04T13:15:00.000Z',
    checkedInStatus: 'false',
    groupName: 'Agency',
    customFields: [{ guestID: String(n) }],
  });
}
