import type { Db } from '../../db/database.js';
import { hashToken, randomToken } from '../shared/tokens.js';

/*
 * The one-time links of password-reset e-mails. A link carries a random token (only its SHA-256
 * is stored). Each opening of its page issues a fresh form token (stored as a digest, replacing the
 * previous one) that the POST must carry: the password is set only from the page the link opened.
 * A link works once and for RESET_VALID_MS.
 */

export const RESET_VALID_MS = 3_600_000;
/** The page of the link (served by the Loyalty face); the sender prefixes PUBLIC_URL. */
export const resetPath = (token: string) => `/fideltour/portal/reset/${token}`;

const TOKEN = /^[A-Za-z0-9]{20,64}$/;

/** A new reset token of the member, valid for RESET_VALID_MS (no page opened yet: no form token known). */
export async function createResetToken(trx: Db, accountId: number, guestId: number, now = Date.now()): Promise<string> {
  const token = randomToken(43);
  await trx
    .insertInto('loyalty_reset_tokens')
    .values({
      account_id: accountId,
      guest_id: guestId,
      token_hash: hashToken(token),
      form_token_hash: hashToken(randomToken(43)),
      expires_at: now + RESET_VALID_MS,
      used_at: null,
      created_at: now,
    })
    .execute();
  return token;
}

/** A fresh form token for the page of a valid link (the previous one stops working); undefined otherwise. */
export async function issueFormToken(trx: Db, token: string, now = Date.now()): Promise<string | undefined> {
  if (!TOKEN.test(token)) return undefined;
  const formToken = randomToken(43);
  const result = await trx
    .updateTable('loyalty_reset_tokens')
    .set({ form_token_hash: hashToken(formToken) })
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? formToken : undefined;
}

export type ResetState = { state: 'valid' | 'used' | 'expired'; accountId: number; guestId: number } | { state: 'unknown' };

/** What a reset token is now. */
export async function resetTokenState(db: Db, token: string, now = Date.now()): Promise<ResetState> {
  if (!TOKEN.test(token)) return { state: 'unknown' };
  const row = await db.selectFrom('loyalty_reset_tokens').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!row) return { state: 'unknown' };
  const state = row.used_at !== null ? 'used' : now >= Number(row.expires_at) ? 'expired' : 'valid';
  return { state, accountId: row.account_id, guestId: row.guest_id };
}

/** Marks the token used, once, if `formToken` is its page's: false when not (or another request used it first). */
export async function consumeResetToken(trx: Db, token: string, formToken: string, now = Date.now()): Promise<boolean> {
  if (!TOKEN.test(token) || !TOKEN.test(formToken)) return false;
  const result = await trx
    .updateTable('loyalty_reset_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hashToken(token))
    .where('form_token_hash', '=', hashToken(formToken))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
