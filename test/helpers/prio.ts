import { createOauthClient, grantClientCredentials } from '../../src/core/accounts/oauth.js';
import { PRIO_SCOPES } from '../../src/api/prio/context.js';
import type { TestApp } from './app.js';

/** Where the Contacts face is mounted. */
export const PRIO = '/prio/v3.8/distributor';

/** An OAuth client of the Contacts face for the account, and an access token for it. */
export async function createPrioClient(t: TestApp, accountId: number) {
  const { client, clientSecret } = await createOauthClient(t.database.db, accountId, { scopes: [...PRIO_SCOPES], face: 'prio' }, PRIO_SCOPES);
  const { accessToken } = await grantClientCredentials(t.database.db, client.client_id, clientSecret, undefined, PRIO_SCOPES, 'prio');
  return { clientId: client.client_id, clientSecret, token: accessToken, headers: { authorization: `Bearer ${accessToken}` } };
}
