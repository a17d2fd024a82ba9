import type { Db } from '../../db/database.js';
import type { LoyaltyMember } from '../../db/schema.js';
import { lockKeys } from '../../db/key-locks.js';
import { badRequest } from '../shared/errors.js';

/*
 * The loyalty side of a guest: one loyalty_members row per guest the Loyalty face knows, made on
 * first use. It holds the membership (sign-in e-mail, password hash, level, balances) and the
 * Fideltour contact attributes the guest profile has no column for yet (docs/compat.md).
 */

/** The contact attributes kept with the membership; undefined leaves one as it is, null clears it. */
export interface MemberExtras {
  phone2?: string | null;
  birthday?: string | null;
  gender?: string | null;
  country?: string | null;
  subscribed?: boolean | null;
}

export async function findMember(db: Db, accountId: number, guestId: number): Promise<LoyaltyMember | undefined> {
  return db.selectFrom('loyalty_members').selectAll().where('account_id', '=', accountId).where('guest_id', '=', guestId).executeTakeFirst();
}

/** The member rows of these guests, by guest id (guests without one are left out). */
export async function findMembers(db: Db, accountId: number, guestIds: number[]): Promise<Map<number, LoyaltyMember>> {
  if (guestIds.length === 0) return new Map();
  const rows = await db.selectFrom('loyalty_members').selectAll().where('account_id', '=', accountId).where('guest_id', 'in', guestIds).execute();
  return new Map(rows.map((row) => [row.guest_id, row]));
}

/** Makes the guest's member row if it has none. */
export async function ensureMember(trx: Db, accountId: number, guestId: number, now = Date.now()): Promise<void> {
  await trx
    .insertInto('loyalty_members')
    .values({
      account_id: accountId,
      guest_id: guestId,
      signin_email: null,
      password_hash: null,
      enrolled_at: null,
      level_id: null,
      loyalty_id: null,
      loyalty_bookings: null,
      loyalty_nights: null,
      loyalty_last_booking_date: null,
      loyalty_custom_tag_timestamp: null,
      phone2: null,
      birthday: null,
      gender: null,
      country: null,
      subscribed: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['account_id', 'guest_id']).doNothing())
    .execute();
}

/**
 * The guest's member row, locked for the rest of the transaction (PostgreSQL: an advisory lock on
 * the member; SQLite: a write transaction runs alone), so that concurrent ledger operations on one
 * member run one after the other and a balance can never be spent twice.
 */
export async function lockMember(trx: Db, accountId: number, guestId: number, now = Date.now()): Promise<LoyaltyMember> {
  await lockKeys(trx, accountId, [`loyalty-member:${guestId}`]);
  await ensureMember(trx, accountId, guestId, now);
  const member = await findMember(trx, accountId, guestId);
  if (!member) throw new Error(`loyalty member ${guestId} vanished inside its transaction`);
  return member;
}

/** The member row, locked, of a guest enrolled in the programme; a 400 otherwise. */
export async function lockEnrolledMember(trx: Db, accountId: number, guestId: number, now = Date.now()): Promise<LoyaltyMember> {
  const member = await lockMember(trx, accountId, guestId, now);
  if (member.enrolled_at === null) throw badRequest('the contact is not registered in the loyalty programme');
  return member;
}

/** Writes member columns (the row exists: lockMember or ensureMember made it). */
export async function updateMember(
  trx: Db,
  accountId: number,
  guestId: number,
  set: Partial<Omit<LoyaltyMember, 'account_id' | 'guest_id'>>,
  now = Date.now(),
): Promise<void> {
  await trx
    .updateTable('loyalty_members')
    .set({ ...set, updated_at: now })
    .where('account_id', '=', accountId)
    .where('guest_id', '=', guestId)
    .execute();
}

/** Stores the contact attributes that were sent. */
export async function setMemberExtras(trx: Db, accountId: number, guestId: number, extras: MemberExtras, now = Date.now()): Promise<void> {
  const set: Partial<LoyaltyMember> = {};
  if (extras.phone2 !== undefined) set.phone2 = extras.phone2 || null;
  if (extras.birthday !== undefined) set.birthday = extras.birthday || null;
  if (extras.gender !== undefined) set.gender = extras.gender || null;
  if (extras.country !== undefined) set.country = extras.country || null;
  if (extras.subscribed !== undefined) set.subscribed = extras.subscribed === null ? null : extras.subscribed ? 1 : 0;
  await ensureMember(trx, accountId, guestId, now);
  if (Object.keys(set).length > 0) await updateMember(trx, accountId, guestId, set, now);
}

/** The enrolled member whose sign-in e-mail (case-folded) this is, if any. */
export async function findMemberBySigninEmail(db: Db, accountId: number, email: string): Promise<LoyaltyMember | undefined> {
  return db
    .selectFrom('loyalty_members')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('signin_email', '=', email)
    .where('enrolled_at', 'is not', null)
    .executeTakeFirst();
}

/** Enrolled members, newest enrolment first; `guestIds` narrows to those guests (an empty list matches none). */
export async function listEnrolledMembers(db: Db, accountId: number, filter: { guestIds?: number[]; limit: number; offset: number }): Promise<LoyaltyMember[]> {
  if (filter.guestIds && filter.guestIds.length === 0) return [];
  let query = db.selectFrom('loyalty_members').selectAll().where('account_id', '=', accountId).where('enrolled_at', 'is not', null);
  if (filter.guestIds) query = query.where('guest_id', 'in', filter.guestIds);
  return query.orderBy('enrolled_at', 'desc').orderBy('guest_id', 'desc').limit(filter.limit).offset(filter.offset).execute();
}

/**
 * The accounts whose programme has an enrolled member signing in with this e-mail (case-folded),
 * at most `limit`: the member portal is one address for every account, so a sign-in e-mail names
 * its account (the password then tells which, when several do).
 */
export async function accountsOfSigninEmail(db: Db, email: string, limit = 5): Promise<number[]> {
  const rows = await db
    .selectFrom('loyalty_members')
    .select('account_id')
    .where('signin_email', '=', email)
    .where('enrolled_at', 'is not', null)
    .orderBy('account_id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.account_id);
}
