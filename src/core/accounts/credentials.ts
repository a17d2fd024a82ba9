import { announceCacheChange, onCacheNotice } from '../../db/cache-notices.js';
import type { Db } from '../../db/database.js';
import { prepared } from '../../db/prepared.js';
import { hashToken, randomToken } from '../shared/tokens.js';

/**
 * Kinds of per-account secret: the native admin API's Bearer token, the Loop face's authToken and
 * the Loyalty face's static API token (`Authorization: Token <token>`).
 */
export type CredentialKind = 'admin' | 'loop' | 'loyalty';

/** Issues a new credential and returns the token; only its hash is stored, so it is shown once. */
export async function issueCredential(db: Db, accountId: number, kind: CredentialKind, label?: string): Promise<string> {
  const token = randomToken(kind === 'loop' ? 24 : 40);
  await db
    .insertInto('credentials')
    .values({ account_id: accountId, kind, token_hash: hashToken(token), label: label ?? null, created_at: Date.now(), revoked_at: null })
    .execute();
  return token;
}

/*
 * Live tokens are remembered for a few seconds: every API request authenticates, and a SHA-256
 * plus a query per request is a measurable share of a short write. Only live tokens are cached.
 * A revocation clears the cache in this process at once and, on PostgreSQL, in every other
 * instance when it commits (db/cache-notices.ts). A lookup that started before the last clearing is
 * not cached, nor for TOKEN_CACHE_MS a token revoked here (its revoking transaction may still be
 * open), so a lookup that read a token just before its revocation committed cannot put it back.
 * The CLI revoking a token on SQLite is seen here when the entry expires (TOKEN_CACHE_MS).
 */
const TOKEN_CACHE_MS = 5_000;
const TOKEN_CACHE_MAX = 10_000;
const tokenCache = new Map<string, { accountId: number; expires: number }>();
/** lookups that started before this time are not cached (a revocation came since) */
let cacheableFrom = 0;
/** token hash -> until when that token, revoked here, must not be cached (the revoking transaction may still be open) */
const revokedRecently = new Map<string, number>();
onCacheNotice('credentials', () => {
  tokenCache.clear();
  cacheableFrom = Date.now();
});

/** Revokes every live credential of a kind (used when a token is re-issued). */
export async function revokeCredentials(db: Db, accountId: number, kind: CredentialKind): Promise<void> {
  const revoked = await db
    .updateTable('credentials')
    .set({ revoked_at: Date.now() })
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('revoked_at', 'is', null)
    .returning('token_hash')
    .execute();
  const now = Date.now();
  for (const [hash, until] of revokedRecently) if (until <= now) revokedRecently.delete(hash);
  for (const { token_hash } of revoked) revokedRecently.set(token_hash, now + TOKEN_CACHE_MS);
  await announceCacheChange(db, { topic: 'credentials', accountId });
}

const accountByToken = prepared((db, tokenHash: string, kind: CredentialKind) =>
  db.selectFrom('credentials').select('account_id').where('token_hash', '=', tokenHash).where('kind', '=', kind).where('revoked_at', 'is', null),
);

/**
 * The account a live token of `kind` belongs to when it is in the cache, else undefined (then ask
 * accountIdForToken). Lets a request hook authenticate without a promise on the common path.
 */
export function cachedAccountIdForToken(kind: CredentialKind, token: string): number | undefined {
  const hit = tokenCache.get(`${kind}:${token}`);
  return hit && hit.expires > Date.now() ? hit.accountId : undefined;
}

/** The account id a live token of `kind` belongs to, or undefined. */
export async function accountIdForToken(db: Db, kind: CredentialKind, token: string): Promise<number | undefined> {
  const cacheKey = `${kind}:${token}`;
  const started = Date.now();
  const hit = tokenCache.get(cacheKey);
  if (hit && hit.expires > started) return hit.accountId;
  const tokenHash = hashToken(token);
  const row = (await accountByToken(db, tokenHash, kind)).rows[0];
  if (!row) {
    tokenCache.delete(cacheKey);
    return undefined;
  }
  if (started > cacheableFrom && started >= (revokedRecently.get(tokenHash) ?? 0)) {
    if (tokenCache.size >= TOKEN_CACHE_MAX) tokenCache.clear();
    tokenCache.set(cacheKey, { accountId: row.account_id, expires: started + TOKEN_CACHE_MS });
  }
  return row.account_id;
}
