import type { Db } from '../../db/database.js';
import { accountIdForToken, issueCredential, revokeCredentials } from '../accounts/credentials.js';
import { listOauthClients, revokeOauthClient } from '../accounts/oauth.js';
import type { SecretBox } from '../shared/secret-box.js';
import { createDemoLooponClient } from './demo-loopon-client.js';
import type { LooponDemo } from './seed-loopon-demo.js';

/*
 * `openstay demo` prints the same working credentials on every run (README's Try it section runs it
 * more than once): they are kept sealed with SECRET_KEY in demo_secrets, and shown again while they
 * still work. `--rotate` revokes them (and every other admin and Loop token of the demo account)
 * and issues fresh ones.
 */

export interface DemoCredentials {
  adminToken: string;
  loopToken: string;
  clientId: string;
  clientSecret: string;
}

function parse(plaintext: string | undefined): DemoCredentials | undefined {
  if (!plaintext) return undefined;
  try {
    const v = JSON.parse(plaintext) as Partial<DemoCredentials>;
    return v.adminToken && v.loopToken && v.clientId && v.clientSecret ? (v as DemoCredentials) : undefined;
  } catch {
    return undefined;
  }
}

async function stillWork(db: Db, accountId: number, c: DemoCredentials): Promise<boolean> {
  if ((await accountIdForToken(db, 'admin', c.adminToken)) !== accountId) return false;
  if ((await accountIdForToken(db, 'loop', c.loopToken)) !== accountId) return false;
  return (await listOauthClients(db, accountId)).some((client) => client.client_id === c.clientId && client.revoked_at === null);
}

/** The demo's credentials: those kept from an earlier run while they work, else (or with `rotate`) fresh ones. */
export async function demoCredentials(
  db: Db,
  box: SecretBox,
  accountId: number,
  units: LooponDemo,
  scopes: readonly string[],
  rotate = false,
): Promise<DemoCredentials> {
  const row = await db.selectFrom('demo_secrets').select('sealed').where('account_id', '=', accountId).executeTakeFirst();
  const kept = parse(row ? box.open(row.sealed) : undefined);
  if (kept && !rotate && (await stillWork(db, accountId, kept))) return kept;
  if (rotate) {
    await revokeCredentials(db, accountId, 'admin');
    await revokeCredentials(db, accountId, 'loop');
    if (kept) await revokeOauthClient(db, accountId, kept.clientId);
  }
  const adminToken = await issueCredential(db, accountId, 'admin', 'openstay demo');
  const loopToken = await issueCredential(db, accountId, 'loop', 'openstay demo');
  const { clientId, clientSecret } = await createDemoLooponClient(db, accountId, units, scopes);
  const fresh = { adminToken, loopToken, clientId, clientSecret };
  const sealed = box.seal(JSON.stringify(fresh));
  const now = Date.now();
  await db
    .insertInto('demo_secrets')
    .values({ account_id: accountId, sealed, updated_at: now })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ sealed, updated_at: now }))
    .execute();
  return fresh;
}
