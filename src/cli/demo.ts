import type { Config } from '../config/config.js';
import { resolveSecretKeys } from '../config/secret-keys.js';
import { demoCredentials } from '../core/demo/demo-credentials.js';
import { seedDemoAccount } from '../core/demo/seed-demo.js';
import { createSecretBox } from '../core/shared/secret-box.js';
import { inWriteTransaction } from '../db/write-transaction.js';
import { presentDemoForLoop } from '../api/loop-v1/demo.js';
import { presentDemoForLoopon } from '../api/loopon/demo.js';
import { LOOPON_SCOPES } from '../api/loopon/context.js';
import { PRIO_SCOPES } from '../api/prio/context.js';
import { CONTACT_UID_SOURCE } from '../api/prio/contact-uid.js';
import { presentDemoForContacts } from '../api/prio/demo.js';
import { withDatabase } from './with-database.js';
import { seedLoyaltyDemo } from '../core/demo/seed-loyalty-demo.js';
import { presentLoyaltyAccess } from '../api/fideltour/demo.js';
import { fideltourPortalUrl } from '../api/fideltour/context.js';
import { stayPageUrl } from '../api/loopon/routes/stays-present.js';
import { seedDemoGuestPages } from '../core/demo/demo-guest-pages.js';

/** `openstay demo`: the demo account and what a client needs to call each face against it. */
export async function demoCommand(config: Config, opts: { json?: boolean; rotate?: boolean }): Promise<number> {
  const box = createSecretBox(resolveSecretKeys(config));
  const demo = await withDatabase(config, async (db) => {
    const seeded = await seedDemoAccount(db);
    await seedLoyaltyDemo(db, seeded.account.id);
    const guestPages = await inWriteTransaction(db, (trx) => seedDemoGuestPages(trx, seeded.account.id, seeded.looponUnits.chatStay));
    // The same credentials every run (kept sealed); --rotate revokes them and issues fresh ones.
    const credentials = await inWriteTransaction(db, (trx) =>
      demoCredentials(
        trx,
        box,
        seeded.account.id,
        {
          looponUnits: seeded.looponUnits,
          looponScopes: LOOPON_SCOPES,
          prioScopes: PRIO_SCOPES,
          prioUidSource: CONTACT_UID_SOURCE,
          prioExampleGuestId: seeded.ids.contact,
        },
        opts.rotate === true,
      ),
    );
    return {
      ...seeded,
      ...credentials,
      looponClient: { clientId: credentials.clientId, clientSecret: credentials.clientSecret },
      contactsClient: { clientId: credentials.contactsClientId, clientSecret: credentials.contactsClientSecret },
      loyalty: { token: credentials.loyaltyToken, username: credentials.loyaltyUsername, password: credentials.loyaltyPassword },
      guestPages,
    };
  });
  const out = {
    account: demo.account.slug,
    admin: { baseUrl: `${config.publicUrl}/admin/v1`, token: demo.adminToken },
    loop: presentDemoForLoop(config, demo.loopToken, demo.ids),
    loopon: presentDemoForLoopon(config, demo.looponClient, demo.looponUnits),
    contacts: presentDemoForContacts(config, demo.contactsClient),
    loyalty: presentLoyaltyAccess(config, demo.loyalty),
    console: { url: `${config.publicUrl}/`, email: demo.consoleEmail, password: demo.consolePassword },
    // A demo guest's pages (Anna Lind, in house at Sea Hotel Kattegat): her stay page, her post-stay
    // survey, and the loyalty portal with her member sign-in.
    guestPages: {
      stay: stayPageUrl(config, demo.guestPages.stayToken),
      survey: `${config.publicUrl}${demo.guestPages.surveyPath}`,
      loyaltyPortal: fideltourPortalUrl(config),
      member: demo.guestPages.member,
    },
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
  console.log(`Console:    ${out.console.url}  (sign in as ${out.console.email} / ${out.console.password}, the demo owner)`);
  console.log('guest pages (demo guest Anna Lind):');
  console.log(`  stay page:      ${out.guestPages.stay}`);
  console.log(`  survey:         ${out.guestPages.survey}`);
  console.log(`  loyalty portal: ${out.guestPages.loyaltyPortal}  (member ${out.guestPages.member.email} / ${out.guestPages.member.password})`);
  return 0;
}
