import type { Db } from '../../db/database.js';
import type { Account } from '../../db/schema.js';
import { createAccount } from './accounts.js';
import { issueCredential } from './credentials.js';

/** Creates an account with its admin token and Loop authToken, in one transaction. */
export async function createAccountWithCredentials(db: Db, slug: string, name?: string): Promise<{ account: Account; adminToken: string; loopToken: string }> {
  return db.transaction().execute(async (trx) => {
    const account = await createAccount(trx, slug, name);
    const adminToken = await issueCredential(trx, account.id, 'admin', 'created with the account');
    const loopToken = await issueCredential(trx, account.id, 'loop', 'created with the account');
    return { account, adminToken, loopToken };
  });
}
