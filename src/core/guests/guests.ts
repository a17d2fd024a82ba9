import type { Db } from '../../db/database.js';
import type { Updateable } from 'kysely';
import type { Guest, GuestsTable } from '../../db/schema.js';
import { notFound } from '../shared/errors.js';
import { parseJson } from '../shared/json.js';

/** Profile fields a face may set; undefined leaves a field as it is, null clears it. */
export interface GuestFields {
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  email?: string | null;
  mobile?: string | null;
  language?: string | null;
  vipStatus?: string | null;
  groupName?: string | null;
  /** merged into the stored custom fields key by key */
  customFields?: Record<string, string>;
}

const COLUMNS: Array<[keyof GuestFields, keyof GuestsTable]> = [
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['name', 'name'],
  ['email', 'email'],
  ['mobile', 'mobile'],
  ['language', 'language'],
  ['vipStatus', 'vip_status'],
  ['groupName', 'group_name'],
];

/** Normalises e-mail addresses so lookups by e-mail match however the client cased them. */
export function normaliseEmail(email: string | null | undefined): string | null | undefined {
  if (email === undefined || email === null) return email;
  const trimmed = email.trim().toLowerCase();
  return trimmed === '' ? null : trimmed;
}

/**
 * Normalises a phone number so the same number matches however a face wrote it: spaces, dashes,
 * dots and parentheses go ("+46 73-044 24 80" and "+46730442480" are one guest).
 */
export function normaliseMobile(mobile: string | null | undefined): string | null | undefined {
  if (mobile === undefined || mobile === null) return mobile;
  const compact = mobile.trim().replace(/[\s\-.()]/g, '');
  return compact === '' ? null : compact;
}

function changes(fields: GuestFields, current?: Guest): Updateable<GuestsTable> {
  const out: Record<string, unknown> = {};
  for (const [field, column] of COLUMNS) {
    let value = fields[field];
    if (value === undefined) continue;
    if (field === 'email') value = normaliseEmail(value as string | null);
    if (field === 'mobile') value = normaliseMobile(value as string | null);
    out[column] = value === '' ? null : value;
  }
  // A full name is derived from first and last name when only those are known.
  const first = (out.first_name as string | undefined) ?? current?.first_name ?? null;
  const last = (out.last_name as string | undefined) ?? current?.last_name ?? null;
  if (fields.name === undefined && (fields.firstName !== undefined || fields.lastName !== undefined)) {
    out.name = [first, last].filter(Boolean).join(' ') || null;
  }
  if (fields.customFields) {
    out.custom_fields = JSON.stringify({ ...parseJson<Record<string, string>>(current?.custom_fields, {}), ...fields.customFields });
  }
  return out as Updateable<GuestsTable>;
}

export async function createGuest(db: Db, accountId: number, fields: GuestFields): Promise<Guest> {
  const now = Date.now();
  return db
    .insertInto('guests')
    .values({ custom_fields: '{}', ...(changes(fields) as object), account_id: accountId, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Applies the fields that were sent and returns the updated guest. */
export async function updateGuest(db: Db, guest: Guest, fields: GuestFields): Promise<Guest> {
  const set = changes(fields, guest);
  if (Object.keys(set).length === 0) return guest;
  const now = Date.now();
  await db
    .updateTable('guests')
    .set({ ...set, updated_at: now })
    .where('account_id', '=', guest.account_id)
    .where('id', '=', guest.id)
    .execute();
  return { ...guest, ...set, updated_at: now } as Guest;
}

export async function findGuest(db: Db, accountId: number, id: number): Promise<Guest | undefined> {
  return db.selectFrom('guests').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function getGuest(db: Db, accountId: number, id: number): Promise<Guest> {
  const guest = await findGuest(db, accountId, id);
  if (!guest) throw notFound('guest');
  return guest;
}

/** Guests with this e-mail or mobile number (oldest first). */
export async function findGuestsByContact(
  db: Db,
  accountId: number,
  by: { email?: string | null; mobile?: string | null },
): Promise<Guest[]> {
  const email = normaliseEmail(by.email);
  const mobile = normaliseMobile(by.mobile) ?? null;
  if (!email && !mobile) return [];
  return db
    .selectFrom('guests')
    .selectAll()
    .where('account_id', '=', accountId)
    .where((eb) => eb.or([...(email ? [eb('email', '=', email)] : []), ...(mobile ? [eb('mobile', '=', mobile)] : [])]))
    .orderBy('id')
    .execute();
}

/**
 * Finds the guest with this e-mail (first) or mobile number, or creates one; then applies the
 * fields. This is how a person met by several faces stays one guest row.
 */
export async function findOrCreateGuestByContact(db: Db, accountId: number, fields: GuestFields): Promise<{ guest: Guest; created: boolean }> {
  const email = normaliseEmail(fields.email);
  const mobile = normaliseMobile(fields.mobile) ?? null;
  let existing: Guest | undefined;
  if (email) existing = (await findGuestsByContact(db, accountId, { email }))[0];
  if (!existing && mobile) existing = (await findGuestsByContact(db, accountId, { mobile }))[0];
  if (existing) return { guest: await updateGuest(db, existing, fields), created: false };
  return { guest: await createGuest(db, accountId, fields), created: true };
}

export function guestCustomFields(guest: Guest): Record<string, string> {
  return parseJson<Record<string, string>>(guest.custom_fields, {});
}
