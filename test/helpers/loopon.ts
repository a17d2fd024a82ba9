import { createOauthClient, grantClientCredentials } from '../../src/core/accounts/oauth.js';
import { LOOPON_SCOPES } from '../../src/api/loopon/context.js';
import type { TestApp } from './app.js';

/**
 * An OAuth client of the account with the given scopes (default: all) and units (default: all),
 * and an access token for it.
 */
export async function createLooponClient(t: TestApp, accountId: number, opts: { scopes?: string[]; unitIds?: number[] | null } = {}) {
  const scopes = opts.scopes ?? [...LOOPON_SCOPES];
  const { client, clientSecret } = await createOauthClient(t.database.db, accountId, { scopes, unitIds: opts.unitIds ?? null }, LOOPON_SCOPES);
  const { accessToken } = await grantClientCredentials(t.database.db, client.client_id, clientSecret, undefined, LOOPON_SCOPES);
  return { clientId: client.client_id, clientSecret, token: accessToken, headers: { authorization: `Bearer ${accessToken}` } };
}
