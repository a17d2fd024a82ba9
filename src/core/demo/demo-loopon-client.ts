import type { Db } from '../../db/database.js';
import { createOauthClient } from '../accounts/oauth.js';
import type { LooponDemo } from './seed-loopon-demo.js';

/**
 * A new API client of the demo account with every scope, granted the Sea Hotels chain (and so its
 * units): GET /units answers the five units of the Loopon document, not the Loop demo's places.
 * A new one each time: a secret is only known when it is made.
 */
export async function createDemoLooponClient(
  db: Db,
  accountId: number,
  units: LooponDemo,
  scopes: readonly string[],
): Promise<{ clientId: string; clientSecret: string }> {
  const grant = { name: 'openstay demo', scopes: [...scopes], unitIds: [units.chainId] };
  const { client, clientSecret } = await createOauthClient(db, accountId, grant, scopes);
  return { clientId: client.client_id, clientSecret };
}
