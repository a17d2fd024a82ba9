import type { Db } from '../../db/database.js';
import { lockKeys } from '../../db/key-locks.js';
import type { Updateable } from 'kysely';
import type { Guest, GuestsTable } from '../../db/schema.js';
import { notFound } from '../shared/errors.js';
import { parseJson } from '../shared/json.js';
import { preparedShapes } from '../../db/prepared.js';

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
  const compact = mobile
    .trim()
    .replace(/^(\+\d{1,4})\s*\(0\)/, '$1') // "+46 (0)70..." : the national trunk 0 is not dialled from abroad
    .replace(/[\s\-.()]/g, '')
    .replace(/^00(?=[1-9])/, '+'); // 0046... is +46...
  return compact === '' ? null : compact;
}

/**
 * The advisory-lock keys (db/key-locks.ts) of a person's e-mail and mobile: whoever may create
 * a guest for them takes these first, so concurrent requests for one new person make one guest.
 */
export function guestContactLockKeys(by: { email?: string | null; mobile?: string | null }): string[] {
  const email = normaliseEmail(by.email);
  const mobile = normaliseMobile(by.mobile);
  return [...(email ? [`guest-email:${email}`] : []), ...(mobile ? [`guest-mobile:${mobile}`] : [])];
}

const blankToNull = <T>(value: T): T | null => (value === '' ? null : value);

/*
 * The columns the fields set (against `current`, the row as stored, for the derived name and the
 * merged custom fields). Written out column by column: this runs on every contact a PMS sends,
 * and named property access is several times cheaper than a loop over column names.
 */
function changes(fields: GuestFields, current?: Guest): Updateable<GuestsTable> {
  const out: Updateable<GuestsTable> = {};
  if (fields.firstName !== undefined) out.first_name = blankToNull(fields.firstName);
  if (fields.lastName !== undefined) out.last_name = blankToNull(fields.lastName);
  if (fields.name !== undefined) out.name = blankToNull(fields.name);
  if (fields.email !== undefined) out.email = normaliseEmail(fields.email);
  if (fields.mobile !== undefined) out.mobile = normaliseMobile(fields.mobile);
  if (fields.language !== undefined) out.language = blankToNull(fields.language);
  if (fields.vipStatus !== undefined) out.vip_status = blankToNull(fields.vipStatus);
  if (fields.groupName !== undefined) out.group_name = blankToNull(fields.groupName);
  // A full name alone is split into first name and the rest (invite/url, Loop users, a stay's
  // guest), so first, last and full name never disagree; and the other way round, a full name is
  // derived from first and last name when only those are sent.
  if (fields.name !== undefined && fields.firstName === undefined && fields.lastName === undefined) {
    const [first, ...rest] = (out.name ?? '').split(/\s+/);
    out.first_name = first || null;
    out.last_name = rest.join(' ') || null;
  } else if (fields.name === undefined && (fields.firstName !== undefined || fields.lastName !== undefined)) {
    const first = out.first_name ?? current?.first_name ?? null;
    const last = out.last_name ?? current?.last_name ?? null;
    out.name = [first, last].filter(Boolean).join(' ') || null;
  }
  if (fields.customFields) out.custom_fields = mergedCustomFields(fields.customFields, current?.custom_fields);
  return out;
}

/** The stored custom fields (JSON) with `sent` merged in; the stored text itself when that changes nothing. */
function mergedCustomFields(sent: Record<string, string>, stored: string | undefined): string {
  const text = JSON.stringify(sent);
  // The usual resend: the same fields, in the same order, as stored.
  if (text === stored) return stored;
  const current = parseJson<Record<string, string>>(stored, {});
  let same = stored !== undefined;
  for (const key in sent) {
    if (current[key] !== sent[key]) {
      same = false;
      break;
    }
  }
  return same ? stored! : JSON.stringify({ ...current, ...sent });
}

export async function createGuest(db: Db, accountId: number, fields: GuestFields): Promise<Guest> {
  const now = Date.now();
  return db
    .insertInto('guests')
    .values({ custom_fields: '{}', ...(changes(fields) as object), account_id: accountId, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The columns the fields would change on this guest, with their new values; undefined when the
 * fields change nothing (a contact resent as it is stored).
 */
export function guestChanges(guest: Guest, fields: GuestFields): Record<string, unknown> | undefined {
  const set = changes(fields, guest) as Record<string, unknown>;
  const current = guest as unknown as Record<string, unknown>;
  let changed: Record<string, unknown> | undefined;
  for (const column in set) {
    if (set[column] !== current[column]) (changed ??= {})[column] = set[column];
  }
  return changed;
}

/**
 * Applies the fields that were sent and returns the updated guest. Integrations resend whole
 * contacts: only columns whose value differs are written, and an unchanged guest is not written
 * at all (its updated_at stays).
 */
export async function updateGuest(db: Db, guest: Guest, fields: GuestFields): Promise<Guest> {
  const changed = guestChanges(guest, fields);
  if (!changed) return guest;
  const now = Date.now();
  const columns = Object.keys(changed);
  await updateGuestColumns(db, `${columns.join(',')},updated_at`, guest.account_id, guest.id, ...Object.values(changed), now);
  return { ...guest, ...changed, updated_at: now };
}

// One compiled UPDATE per set of changed columns (see db/prepared.ts).
const updateGuestColumns = preparedShapes((db, columns, accountId, id, ...values) =>
  db
    .updateTable('guests')
    .set(Object.fromEntries(columns.split(',').map((column, i) => [column, values[i]])))
    .where('account_id', '=', accountId as number)
    .where('id', '=', id as number),
);

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
  // account_id is repeated in each branch so that each one is an index search on its own
  // (SQLite's multi-index OR; with account_id outside the OR it scans the account's guests).
  return db
    .selectFrom('guests')
    .selectAll()
    .where((eb) =>
      eb.or([
        ...(email ? [eb.and([eb('account_id', '=', accountId), eb('email', '=', email)])] : []),
        ...(mobile ? [eb.and([eb('account_id', '=', accountId), eb('mobile', '=', mobile)])] : []),
      ]),
    )
    .orderBy('id')
    .execute();
}

/**
 * The guest with this e-mail (the oldest such), else the one with this mobile number (the
 * oldest), read in one query.
 */
export async function findGuestByContact(db: Db, accountId: number, by: { email?: string | null; mobile?: string | null }): Promise<Guest | undefined> {
  const email = normaliseEmail(by.email);
  const mobile = normaliseMobile(by.mobile) ?? null;
  const guests = await findGuestsByContact(db, accountId, { email, mobile });
  return (email ? guests.find((g) => g.email === email) : undefined) ?? guests[0];
}

/**
 * Finds the guest with this e-mail (first) or mobile number, or creates one; then applies the
 * fields. This is how a person met by several faces stays one guest row.
 */
export async function findOrCreateGuestByContact(db: Db, accountId: number, fields: GuestFields): Promise<{ guest: Guest; created: boolean }> {
  const email = normaliseEmail(fields.email);
  const mobile = normaliseMobile(fields.mobile) ?? null;
  await lockKeys(db, accountId, guestContactLockKeys({ email, mobile }));
  const existing = email || mobile ? await findGuestByContact(db, accountId, { email, mobile }) : undefined;
  if (existing) return { guest: await updateGuest(db, existing, fields), created: false };
  return { guest: await createGuest(db, accountId, fields), created: true };
}

export function guestCustomFields(guest: Guest): Record<string, string> {
  return parseJson<Record<string, string>>(guest.custom_fields, {});
}
