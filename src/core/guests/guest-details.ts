import type { Guest } from '../../db/schema.js';
import { parseJson } from '../shared/json.js';

/*
 * Person fields that only some faces carry, kept on the guest row (guests.details, a JSON object)
 * so that they belong to the one profile like the e-mail or the name. The names are neutral and
 * shared by every face: a face that shows a gender or a birth date reads the same key. A face
 * that overwrites the fields it knows keeps the keys of the others.
 */
export interface GuestDetails {
  /** a salutation or honorific: "Mr", "Dr" */
  title?: string;
  /** 'male' | 'female' | 'other' */
  gender?: string;
  /** a calendar date, YYYY-MM-DD */
  birthDate?: string;
  /** a country (as sent: an ISO code or a name) */
  nationality?: string;
  /** a landline or other non-mobile phone number, as sent */
  phone?: string;
  roomNumber?: string;
  loyaltyNumber?: string;
  /** the person's own number in a customer system (Contacts: contact_number) */
  customerNumber?: string;
  /** what kind of contact the person is for the hotel (Contacts: contact_type, e.g. GUEST, BOOKER) */
  contactKind?: string;
  /** the id another system keeps for this person (Contacts: contact_external_uid) */
  externalId?: string;
  /** a postal address; `id` is a stable UUID of the address */
  address?: Record<string, string>;
  /** notes about the person, oldest first */
  notes?: Array<{ value: string; type: string; at: number; creator: string }>;
  /** the type of each custom field, by name ('system' | 'user'; absent: user) */
  customFieldTypes?: Record<string, string>;
  [other: string]: unknown;
}

/** The person fields stored on a guest (an empty object when none). */
export function guestDetails(guest: Pick<Guest, 'details'>): GuestDetails {
  const details = parseJson<GuestDetails>(guest.details ?? '{}', {});
  return details !== null && typeof details === 'object' && !Array.isArray(details) ? details : {};
}
