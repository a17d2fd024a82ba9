import type { Guest } from '../../db/schema.js';
import { guestDetails } from '../../core/guests/guest-details.js';
import { guestCustomFields } from '../../core/guests/guests.js';

/*
 * ContactDetails as the Contacts API shows them (the excerpt's schema): unset optional fields are
 * left out, dates are RFC 3339 with the offset written +00:00 (the product refuses a Z).
 */

/** Epoch milliseconds as RFC 3339 in UTC with +00:00, to the second. */
export function rfc3339(ms: number): string {
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}+00:00`;
}

/** A stored gender as the API's enum. */
const GENDERS: Record<string, string> = { male: 'MALE', female: 'FEMALE', other: 'OTHER' };

/** Simple string fields: the wire name and the key of the person fields (guest-details.ts). */
export const DETAIL_STRINGS = [
  ['contact_number', 'customerNumber'],
  ['contact_title', 'title'],
  ['contact_phone', 'phone'],
  ['contact_nationality', 'nationality'],
  ['contact_flight_number', 'flightNumber'],
  ['contact_loyalty_number', 'loyaltyNumber'],
  ['contact_birth_place', 'birthPlace'],
  ['contact_birth_date', 'birthDate'],
  ['contact_passport', 'passport'],
  ['contact_room_number', 'roomNumber'],
  ['contact_website', 'website'],
  ['contact_classification', 'classification'],
  ['contact_external_uid', 'externalId'],
] as const;

export interface ContactDetails {
  contact_uid: string;
  contact_version: number;
  contact_type: string;
  contact_created: string;
  contact_modified: string;
  [field: string]: unknown;
}

/** One contact (a guest row, current or an earlier revision) under its contact_uid, in the excerpt's field order. */
export function presentContact(guest: Guest, uid: string): ContactDetails {
  const details = guestDetails(guest);
  const out: Record<string, unknown> = { contact_uid: uid };
  const set = (name: string, value: unknown) => {
    if (value !== undefined && value !== null && value !== '') out[name] = value;
  };
  const text = (key: string) => (typeof details[key] === 'string' ? (details[key] as string) : undefined);
  set('contact_external_uid', text('externalId'));
  out.contact_version = Number(guest.version);
  set('contact_number', text('customerNumber'));
  out.contact_type = details.contactKind ?? 'CONTACT';
  set('contact_title', text('title'));
  set('contact_name_first', guest.first_name);
  set('contact_name_last', guest.last_name);
  set('contact_email', guest.email);
  set('contact_phone', text('phone'));
  set('contact_mobile', guest.mobile);
  set('contact_language', guest.language);
  set('contact_nationality', text('nationality'));
  set('contact_flight_number', text('flightNumber'));
  set('contact_loyalty_number', text('loyaltyNumber'));
  set('contact_birth_place', text('birthPlace'));
  set('contact_birth_date', text('birthDate'));
  set('contact_passport', text('passport'));
  set('contact_gender', typeof details.gender === 'string' ? GENDERS[details.gender] : undefined);
  if (typeof details.age === 'number') out.contact_age = details.age;
  set('contact_room_number', text('roomNumber'));
  set('contact_website', text('website'));
  set('contact_classification', text('classification'));
  if (details.address && typeof details.address === 'object') out.contact_address = { ...details.address };
  if (Array.isArray(details.notes) && details.notes.length) {
    out.contact_notes = details.notes.map((n) => ({ note_value: n.value, note_type: n.type, note_date: rfc3339(n.at), note_creator: n.creator }));
  }
  const custom = Object.entries(guestCustomFields(guest));
  if (custom.length) {
    const types = details.customFieldTypes ?? {};
    out.contact_custom_fields = custom.map(([name, value]) => ({
      custom_field_name: name,
      custom_field_value: String(value),
      custom_field_type: types[name] === 'system' ? 'SYSTEM' : 'USER',
    }));
  }
  out.contact_created = rfc3339(guest.created_at);
  out.contact_modified = rfc3339(guest.updated_at);
  return out as ContactDetails;
}
