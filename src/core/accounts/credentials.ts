import type { Db } from '../../db/database.js';
import { prepared } from '../../db/prepared.js';
import { hashToken, randomToken } from '../shared/tokens.js';

/** Kinds of per-account secret: the native admin API's Bearer token and the Loop face's authToken. */
export type CredentialKind = 'admin' | 'loop';

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
 * A revocation in this process clears the cache, and the revoked tokens are not cached again for
 * TOKEN_CACHE_MS, so a lookup that read one before the revoking transaction committed
 * (PostgreSQL) cannot put it back. Another process (a second instance, the CLI) revoking a token
 * is seen here only when the entry expires: a revoked token may keep working for up to
 * TOKEN_CACHE_MS (5 s) on the instances that used it just before.
 */
const TOKEN_CACHE_MS = 5_000;
const TOKEN_CACHE_MAX = 10_000;
const tokenCache = new Map<string, { accountId: number; expires: number }>();
/** token hash -> until when that (revoked) token must not be cached */
const revokedRecently = new Map<string, number>();

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
  tokenCache.clear();
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
  if (started >= (revokedRecently.get(tokenHash) ?? 0)) {
    if (tokenCache.size >= TOKEN_CACHE_MAX) tokenCache.clear();
    tokenCache.set(cacheKey, { accountId: row.account_id, expires: started + TOKEN_CACHE_MS });
  }
  return row.account_id;
}
