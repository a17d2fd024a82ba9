import { timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/database.js';
import type { StaffSession } from '../../db/schema.js';
import { hashToken, randomToken } from '../shared/tokens.js';
import { staffOf, type StaffMember } from './staff.js';

/*
 * Console sessions, kept in the database so that every instance knows them. The cookie carries a
 * random id; the table keeps only its SHA-256. Each session has a synchroniser CSRF token that the
 * console sends back in `x-csrf-token` with every write. A session ends after SESSION_IDLE_MS
 * without use; its expiry moves forward as it is used (at most one write per SEEN_STEP_MS).
 */

export const SESSION_IDLE_MS = 12 * 3_600_000;
const SEEN_STEP_MS = 60_000;
const ID = /^[A-Za-z0-9]{43}$/;

/** Opens a session for a staff member: the cookie's value and the session's CSRF token. */
export async function openStaffSession(db: Db, accountId: number, employeeId: number, now = Date.now()): Promise<{ id: string; csrfToken: string }> {
  const id = randomToken(43);
  const csrfToken = randomToken(43);
  // The account's sessions past their expiry go as a new one opens (nothing else reads them).
  await db.deleteFrom('staff_sessions').where('account_id', '=', accountId).where('expires_at', '<=', now).execute();
  await db
    .insertInto('staff_sessions')
    .values({
      id_hash: hashToken(id),
      account_id: accountId,
      employee_id: employeeId,
      csrf_token: csrfToken,
      created_at: now,
      seen_at: now,
      expires_at: now + SESSION_IDLE_MS,
    })
    .execute();
  return { id, csrfToken };
}

/**
 * The live session of a cookie value and its staff member (one query), its idle expiry moved
 * forward; undefined when the session is unknown or expired, or its staff member was removed.
 */
export async function liveStaffSession(db: Db, id: string, now = Date.now()): Promise<{ session: StaffSession; staff: StaffMember } | undefined> {
  if (!ID.test(id)) return undefined;
  const row = await db
    .selectFrom('staff_sessions as s')
    .innerJoin('employees as e', (j) => j.onRef('e.id', '=', 's.employee_id').onRef('e.account_id', '=', 's.account_id'))
    .selectAll('e')
    .select(['s.id_hash', 's.csrf_token', 's.created_at as session_created_at', 's.seen_at', 's.expires_at'])
    .where('s.id_hash', '=', hashToken(id))
    .executeTakeFirst();
  if (!row || Number(row.expires_at) <= now) return undefined;
  const staff = staffOf(row);
  if (!staff) return undefined;
  if (now - Number(row.seen_at) >= SEEN_STEP_MS) {
    await db
      .updateTable('staff_sessions')
      .set({ seen_at: now, expires_at: now + SESSION_IDLE_MS })
      .where('id_hash', '=', row.id_hash)
      .execute();
  }
  const session: StaffSession = {
    id_hash: row.id_hash,
    account_id: row.account_id,
    employee_id: row.id,
    csrf_token: row.csrf_token,
    created_at: Number(row.session_created_at),
    seen_at: Number(row.seen_at),
    expires_at: Number(row.expires_at),
  };
  return { session, staff };
}

/** Ends a session (sign-out). */
export async function closeStaffSession(db: Db, id: string): Promise<void> {
  if (!ID.test(id)) return;
  await db.deleteFrom('staff_sessions').where('id_hash', '=', hashToken(id)).execute();
}

/** Ends every session of a staff member but `keep` (a password change signs the other devices out). */
export async function closeOtherStaffSessions(db: Db, accountId: number, employeeId: number, keep?: string): Promise<void> {
  let query = db.deleteFrom('staff_sessions').where('account_id', '=', accountId).where('employee_id', '=', employeeId);
  if (keep) query = query.where('id_hash', '!=', hashToken(keep));
  await query.execute();
}

/** Whether `presented` is the session's CSRF token (compared in constant time). */
export function csrfMatches(session: StaffSession, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(session.csrf_token);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
