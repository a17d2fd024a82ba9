import type { Config } from '../config/config.js';
import { createAccountWithCredentials } from '../core/accounts/provision.js';
import { faceCredentialJson, faceCredentialLine } from './account-credentials.js';
import { withDatabase } from './with-database.js';

/** `openstay account create <slug>`: creates a tenant and prints its credentials once. */
export async function accountCreateCommand(config: Config, slug: string, opts: { name?: string; json?: boolean }): Promise<number> {
  const result = await withDatabase(config, (db) => createAccountWithCredentials(db, slug, opts.name));
  const out = {
    account: result.account.slug,
    name: result.account.name,
    ...faceCredentialJson(config, 'admin', result.adminToken),
    ...faceCredentialJson(config, 'loop', result.loopToken),
  };
  if (opts.json) console.log(JSON.stringify(out));
  else {
    console.log(`account ${out.account} created (${out.name})`);
    console.log(faceCredentialLine(config, 'admin', result.adminToken));
    console.log(faceCredentialLine(config, 'loop', result.loopToken));
    console.log('These tokens are shown only now; store them safely.');
  }
  return 0;
}
