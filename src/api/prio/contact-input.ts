import { randomUUID } from 'node:crypto';
import type { GuestFields } from '../../core/guests/guests.js';
import type { GuestDetails } from '../../core/guests/guest-details.js';
import { badRequest } from '../../core/shared/errors.js';
import { DETAIL_STRINGS } from './presenters.js';

/*
 * A PUT's contact (the excerpt's ContactDetails) read into the profile fields that replace the
 * stored ones: a field left out or null is cleared (the product overwrites, never merges). The
 * read-only fields (contact_version, contact_created, contact_modified, an address id, a note's
 * date and creator) are ignored as sent. Person fields of other faces (guest-details.ts keys the
 * Contacts API has no field for) are kept.
 */

export const CONTACT_TYPES = [
  'BOOKER',
  'CONTACT',
  'GUEST',
  'PARTNER',
  'STAFF',
  'CASHIER',
  'PAYMENT',
  'AGENT',
  'EMERGENCY',
  'GUIDE',
  'SUPPLIER',
  'VENUE',
  'HOST',
  'COMPANY',
  'DELIVERY',
  'OTHER',
  'MANAGER',
  'SUPPORT',
  'INSTRUCTOR',
] as const;
const CLASSIFICATIONS = [
  'IMPORTANT',
  'VERY_IMPORTANT',
  'PROBLEMATIC',
  'DISABLEDPERSON',
  'TOPMANAGEMENT',
  'STAFF',
  'LOYALTYPROGRAM',
  'MEDIA',
  'FRIENDORFAMILY',
  'RETURNING',
  'PERSONAL',
  'BUSINESS',
];
const NOTE_TYPES = ['GUEST', 'PARTNER', 'SUPPLIER', 'RESELLER', 'DISTRIBUTOR', 'INTERNAL'];
const GENDERS: Record<string, string> = { MALE: 'male', FEMALE: 'female', OTHER: 'other' };
const ADDRESS_FIELDS = ['name', 'street', 'addition', 'city', 'postal_code', 'region', 'country', 'country_code', 'place_id', 'latitude', 'longitude', 'notes'];
const MAX_LENGTH: Record<string, number> = { contact_number: 50, contact_name_first: 255, contact_name_last: 255 };
/** A field of text longer than this is refused (the product sets no bound on most). */
const MAX_TEXT = 2000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The keys of the person fields this face shows and overwrites. */
const OWN_KEYS = new Set<string>([...DETAIL_STRINGS.map(([, key]) => key), 'contactKind', 'gender', 'age', 'address', 'notes', 'customFieldTypes']);

export interface ContactInput {
  uid: unknown;
  fields: GuestFields;
}

