import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Guest } from '../../db/schema.js';
import { findGuestByKey } from './guest-keys.js';
import { normaliseArrivalFields } from './identity.js';

export interface GuestFilter {
  /** as sent: normalised as an arrival's (case-folded) */
  email?: string;
  /** as sent: normalised as an arrival's (E.164, a national number read in the account's country) */
  mobile?: string;
  /** an external key */
  key?: { source: string; value: string };
  /** part of the name, first name, last name or "first last", case-insensitive (ASCII folding) */
  name?: string;
  limit: number;
  offset: number;
}

/**
 * The account's guests for staff to find someone, oldest first, filtered by e-mail, mobile or key
 * (all given must hold). Merged-away guests are never listed: their survivor stands for them.
 */
export async function listGuests(db: Db, accountId: number, filter: GuestFilter): Promise<Guest[]> {
  const { email, mobile } = await normaliseArrivalFields(db, accountId, { email: filter.email, mobile: filter.mobile });
  let query = db.selectFrom('guests').selectAll().where('account_id', '=', accountId).where('merged_into_id', 'is', null);
  if (filter.key) {
    const keyed = await findGuestByKey(db, accountId, filter.key.source, filter.key.value);
    if (!keyed) return [];
    query = query.where('id', '=', keyed.id);
  }
  if (email) query = query.where('email', '=', email);
  if (mobile) query = query.where('mobile', '=', mobile);
  if (filter.name) query = query.where(namePart(filter.name));
  return query.orderBy('id').limit(filter.limit).offset(filter.offset).execute();
}

/** How many of the account's guests listGuests would list with this filter, without paging. */
export async function countGuests(db: Db, accountId: number, filter: Omit<GuestFilter, 'limit' | 'offset'>): Promise<number> {
  const { email, mobile } = await normaliseArrivalFields(db, accountId, { email: filter.email, mobile: filter.mobile });
  let query = db.selectFrom('guests').where('account_id', '=', accountId).where('merged_into_id', 'is', null);
  if (filter.key) {
    const keyed = await findGuestByKey(db, accountId, filter.key.source, filter.key.value);
    if (!keyed) return 0;
    query = query.where('id', '=', keyed.id);
  }
  if (email) query = query.where('email', '=', email);
  if (mobile) query = query.where('mobile', '=', mobile);
  if (filter.name) query = query.where(namePart(filter.name));
  const row = await query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}

/** A LIKE pattern matching `text` anywhere, its wildcards escaped with backslash. */
const containing = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Guests whose name, first or last name, or "first last" contains `text` (lower() folds ASCII on SQLite). */
function namePart(text: string) {
  const pattern = containing(text.trim());
  return sql<boolean>`(lower(coalesce(name, '')) like ${pattern} escape '\\'
    or lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) like ${pattern} escape '\\')`;
}
