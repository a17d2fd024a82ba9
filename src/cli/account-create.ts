import type { Config } from '../config/config.js';
import { createAccountWithCredentials } from '../core/accounts/provision.js';
import { faceCredentialJson, faceCredentialLine } from './account-credentials.js';
import { withDatabase } from './with-database.js';
import { provisionLoyaltyAccess } from '../core/loyalty/provision.js';
import { ensureDefaultRules } from '../core/journeys/default-rules.js';
import { presentLoyaltyAccess } from '../api/fideltour/demo.js';

/** `openstay account create <slug>`: creates a tenant and prints its credentials once. */
export async function accountCreateCommand(config: Config, slug: string, opts: { name?: string; json?: boolean }): Promise<number> {
  const result = await withDatabase(config, async (db) => {
    const created = await createAccountWithCredentials(db, slug, opts.name);
    // Every account's default rules (the survey follow-up, off until responsesCreateLoops is on).
    await ensureDefaultRules(db, created.account.id);
    // The Loyalty face's API user is named after the account (usernames are unique across accounts).
    const loyalty = await provisionLoyaltyAccess(db, created.account.id, `${slug}-api`);
    return { ...created, loyalty };
  });
  const out = {
    account: result.account.slug,
    name: result.account.name,
    ...faceCredentialJson(config, 'admin', result.adminToken),
    ...faceCredentialJson(config, 'loop', result.loopToken),
    loyalty: presentLoyaltyAccess(config, result.loyalty),
  };
  if (opts.json) console.log(JSON.stringify(out));
  else {
    console.log(`account ${out.account} created (${out.name})`);
    console.log(faceCredentialLine(config, 'admin', result.adminToken));
    console.log(faceCredentialLine(config, 'loop', result.loopToken));
    console.log(
      `Loyalty API: ${out.loyalty.baseUrl}   Authorization: Token ${out.loyalty.token}   (API user ${out.loyalty.username} / ${out.loyalty.password})`,
    );
    console.log('These tokens are shown only now; store them safely.');
  }
  return 0;
}
