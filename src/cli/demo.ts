import type { Config } from '../config/config.js';
import { createDemoLooponClient } from '../core/demo/demo-loopon-client.js';
import { createDemoPrioClient } from '../core/demo/demo-prio-client.js';
import { ensureDemoAccount } from '../core/demo/seed-demo.js';
import { presentDemoForLoop } from '../api/loop-v1/demo.js';
import { presentDemoForLoopon } from '../api/loopon/demo.js';
import { LOOPON_SCOPES } from '../api/loopon/context.js';
import { PRIO_SCOPES } from '../api/prio/context.js';
import { CONTACT_UID_SOURCE } from '../api/prio/contact-uid.js';
import { presentDemoForContacts } from '../api/prio/demo.js';
import { withDatabase } from './with-database.js';
import { seedLoyaltyDemo } from '../core/demo/seed-loyalty-demo.js';
import { provisionLoyaltyAccess } from '../core/loyalty/provision.js';
import { presentLoyaltyAccess } from '../api/fideltour/demo.js';

/** `openstay demo`: the demo account and what a client needs to call each face against it. */
export async function demoCommand(config: Config, opts: { json?: boolean }): Promise<number> {
  const demo = await withDatabase(config, async (db) => {
    const seeded = await ensureDemoAccount(db);
    const looponClient = await createDemoLooponClient(db, seeded.account.id, seeded.looponUnits, LOOPON_SCOPES);
    const contactsClient = await createDemoPrioClient(db, seeded.account.id, seeded.ids.contact, PRIO_SCOPES, CONTACT_UID_SOURCE);
    await seedLoyaltyDemo(db, seeded.account.id);
    const loyalty = await provisionLoyaltyAccess(db, seeded.account.id, 'demo-loyalty');
    return { ...seeded, looponClient, contactsClient, loyalty };
  });
  const out = {
    account: demo.account.slug,
    admin: { baseUrl: `${config.publicUrl}/admin/v1`, token: demo.adminToken },
    loop: presentDemoForLoop(config, demo.loopToken, demo.ids),
    loopon: presentDemoForLoopon(config, demo.looponClient, demo.looponUnits),
    contacts: presentDemoForContacts(config, demo.contactsClient),
    loyalty: presentLoyaltyAccess(config, demo.loyalty),
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
  console.log(`Contacts API: ${out.contacts.baseUrl}  (token: ${out.contacts.tokenUrl}, scope ${out.contacts.scope})`);
  console.log(`  client:   client_id=${out.contacts.clientId} client_secret=${out.contacts.clientSecret}`);
  console.log(`Loyalty API: ${out.loyalty.baseUrl}  (Authorization: Token ${out.loyalty.token})`);
  console.log(`  API user: ${out.loyalty.username} / ${out.loyalty.password}  (POST ${out.loyalty.baseUrl}/login/)`);
  return 0;
}
