import type { Db } from '../../db/database.js';
import { hashToken, randomToken } from '../shared/tokens.js';

/*
 * One-time links of staff members, stored as SHA-256 digests: `link` (a sign-in link from
 * `openstay staff create` or an invitation e-mail; it may also set the first password) and `reset`
 * (a password-reset e-mail). Each works once, before it expires.
 */

export type StaffTokenKind = 'link' | 'reset';

export const STAFF_LINK_VALID_MS = 7 * 24 * 3_600_000;
export const STAFF_RESET_VALID_MS = 3_600_000;

/** The console pages of the links (PUBLIC_URL is prefixed by the caller). */
export const signInLinkPath = (token: string) => `/sign-in/link/${token}`;
export const resetPasswordPath = (token: string) => `/reset-password/${token}`;

const TOKEN = /^[A-Za-z0-9]{43}$/;

/** A new one-time token of the staff member. */
export async function issueStaffToken(
  db: Db,
  accountId: number,
  employeeId: number,
  kind: StaffTokenKind,
  now = Date.now(),
): Promise<{ token: string; expiresAt: number }> {
  const token = randomToken(43);
  const expiresAt = now + (kind === 'link' ? STAFF_LINK_VALID_MS : STAFF_RESET_VALID_MS);
  await db
    .insertInto('staff_tokens')
    .values({ account_id: accountId, employee_id: employeeId, kind, token_hash: hashToken(token), expires_at: expiresAt, used_at: null, created_at: now })
    .execute();
  return { token, expiresAt };
}

/** Uses a token of one of `kinds` up, once: its account and staff member, or undefined (unknown, used, expired). */
export async function consumeStaffToken(
  db: Db,
  token: string,
  kinds: readonly StaffTokenKind[],
  now = Date.now(),
): Promise<{ accountId: number; employeeId: number } | undefined> {
  if (!TOKEN.test(token)) return undefined;
  const row = await db
    .updateTable('staff_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hashToken(token))
    .where('kind', 'in', [...kinds])
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['account_id', 'employee_id'])
    .executeTakeFirst();
  return row ? { accountId: row.account_id, employeeId: row.employee_id } : undefined;
}
