import type { Config } from '../config/config.js';
import { getAccountBySlug } from '../core/accounts/accounts.js';
import { createOauthClient, OAUTH_FACES, type OauthFace } from '../core/accounts/oauth.js';
import { LOOPON_SCOPES, looponBaseUrl, looponTokenUrl } from '../api/loopon/context.js';
import { PRIO_SCOPES, prioBaseUrl, prioTokenUrl } from '../api/prio/context.js';
import { withDatabase } from './with-database.js';

/** What each face's clients may be granted, and where they get tokens and call the API. */
const FACES: Record<OauthFace, { scopes: readonly string[]; tokenUrl: (c: Config) => string; baseUrl: (c: Config) => string; units: boolean }> = {
  loopon: { scopes: LOOPON_SCOPES, tokenUrl: looponTokenUrl, baseUrl: looponBaseUrl, units: true },
  prio: { scopes: PRIO_SCOPES, tokenUrl: prioTokenUrl, baseUrl: prioBaseUrl, units: false },
};

/**
 * `openstay client create --account <slug> [--face loopon|prio] --scopes "basic read_scores" [--units 12,13]`:
 * registers an OAuth API client of one face (Loopon by default) and prints its id and secret once.
 * A Contacts API client (--face prio) gets the contacts scope when --scopes is left out.
 */
export async function clientCreateCommand(
  config: Config,
  opts: { account?: string; face?: string; scopes?: string; units?: string; name?: string; json?: boolean },
): Promise<number> {
  if (!opts.account) throw new UsageError('client create needs --account <slug>');
  const faceName = (opts.face ?? 'loopon').trim().toLowerCase();
  if (!(OAUTH_FACES as readonly string[]).includes(faceName)) throw new UsageError(`--face must be one of ${OAUTH_FACES.join(', ')}`);
  const face = faceName as OauthFace;
  const spec = FACES[face];
  const scopes = opts.scopes?.trim() ? opts.scopes.split(/[\s,]+/) : face === 'prio' ? [...spec.scopes] : undefined;
  if (!scopes) throw new UsageError(`client create needs --scopes, e.g. --scopes "${LOOPON_SCOPES.join(' ')}"`);
  if (opts.units && !spec.units) throw new UsageError(`--units does not apply to --face ${face}`);
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
    return createOauthClient(db, account.id, { name: opts.name ?? null, scopes, unitIds, face }, spec.scopes);
  });
  const out = {
    account: opts.account,
    face,
    clientId: client.client_id,
    clientSecret,
    scopes: JSON.parse(client.scopes) as string[],
    units: unitIds,
    tokenUrl: spec.tokenUrl(config),
    baseUrl: spec.baseUrl(config),
  };
  if (opts.json) console.log(JSON.stringify(out));
  else {
    console.log(`client created for account ${out.account} (${face === 'prio' ? 'Contacts API' : 'Loopon'} face)`);
    console.log(`client_id:     ${out.clientId}`);
    console.log(`client_secret: ${out.clientSecret}   (shown only now)`);
    console.log(`scopes:        ${out.scopes.join(' ')}${unitIds ? `   units: ${unitIds.join(', ')}` : ''}`);
    console.log(`token URL:     ${out.tokenUrl}`);
    console.log(`base URL:      ${out.baseUrl}`);
  }
  return 0;
}

/** A mistake in how the command was called: exit code 2 with the usage text. */
export class UsageError extends Error {}
