import type { Db } from '../../db/database.js';
import { normaliseEmail } from '../shared/identifiers.js';
import { hashToken } from '../shared/tokens.js';

/*
 * The sign-in lockout, kept in the database so that every instance sees it: after
 * SIGN_IN_FAILURE_LIMIT failed sign-ins for one e-mail within SIGN_IN_WINDOW_MS, that e-mail is
 * locked out until the oldest of those failures leaves the window (the right password included).
 * Failures are counted by a digest of the case-folded e-mail, known staff or not, so that a
 * lockout tells nothing about which e-mails exist. A successful sign-in clears them.
 */

export const SIGN_IN_FAILURE_LIMIT = 5;
export const SIGN_IN_WINDOW_MS = 15 * 60_000;

const keyOf = (email: string) => hashToken(`staff-sign-in\0${normaliseEmail(email) ?? ''}`);

/** Until when the e-mail is locked out (epoch ms), or undefined when it is not. */
export async function signInLockedUntil(db: Db, email: string, now = Date.now()): Promise<number | undefined> {
  const recent = await db
    .selectFrom('staff_sign_in_failures')
    .select('failed_at')
    .where('email_hash', '=', keyOf(email))
    .where('failed_at', '>', now - SIGN_IN_WINDOW_MS)
    .orderBy('failed_at', 'desc')
    .limit(SIGN_IN_FAILURE_LIMIT)
    .execute();
  if (recent.length < SIGN_IN_FAILURE_LIMIT) return undefined;
  return Number(recent[SIGN_IN_FAILURE_LIMIT - 1].failed_at) + SIGN_IN_WINDOW_MS;
}

/** Counts a failed sign-in for the e-mail (and drops its failures older than the window). */
export async function recordSignInFailure(db: Db, email: string, now = Date.now()): Promise<void> {
  const key = keyOf(email);
  await db
    .deleteFrom('staff_sign_in_failures')
    .where('email_hash', '=', key)
    .where('failed_at', '<=', now - SIGN_IN_WINDOW_MS)
    .execute();
  await db.insertInto('staff_sign_in_failures').values({ email_hash: key, failed_at: now }).execute();
}

/** Forgets the e-mail's failures (a successful sign-in). */
export async function clearSignInFailures(db: Db, email: string): Promise<void> {
  await db.deleteFrom('staff_sign_in_failures').where('email_hash', '=', keyOf(email)).execute();
}
