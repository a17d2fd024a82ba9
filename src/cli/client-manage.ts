import type { Config } from '../config/config.js';
import { getAccountBySlug } from '../core/accounts/accounts.js';
import { describeOauthClient, listOauthClients, revokeOauthClient } from '../core/accounts/oauth.js';
import { notFound } from '../core/shared/errors.js';
import { UsageError } from './client-create.js';
import { withDatabase } from './with-database.js';

/** `openstay client list --account <slug> [--json]`: the account's API clients (never their secrets). */
export async function clientListCommand(config: Config, opts: { account?: string; json?: boolean }): Promise<number> {
  if (!opts.account) throw new UsageError('client list needs --account <slug>');
  const clients = await withDatabase(config, async (db) => listOauthClients(db, (await getAccountBySlug(db, opts.account!)).id));
  const rows = clients.map((c) => {
    const { clientId, name, scopes, unitIds, revoked, face } = describeOauthClient(c);
    return { clientId, face, name, scopes, units: unitIds, revoked };
  });
  if (opts.json) console.log(JSON.stringify({ account: opts.account, clients: rows }));
  else
    for (const r of rows)
      console.log(
        `${r.clientId}  ${r.face}  ${r.revoked ? `revoked ${r.revoked}` : 'active'}  ${r.scopes.join(' ')}${r.units ? `  units ${r.units.join(',')}` : ''}${r.name ? `  (${r.name})` : ''}`,
      );
  return 0;
}

/**
 * `openstay client revoke <clientId> --account <slug>`: the client can no longer obtain tokens and
 * the tokens it holds stop working at once. An unknown client is exit 1, as an unknown account.
 */
export async function clientRevokeCommand(config: Config, clientId: string | undefined, opts: { account?: string; json?: boolean }): Promise<number> {
  if (!opts.account) throw new UsageError('client revoke needs --account <slug>');
  if (!clientId) throw new UsageError('client revoke needs the <clientId>');
  await withDatabase(config, async (db) => {
    const account = await getAccountBySlug(db, opts.account!);
    if (!(await revokeOauthClient(db, account.id, clientId))) throw notFound(`API client "${clientId}"`);
  });
  if (opts.json) console.log(JSON.stringify({ account: opts.account, clientId, revoked: true }));
  else console.log(`client ${clientId} of account ${opts.account} revoked`);
  return 0;
}
