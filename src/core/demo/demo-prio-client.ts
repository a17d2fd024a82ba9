import type { Db } from '../../db/database.js';
import { createOauthClient } from '../accounts/oauth.js';
import { attachGuestKey } from '../guests/guest-keys.js';

/** The contact uid of the Contacts API document's examples (GET /contacts/{contact_uid}). */
export const EXAMPLE_CONTACT_UID = 'f44226c0-e142-11ea-86d2-83036af9991e';

/**
 * A new Contacts API client of the demo account, and the document's example uid kept for the
 * demo's Loop contact (once; the key source is the one the Contacts face keeps uids under), so the
 * document's examples can be replayed against the demo as written. A new client each time: a
 * secret is only known when it is made.
 */
export async function createDemoPrioClient(
  db: Db,
  accountId: number,
  demoGuestId: number,
  scopes: readonly string[],
  uidSource: string,
): Promise<{ clientId: string; clientSecret: string }> {
  const { client, clientSecret } = await createOauthClient(db, accountId, { name: 'openstay demo', scopes: [...scopes], face: 'prio' }, scopes);
  await attachGuestKey(db, accountId, uidSource, EXAMPLE_CONTACT_UID, demoGuestId);
  return { clientId: client.client_id, clientSecret };
}
