import type { Db } from '../../db/database.js';
import { issueCredential, revokeCredentials, type CredentialKind } from './credentials.js';

/**
 * Issues a fresh credential of `kind` and revokes every one issued before, in one transaction: only
 * hashes are kept, so a lost token cannot be shown again, only replaced. Returns the new token.
 */
export async function rotateCredential(db: Db, accountId: number, kind: CredentialKind, label: string): Promise<string> {
  return db.transaction().execute(async (trx) => {
    await revokeCredentials(trx, accountId, kind);
    return issueCredential(trx, accountId, kind, label);
  });
}
