import type { Config } from '../config/config.js';
import { createAccountWithCredentials } from '../core/accounts/provision.js';
import { withDatabase } from './with-database.js';

/** `openstay account create <slug>`: creates a tenant and prints its credentials once. */
export async function accountCreateCommand(config: Config, slug: string, opts: { name?: string; json?: boolean }): Promise<number> {
  const result = await withDatabase(config, (db) => createAccountWithCredentials(db, slug, opts.name));
  const out = {
    account: result.account.slug,
    name: result.account.name,
    admin: { baseUrl: `${config.publicUrl}/admin/v1`, token: result.adminToken },
    loop: { baseUrl: `${config.publicUrl}/loop`, authToken: result.loopToken },
  };
  if (opts.json) console.log(JSON.stringify(out));
  else {
    console.log(`account ${out.account} created (${out.name})`);
    console.log(`admin API:  ${out.admin.baseUrl}   Authorization: Bearer ${out.admin.token}`);
    console.log(`Loop API:   ${out.loop.baseUrl}/api/v1/...?authToken=${out.loop.authToken}`);
    console.log('These tokens are shown only now; store them safely.');
  }
  return 0;
}
