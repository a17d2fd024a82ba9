import type { Db } from '../../db/database.js';
import { issueCredential } from '../accounts/credentials.js';
import { randomToken } from '../shared/tokens.js';
import { createApiUser, findApiUser, setApiUserPassword } from './api-users.js';
import { seedLoyaltyTemplates } from './default-templates.js';

/** What an integration needs for the Loyalty face: a static token, and an API user for POST /login/. */
export interface LoyaltyAccess {
  token: string;
  username: string;
  password: string;
}

/**
 * Issues a static Loyalty API token for the account and makes (or, for the demo, finds again) its
 * API user `username` with a fresh password. The password is hashed before any write. The
 * programme's e-mail templates (English and Spanish) are seeded where the account has none.
 */
export async function provisionLoyaltyAccess(db: Db, accountId: number, username: string): Promise<LoyaltyAccess> {
  const password = randomToken(20);
  const existing = await findApiUser(db, username);
  if (existing && existing.accountId !== accountId) throw new Error(`the Loyalty API username ${username} belongs to another account`);
  if (existing) await setApiUserPassword(db, existing.id, password);
  else await createApiUser(db, accountId, username, password);
  const token = await issueCredential(db, accountId, 'loyalty', 'Loyalty API token');
  await seedLoyaltyTemplates(db, accountId);
  return { token, username, password };
}
