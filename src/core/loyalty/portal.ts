import type { Db } from '../../db/database.js';
import type { LoyaltyMember, LoyaltyOperation, LoyaltyProduct } from '../../db/schema.js';
import { parseJson } from '../shared/json.js';
import { normaliseEmail } from '../shared/identifiers.js';
import { badRequest, notFound } from '../shared/errors.js';
import { redeemPoints } from './ledger.js';
import { accountsOfSigninEmail, findMember } from './members.js';
import { memberLogin, requestPasswordReset } from './membership.js';
import { findProduct, listProducts } from './products.js';

/*
 * What the member portal (the member's own pages) does, on top of the programme's functions:
 * sign in by e-mail and password without naming an account, ask for a reset link, see the open
 * lots, redeem a product. Passwords, resets and the ledger are the Loyalty face's own functions.
 */

/**
 * The enrolled member these credentials sign in, in whichever account (the first whose member
 * the password opens; memberLogin does the same work when no account knows the e-mail).
 */
export async function portalLogin(db: Db, email: string, password: string): Promise<LoyaltyMember | undefined> {
  const folded = normaliseEmail(email);
  const accounts = folded ? await accountsOfSigninEmail(db, folded) : [];
  if (accounts.length === 0) return memberLogin(db, 0, email, password);
  for (const accountId of accounts) {
    const member = await memberLogin(db, accountId, email, password);
    if (member) return member;
  }
  return undefined;
}

/** Sends the password-reset e-mail to every member signing in with `email` (nothing when none). */
export async function portalPasswordReset(trx: Db, email: string, now = Date.now()): Promise<void> {
  const folded = normaliseEmail(email);
  if (!folded) return;
  for (const accountId of await accountsOfSigninEmail(trx, folded)) await requestPasswordReset(trx, accountId, folded, now);
}

/** The member's lots that still hold points, soonest expiry first (never-expiring last). */
export async function openLots(db: Db, accountId: number, guestId: number, now = Date.now()): Promise<LoyaltyOperation[]> {
  const rows = await db
    .selectFrom('loyalty_operations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('guest_id', '=', guestId)
    .where('remaining_points', '>', 0)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('id')
    .limit(500)
    .execute();
  return rows.sort((a, b) => (a.expires_at ?? Number.MAX_SAFE_INTEGER) - (b.expires_at ?? Number.MAX_SAFE_INTEGER) || a.id - b.id);
}

/** Whether a product can be redeemed today by a member at `levelId` (visible, in its dates, for their level). */
export function productOpenTo(product: LoyaltyProduct, levelId: number | null, today: string): boolean {
  if (product.is_visible !== 1) return false;
  if (product.start_date && today < product.start_date) return false;
  if (product.end_date && today > product.end_date) return false;
  const levels = parseJson<number[]>(product.levels, []);
  return levels.length === 0 || (levelId !== null && levels.includes(levelId));
}

/** The products the member can redeem today. */
export async function productsFor(db: Db, member: LoyaltyMember, now = Date.now()): Promise<LoyaltyProduct[]> {
  const today = new Date(now).toISOString().slice(0, 10);
  const { rows } = await listProducts(db, member.account_id, { limit: 200, offset: 0, visibleOnly: true });
  return rows.filter((p) => productOpenTo(p, member.level_id, today));
}

/**
 * Redeems a product for the member: its points through the ledger (which locks the member and
 * never overdraws: more than the balance is a 400 that changes nothing). A product the member
 * cannot redeem is a 404.
 */
export async function redeemProduct(
  trx: Db,
  accountId: number,
  guestId: number,
  productId: number,
  actor: string,
  now = Date.now(),
): Promise<{ operation: LoyaltyOperation; product: LoyaltyProduct }> {
  const [product, member] = await Promise.all([findProduct(trx, accountId, productId), findMember(trx, accountId, guestId)]);
  const today = new Date(now).toISOString().slice(0, 10);
  if (!product || !member || !productOpenTo(product, member.level_id, today)) throw notFound('product');
  if (product.points < 1) throw badRequest('this product has no points to redeem');
  const operation = await redeemPoints(trx, accountId, guestId, { points: product.points, concept: product.title, productId: product.id, actor }, now);
  return { operation, product };
}
