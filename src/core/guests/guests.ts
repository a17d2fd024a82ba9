import type { Db } from '../../db/database.js';
import type { Insertable, Updateable } from 'kysely';
import type { Guest, GuestsTable } from '../../db/schema.js';
import { notFound } from '../shared/errors.js';
import { parseJson } from '../shared/json.js';
import { preparedShapes } from '../../db/prepared.js';
import { normaliseEmail, normalisePhone } from '../shared/identifiers.js';
import { recordEvent } from '../events/record-event.js';
import { keepGuestRevision } from './guest-revisions.js';
import type { WriteContext } from '../shared/write-context.js';

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
  /** replaces the stored custom fields as a whole (a face that overwrites a profile) */
  allCustomFields?: Record<string, string>;
  /** replaces the person fields only some faces carry (guest-details.ts) as a whole */
  details?: Record<string, unknown>;
}

const blankToNull = <T>(value: T): T | null => (value === '' ? null : value);

/*
 * The columns the fields set (against `current`, the row as stored, for the derived name and the
 * merged custom fields). Written out column by column: this runs on every contact a PMS sends,
 * and named property access is several times cheaper than a loop over column names.
 */
export function guestColumns(fields: GuestFields, current?: Guest): Updateable<GuestsTable> {
  const out: Updateable<GuestsTable> = {};
  if (fields.firstName !== undefined) out.first_name = blankToNull(fields.firstName);
  if (fields.lastName !== undefined) out.last_name = blankToNull(fields.lastName);
  if (fields.name !== undefined) out.name = blankToNull(fields.name);
  if (fields.email !== undefined) out.email = normaliseEmail(fields.email);
  // Arrivals come normalised with their country (identity.ts normaliseArrivalFields); this keeps
  // an E.164 number and a number that does not parse as they are.
  if (fields.mobile !== undefined) out.mobile = fields.mobile === null ? null : (normalisePhone(fields.mobile)?.stored ?? null);
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
  if (fields.allCustomFields) out.custom_fields = JSON.stringify(fields.allCustomFields);
  if (fields.details) out.details = JSON.stringify(fields.details);
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

/** Inserts a guest with the fields given (a new person arriving: a hot path of every face). */
export async function createGuest(ctx: WriteContext, fields: GuestFields): Promise<Guest> {
  const { trx: db, accountId } = ctx;
  const now = Date.now();
  const values: Record<string, unknown> = { custom_fields: '{}', ...guestColumns(fields), account_id: accountId, created_at: now, updated_at: now };
  const { rows } = await insertGuestColumns(db, Object.keys(values).join(','), ...Object.values(values));
  const guest = { ...newGuestRow(accountId, now), ...values, id: rows[0].id } as Guest;
  await recordEvent(ctx, { type: 'guest.created', subjects: { guestId: guest.id }, data: guest, at: now });
  return guest;
}

/*
 * The row of a guest just inserted is the values written over the table's defaults: the INSERT
 * returns only the id (RETURNING * makes SQLite copy every column of the new row through a
 * temporary table: about 2.5 µs of a new guest's 7.5, measured). Every column of the table is
 * listed (the Guest type requires them); a new column with a default must be added here.
 */
export function newGuestRow(accountId: number, now: number): Guest {
  return {
    id: 0,
    account_id: accountId,
    first_name: null,
    last_name: null,
    name: null,
    email: null,
    mobile: null,
    language: null,
    vip_status: null,
    group_name: null,
    custom_fields: '{}',
    created_at: now,
    updated_at: now,
    merged_into_id: null,
    version: 1,
    details: '{}',
    loop_id: null,
  };
}

// One compiled INSERT per set of columns (see db/prepared.ts).
const insertGuestColumns = preparedShapes((db, columns, ...values) =>
  db
    .insertInto('guests')
    .values(Object.fromEntries(columns.split(',').map((column, i) => [column, values[i]])) as Insertable<GuestsTable>)
    .returning('id'),
);

/**
 * The columns the fields would change on this guest, with their new values; undefined when the
 * fields change nothing (a contact resent as it is stored).
 */
export function guestChanges(guest: Guest, fields: GuestFields): Record<string, unknown> | undefined {
  const set = guestColumns(fields, guest) as Record<string, unknown>;
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
 * at all (its updated_at and version stay). A change adds one to the profile's version and keeps
 * the row as it was (guest-revisions.ts), whichever face made it.
 */
export async function updateGuest(ctx: WriteContext, guest: Guest, fields: GuestFields): Promise<Guest> {
  const changed = guestChanges(guest, fields);
  if (!changed) return guest;
  return writeGuest(ctx, guest, changed);
}

/**
 * Writes the fields as a new revision of the guest even when they change nothing (a face whose
 * every write is a revision: a Contacts API PUT), and returns the updated guest.
 */
export async function reviseGuest(ctx: WriteContext, guest: Guest, fields: GuestFields): Promise<Guest> {
  return writeGuest(ctx, guest, guestChanges(guest, fields) ?? {});
}

async function writeGuest(ctx: WriteContext, guest: Guest, changed: Record<string, unknown>): Promise<Guest> {
  const db = ctx.trx;
  const now = Date.now();
  const columns = Object.keys(changed);
  await updateGuestColumns(db, [...columns, 'updated_at'].join(','), guest.account_id, guest.id, ...Object.values(changed), now);
  await keepGuestRevision(db, guest, now);
  const updated = { ...guest, ...changed, updated_at: now, version: guest.version + 1 };
  await recordEvent(ctx, { type: 'guest.updated', subjects: { guestId: guest.id }, data: updated, at: now });
  return updated;
}

// One compiled UPDATE per set of changed columns (see db/prepared.ts).
const updateGuestColumns = preparedShapes((db, columns, accountId, id, ...values) =>
  db
    .updateTable('guests')
    .set(Object.fromEntries(columns.split(',').map((column, i) => [column, values[i]])))
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('account_id', '=', accountId as number)
    .where('id', '=', id as number),
);

/** How many merges findGuest follows from a merged-away id (merges keep chains at one step). */
const MAX_MERGE_HOPS = 8;

/**
 * The guest an id names, as every face sees it: a merged-away guest's id answers as its survivor
 * (following a chain A -> B -> C, bounded), so ids that devices stored keep working after a merge.
 */
export async function findGuest(db: Db, accountId: number, id: number): Promise<Guest | undefined> {
  let guest = await findGuestRow(db, accountId, id);
  for (let hop = 0; guest?.merged_into_id != null && hop < MAX_MERGE_HOPS; hop++) {
    guest = await findGuestRow(db, accountId, guest.merged_into_id);
  }
  return guest?.merged_into_id == null ? guest : undefined;
}

/** The guest row of exactly this id, merged away or not (merge and split read rows as they are). */
export async function findGuestRow(db: Db, accountId: number, id: number): Promise<Guest | undefined> {
  return db.selectFrom('guests').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function getGuest(db: Db, accountId: number, id: number): Promise<Guest> {
  const guest = await findGuest(db, accountId, id);
  if (!guest) throw notFound('guest');
  return guest;
}

/**
 * Every guest holding this e-mail or mobile number (already normalised), oldest first, at most
 * `limit`: a lookup (Loop users), not a match, so shared and blocklisted values are found too.
 * Merged-away guests are left out: their survivor holds their details.
 */
export async function findGuestsByContact(db: Db, accountId: number, by: { email?: string | null; mobile?: string | null }, limit = 1000): Promise<Guest[]> {
  const { email, mobile } = by;
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
    .where('merged_into_id', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
}

// The limit is the shape (one template per column and limit): written into the SQL as a number
// (db/sqlite-literal-limits.ts), not bound.
const holdersOf = (column: 'email' | 'mobile') =>
  preparedShapes((db, limit, accountId, value) =>
    db
      .selectFrom('guests')
      .select('id')
      .where('account_id', '=', accountId as number)
      .where(column, '=', value as string)
      .orderBy('id')
      .limit(Number(limit)),
  );
const HOLDERS = { email: holdersOf('email'), mobile: holdersOf('mobile') };

/**
 * Ids of the guests holding this e-mail or mobile (normalised), oldest first, at most `limit`:
 * read from the index alone (guests_account_email / guests_account_mobile hold the id), so telling
 * that many guests share a value costs one short index read. Merged-away guests hold none: their
 * values were cleared.
 */
export async function guestIdsHolding(db: Db, accountId: number, column: 'email' | 'mobile', value: string, limit: number): Promise<number[]> {
  const { rows } = await HOLDERS[column](db, String(limit), accountId, value);
  return rows.map((row) => (row as { id: number }).id);
}

/** The guests with these ids (any order; unknown ids are left out). */
export async function findGuestsByIds(db: Db, accountId: number, ids: number[]): Promise<Guest[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('guests').selectAll().where('account_id', '=', accountId).where('id', 'in', ids).execute();
}

export function guestCustomFields(guest: Guest): Record<string, string> {
  return parseJson<Record<string, string>>(guest.custom_fields, {});
}

/** The ids of the guests merged into `guestId` (rows kept, answering as it). */
export async function guestIdsMergedInto(db: Db, accountId: number, guestId: number): Promise<number[]> {
  const rows = await db.selectFrom('guests').select('id').where('account_id', '=', accountId).where('merged_into_id', '=', guestId).orderBy('id').execute();
  return rows.map((r) => r.id);
}

/**
 * Retention's scan: ids of the account's guests (not merged away) created and last changed before
 * `before`, after `afterId`, in id order, at most `limit`.
 */
export async function guestIdsUnchangedSince(db: Db, accountId: number, scan: { before: number; afterId: number; limit: number }): Promise<number[]> {
  const rows = await db
    .selectFrom('guests')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', '>', scan.afterId)
    .where('merged_into_id', 'is', null)
    .where('updated_at', '<', scan.before)
    .where('created_at', '<', scan.before)
    .orderBy('id')
    .limit(scan.limit)
    .execute();
  return rows.map((r) => r.id);
}
