import type { Db } from '../../db/database.js';
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

/** Revokes every live credential of a kind (used when a token is re-issued). */
export async function revokeCredentials(db: Db, accountId: number, kind: CredentialKind): Promise<void> {
  await db
    .updateTable('credentials')
    .set({ revoked_at: Date.now() })
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('revoked_at', 'is', null)
    .execute();
}

/** The account id a live token of `kind` belongs to, or undefined. */
export async function accountIdForToken(db: Db, kind: CredentialKind, token: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('credentials')
    .select('account_id')
    .where('token_hash', '=', hashToken(token))
    .where('kind', '=', kind)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row?.account_id;
}
