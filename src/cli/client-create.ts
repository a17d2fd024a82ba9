import type { Config } from '../config/config.js';
import { getAccountBySlug } from '../core/accounts/accounts.js';
import { createOauthClient } from '../core/accounts/oauth.js';
import { LOOPON_SCOPES, looponBaseUrl, looponTokenUrl } from '../api/loopon/context.js';
import { withDatabase } from './with-database.js';

/**
 * `openstay client create --account <slug> --scopes "basic read_scores" [--units 12,13]`:
 * registers an OAuth API client and prints its id and secret once.
 */
export async function clientCreateCommand(
  config: Config,
  opts: { account?: string; scopes?: string; units?: string; name?: string; json?: boolean },
): Promise<number> {
  if (!opts.account) throw new UsageError('client create needs --account <slug>');
  if (!opts.scopes?.trim()) throw new UsageError(`client create needs --scopes, e.g. --scopes "${LOOPON_SCOPES.join(' ')}"`);
  const unitIds = opts.units
    ? opts.units
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean)
        .map(Number)
    : null;
  if (unitIds?.some((u) => !Number.isInteger(u) || u < 1)) throw new UsageError('--units takes comma-separated unit ids, e.g. --units 12,13');
  const { client, clientSecret } = await withDatabase(config, async (db) => {
    const account = await getAccountBySlug(db, opts.account!);
    return createOauthClient(db, account.id, { name: opts.name ?? null, scopes: opts.scopes!.split(/[\s,]+/), unitIds }, LOOPON_SCOPES);
  });
  const out = {
    account: opts.account,
    clientId: client.client_id,
    clientSecret,
    scopes: JSON.parse(client.scopes) as string[],
    units: unitIds,
    tokenUrl: looponTokenUrl(config),
    baseUrl: looponBaseUrl(config),
  };
  if (opts.json) console.log(JSON.stringify(out));
  else {
    console.log(`client created for account ${out.account}`);
    console.log(`client_id:     ${out.clientId}`);
    console.log(`client_secret: ${out.clientSecret}   (shown only now)`);
    console.log(`scopes:        ${out.scopes.join(' ')}${unitIds ? `   units: ${unitIds.join(', ')}` : ''}`);
    console.log(`token URL:     ${out.tokenUrl}`);
  }
  return 0;
}

/** A mistake in how the command was called: exit code 2 with the usage text. */
export class UsageError extends Error {}
