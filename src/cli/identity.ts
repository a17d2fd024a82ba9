import { parseArgs } from 'node:util';
import type { Config } from '../config/config.js';
import { getAccountBySlug } from '../core/accounts/accounts.js';
import { addBlocklistEntry, listBlocklist, PHONE_RULES, removeBlocklistEntry } from '../core/accounts/identity-blocklist.js';
import { phoneCountries } from '../core/guests/identity-settings.js';
import type { BlocklistEntry } from '../db/schema.js';
import { UsageError } from './client-create.js';
import { refusalsExit1 } from './refused.js';
import { withDatabase } from './with-database.js';

/*
 * `openstay identity blocklist list|add|remove --account <slug> [<pattern>] [--json]`: the values
 * that never match a guest automatically, as the admin API's /identity/blocklist. Exit 0 done, 1
 * unknown account or a pattern not listed, 2 bad usage or a malformed pattern.
 */

export const USAGE = `usage: openstay identity blocklist list --account <slug> [--json]
       openstay identity blocklist add <pattern> --account <slug> [--json]
       openstay identity blocklist remove <pattern> --account <slug> [--json]
  A pattern is an e-mail glob (noemail@*), a phone number or glob (+1613555*; * any run, ? one
  character) or a phone rule: ${Object.keys(PHONE_RULES).join(', ')}.`;

const present = (entry: BlocklistEntry) => ({ id: Number(entry.id), kind: entry.kind, pattern: entry.pattern, createdAt: entry.created_at });

/** `openstay identity <blocklist> <list|add|remove> ...`. */
export async function identityCommand(config: Config, argv: string[]): Promise<number> {
  const [noun, verb, ...args] = argv;
  if (noun === '--help' || noun === '-h' || (noun === 'blocklist' && (verb === '--help' || verb === '-h'))) {
    console.log(USAGE);
    return 0;
  }
  if (noun !== 'blocklist') throw new UsageError(`unknown identity command "${noun ?? ''}" (blocklist list|add|remove)`);
  if (verb !== 'list' && verb !== 'add' && verb !== 'remove') throw new UsageError(`unknown identity blocklist command "${verb ?? ''}"`);
  const { values, positionals } = parseArgs({
    args,
    options: { account: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.account) throw new UsageError(`identity blocklist ${verb} needs --account <slug>`);
  if (verb === 'list' && positionals.length) throw new UsageError('identity blocklist list takes no <pattern>');
  if (verb !== 'list' && positionals.length !== 1) throw new UsageError(`identity blocklist ${verb} takes one <pattern>`);
  const account = values.account;
  const pattern = positionals[0];
  return refusalsExit1(async () => {
    const result = await withDatabase(config, async (db) => {
      const accountId = (await getAccountBySlug(db, account)).id;
      if (verb === 'list') return listBlocklist(db, accountId);
      const countries = await phoneCountries(db, accountId);
      return verb === 'add' ? addBlocklistEntry(db, accountId, pattern, countries) : removeBlocklistEntry(db, accountId, pattern, countries);
    });
    if (Array.isArray(result)) {
      if (values.json) console.log(JSON.stringify({ account, entries: result.map(present) }));
      else for (const entry of result) console.log(`${entry.kind.padEnd(6)} ${entry.pattern}`);
    } else if (values.json) console.log(JSON.stringify({ account, [verb === 'add' ? 'added' : 'removed']: present(result) }));
    else console.log(`${verb === 'add' ? 'blocked' : 'unblocked'} ${result.kind} pattern ${result.pattern} for account ${account}`);
    return 0;
  });
}