/** Reads a PUT's contact against the stored person fields; `creator` signs the notes added now. */
export function readContact(contact: Record<string, unknown>, stored: GuestDetails, creator: string, now: number): ContactInput {
  const text = (name: string): string | null => {
    const value = contact[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw badRequest(`${name} must be a string`);
    const trimmed = value.trim();
    const max = MAX_LENGTH[name] ?? MAX_TEXT;
    if (trimmed.length > max) throw badRequest(`${name} must be at most ${max} characters`);
    return trimmed === '' ? null : trimmed;
  };
  const oneOf = (name: string, allowed: readonly string[]): string | null => {
    const value = text(name);
    if (value !== null && !allowed.includes(value)) throw badRequest(`${name} must be one of ${allowed.join(', ')}`);
    return value;
  };

  const details: GuestDetails = {};
  for (const [key, value] of Object.entries(stored)) if (!OWN_KEYS.has(key)) details[key] = value;
  for (const [wire, key] of DETAIL_STRINGS) {
    if (wire === 'contact_classification' || wire === 'contact_birth_date') continue;
    const value = text(wire);
    if (value !== null) details[key] = value;
  }
  const classification = oneOf('contact_classification', CLASSIFICATIONS);
  if (classification) details.classification = classification;
  const birthDate = text('contact_birth_date');
  if (birthDate !== null) {
    if (!isDate(birthDate)) throw badRequest('contact_birth_date must be a date, YYYY-MM-DD');
    details.birthDate = birthDate;
  }
  details.contactKind = oneOf('contact_type', CONTACT_TYPES) ?? 'CONTACT';
  const gender = oneOf('contact_gender', Object.keys(GENDERS));
  if (gender) details.gender = GENDERS[gender];
  const age = contact.contact_age;
  if (age !== undefined && age !== null) {
    if (typeof age !== 'number' || !Number.isInteger(age) || age < 0 || age > 150) throw badRequest('contact_age must be a whole number from 0 to 150');
    details.age = age;
  }
  const address = readAddress(contact.contact_address, stored.address);
  if (address) details.address = address;
  const notes = readNotes(contact.contact_notes, stored.notes ?? [], creator, now);
  if (notes.length) details.notes = notes;
  const { values: customFields, types } = readCustomFields(contact.contact_custom_fields);
  if (Object.keys(types).length) details.customFieldTypes = types;

  const email = text('contact_email');
  if (email !== null && !EMAIL.test(email)) throw badRequest('contact_email must be an e-mail address');
  const fields: GuestFields = {
    firstName: text('contact_name_first'),
    lastName: text('contact_name_last'),
    email,
    mobile: text('contact_mobile'),
    language: text('contact_language'),
    allCustomFields: customFields,
    details,
  };
  return { uid: contact.contact_uid, fields };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An address keeps its id (read-only, a UUID given when it is first stored). */
function readAddress(value: unknown, stored: Record<string, string> | undefined): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw badRequest('contact_address must be an object');
  const out: Record<string, string> = { id: stored?.id ?? randomUUID() };
  for (const name of ADDRESS_FIELDS) {
    const field = value[name];
    if (field === undefined || field === null || field === '') continue;
    if (typeof field !== 'string') throw badRequest(`contact_address.${name} must be a string`);
    if (field.length > MAX_TEXT) throw badRequest(`contact_address.${name} must be at most ${MAX_TEXT} characters`);
    out[name] = field;
  }
  return out;
}

/** Notes as sent; one that was stored already (same value and type) keeps its date and creator. */
function readNotes(value: unknown, stored: NonNullable<GuestDetails['notes']>, creator: string, now: number): NonNullable<GuestDetails['notes']> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest('contact_notes must be an array');
  const unused = [...stored];
  return value.map((note, i) => {
    if (!isObject(note)) throw badRequest(`contact_notes[${i}] must be an object`);
    if (typeof note.note_value !== 'string' || note.note_value.trim() === '') throw badRequest(`contact_notes[${i}].note_value is required`);
    if (note.note_value.length > MAX_TEXT) throw badRequest(`contact_notes[${i}].note_value must be at most ${MAX_TEXT} characters`);
    if (typeof note.note_type !== 'string' || !NOTE_TYPES.includes(note.note_type)) {
      throw badRequest(`contact_notes[${i}].note_type must be one of ${NOTE_TYPES.join(', ')}`);
    }
    const kept = unused.findIndex((s) => s.value === note.note_value && s.type === note.note_type);
    if (kept >= 0) return unused.splice(kept, 1)[0];
    return { value: note.note_value as string, type: note.note_type, at: now, creator };
  });
}

function readCustomFields(value: unknown): { values: Record<string, string>; types: Record<string, string> } {
  const values: Record<string, string> = {};
  const types: Record<string, string> = {};
  if (value === undefined || value === null) return { values, types };
  if (!Array.isArray(value)) throw badRequest('contact_custom_fields must be an array');
  value.forEach((field, i) => {
    if (!isObject(field)) throw badRequest(`contact_custom_fields[${i}] must be an object`);
    const name = field.custom_field_name;
    if (typeof name !== 'string' || name.trim() === '') throw badRequest(`contact_custom_fields[${i}].custom_field_name is required`);
    const fieldValue = field.custom_field_value ?? '';
    if (typeof fieldValue !== 'string') throw badRequest(`contact_custom_fields[${i}].custom_field_value must be a string`);
    if (fieldValue.length > MAX_TEXT) throw badRequest(`contact_custom_fields[${i}].custom_field_value must be at most ${MAX_TEXT} characters`);
    const type = field.custom_field_type ?? 'USER';
    if (type !== 'USER' && type !== 'SYSTEM') throw badRequest(`contact_custom_fields[${i}].custom_field_type must be one of SYSTEM, USER`);
    if (name in values) throw badRequest(`contact_custom_fields: "${name}" is given twice`);
    values[name] = fieldValue;
    if (type === 'SYSTEM') types[name] = 'system';
  });
  return { values, types };
}

/** A real calendar day written YYYY-MM-DD (a birth date may lie centuries back). */
function isDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.getUTCFullYear() === Number(m[1]) && date.getUTCMonth() === Number(m[2]) - 1 && date.getUTCDate() === Number(m[3]);
}
