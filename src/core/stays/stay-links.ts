import type { Db } from '../../db/database.js';
import type { Stay } from '../../db/schema.js';
import { hashToken, randomToken } from '../shared/tokens.js';

/** How long a stay link opens the guest's stay page. */
export const STAY_LINK_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Issues a new link token for a stay (valid 30 days) and prunes the stay's expired ones (a stay
 * created in this transaction has none: `newStay` skips that). The token is the only credential
 * of the guest page, so only its SHA-256 digest is stored.
 */
export async function createStayLink(
  db: Db,
  accountId: number,
  stayId: number,
  opts: { newStay?: boolean; now?: number } = {},
): Promise<{ token: string; expiresAt: number }> {
  const now = opts.now ?? Date.now();
  const token = randomToken(32);
  const expiresAt = now + STAY_LINK_TTL_MS;
  if (!opts.newStay) {
    await db.deleteFrom('stay_links').where('account_id', '=', accountId).where('stay_id', '=', stayId).where('expires_at', '<=', now).execute();
  }
  await db
    .insertInto('stay_links')
    .values({ account_id: accountId, stay_id: stayId, token_hash: hashToken(token), created_at: now, expires_at: expiresAt })
    .execute();
  return { token, expiresAt };
}

/** The stay a live link token opens, or undefined for an unknown or expired token. */
export async function findStayByLinkToken(db: Db, token: string, now = Date.now()): Promise<Stay | undefined> {
  if (!/^[A-Za-z0-9]{16,128}$/.test(token)) return undefined;
  return db
    .selectFrom('stay_links')
    .innerJoin('stays', (j) => j.onRef('stays.id', '=', 'stay_links.stay_id').onRef('stays.account_id', '=', 'stay_links.account_id'))
    .selectAll('stays')
    .where('stay_links.token_hash', '=', hashToken(token))
    .where('stay_links.expires_at', '>', now)
    .executeTakeFirst();
}

/**
 * Keeps `token` a live link of the stay (the demo's stay page, the same on every run): made when
 * missing, its 30 days started again when it exists.
 */
export async function keepStayLink(db: Db, accountId: number, stayId: number, token: string, now = Date.now()): Promise<void> {
  const tokenHash = hashToken(token);
  const expiresAt = now + STAY_LINK_TTL_MS;
  const kept = await db
    .updateTable('stay_links')
    .set({ expires_at: expiresAt })
    .where('account_id', '=', accountId)
    .where('stay_id', '=', stayId)
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (Number(kept.numUpdatedRows) > 0) return;
  await db.insertInto('stay_links').values({ account_id: accountId, stay_id: stayId, token_hash: tokenHash, created_at: now, expires_at: expiresAt }).execute();
}
