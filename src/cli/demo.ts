import type { Config } from '../config/config.js';
import { resolveSecretKeys } from '../config/secret-keys.js';
import { demoCredentials } from '../core/demo/demo-credentials.js';
import { seedDemoAccount } from '../core/demo/seed-demo.js';
import { createSecretBox } from '../core/shared/secret-box.js';
import { inWriteTransaction } from '../db/write-transaction.js';
import { presentDemoForLoop } from '../api/loop-v1/demo.js';
import { presentDemoForLoopon } from '../api/loopon/demo.js';
import { LOOPON_SCOPES } from '../api/loopon/context.js';
import { withDatabase } from './with-database.js';

/** `openstay demo`: the demo account and what a client needs to call each face against it. */
export async function demoCommand(config: Config, opts: { json?: boolean; rotate?: boolean }): Promise<number> {
  const box = createSecretBox(resolveSecretKeys(config));
  const demo = await withDatabase(config, async (db) => {
    const seeded = await seedDemoAccount(db);
    // The same credentials every run (kept sealed); --rotate revokes them and issues fresh ones.
    const credentials = await inWriteTransaction(db, (trx) =>
      demoCredentials(trx, box, seeded.account.id, seeded.looponUnits, LOOPON_SCOPES, opts.rotate === true),
    );
    return { ...seeded, ...credentials, looponClient: { clientId: credentials.clientId, clientSecret: credentials.clientSecret } };
  });
  const out = {
    account: demo.account.slug,
    admin: { baseUrl: `${config.publicUrl}/admin/v1`, token: demo.adminToken },
    loop: presentDemoForLoop(config, demo.loopToken, demo.ids),
    loopon: presentDemoForLoopon(config, demo.looponClient, demo.looponUnits),
  };
  if (opts.json) {
    console.log(JSON.stringify(out));
    return 0;
  }
  console.log(`demo account "${out.account}" is ready.`);
  console.log(`admin API:  ${out.admin.baseUrl}  (Authorization: Bearer ${out.admin.token})`);
  console.log(`Loop API:   ${out.loop.baseUrl}  (authToken=${out.loop.authToken})`);
  console.log(`  try:      curl '${out.loop.baseUrl}/api/v1/locations?authToken=${out.loop.authToken}'`);
  console.log(`  ids:      ${JSON.stringify(out.loop.ids)}`);
  console.log(`Loopon API: ${out.loopon.baseUrl}  (token: ${out.loopon.tokenUrl})`);
  console.log(`  client:   client_id=${out.loopon.clientId} client_secret=${out.loopon.clientSecret}`);
  console.log(`  units:    ${JSON.stringify(out.loopon.units)}`);
  return 0;
}
