import { Type } from '@sinclair/typebox';
import { badRequest } from '../../../core/shared/errors.js';
import type { GuestFields } from '../../../core/guests/guests.js';
import type { StayFields } from '../../../core/stays/stays.js';
import type { Db } from '../../../db/database.js';
import { readBoolean, readCustomFields, readDate, readString } from '../parse.js';
import { BooleanLike, CustomFieldsBody, KeyOrNumber, KeyString, StringOrNumber } from '../schemas.js';
import { decodeId } from '../ids.js';
import { resolveLocation } from './resolve.js';

/** The contact fields of Contact and of ContactEvent by inclusion. */
export const ContactFieldsSchema = {
  foreignId: Type.Optional(KeyOrNumber),
  locationId: Type.Optional(Type.String()),
  location: Type.Optional(Type.String()),
  firstname: Type.Optional(Type.String()),
  lastname: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  email: Type.Optional(KeyString),
  mobile: Type.Optional(KeyOrNumber),
  language: Type.Optional(Type.String()),
  arrivalTime: Type.Optional(StringOrNumber),
  departureTime: Type.Optional(StringOrNumber),
  checkedInStatus: Type.Optional(BooleanLike),
  vipStatus: Type.Optional(StringOrNumber), // PMS VIP codes are often numbers
  groupName: Type.Optional(Type.String()),
  room: Type.Optional(StringOrNumber),
  customFields: Type.Optional(CustomFieldsBody),
};

/** Keys that, present in a ContactEvent, make it an event "by inclusion". */
export const INCLUDED_CONTACT_KEYS = Object.keys(ContactFieldsSchema).filter((k) => k !== 'foreignId');

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The guest and stay parts of a Loop contact body. `uncheckedLocation`: the body named its location
 * by Loop id, and `stay.locationId` is that id, not yet known to be the account's. upsertContact
 * checks it in the same read as the contact (a 404 naming this reference when it is not); a
 * shortcode is resolved here.
 */
export interface ContactFieldsRead {
  guest: GuestFields;
  stay: StayFields;
  uncheckedLocation?: string;
}

/** Reads the guest and stay parts of a Loop contact body. */
export async function readContactFields(db: Db, accountId: number, body: Record<string, unknown>): Promise<ContactFieldsRead> {
  const email = readString(body.email, 'email');
  if (email && !EMAIL.test(email)) throw badRequest('email is not a valid e-mail address');
  const guest: GuestFields = {
    firstName: readString(body.firstname, 'firstname'),
    lastName: readString(body.lastname, 'lastname'),
    name: readString(body.name, 'name'),
    email,
    mobile: readString(body.mobile, 'mobile'),
    language: readString(body.language, 'language'),
    vipStatus: readString(body.vipStatus, 'vipStatus'),
    groupName: readString(body.groupName, 'groupName'),
    customFields: readCustomFields(body.customFields),
  };
  const locationRef = readString(body.locationId ?? body.location, 'locationId');
  const locationKey = locationRef ? decodeId('location', locationRef) : undefined;
  const checkedIn = readBoolean(body.checkedInStatus, 'checkedInStatus');
  const stay: StayFields = {
    locationId: locationKey ?? (locationRef ? (await resolveLocation(db, accountId, locationRef)).id : undefined),
    arrivalAt: readDate(body.arrivalTime, 'arrivalTime'),
    departureAt: readDate(body.departureTime, 'departureTime'),
    room: readString(body.room, 'room'),
    status: checkedIn === undefined ? undefined : checkedIn ? 'instay' : 'prestay',
    language: guest.language,
  };
  if (stay.arrivalAt && stay.departureAt && stay.departureAt < stay.arrivalAt) {
    throw badRequest('departureTime is before arrivalTime');
  }
  return locationKey === undefined ? { guest, stay } : { guest, stay, uncheckedLocation: locationRef };
}
