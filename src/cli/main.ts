import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { isAppError } from '../core/shared/errors.js';
import { accountCreateCommand } from './account-create.js';
import { clientCreateCommand, UsageError } from './client-create.js';
import { clientListCommand, clientRevokeCommand } from './client-manage.js';
import { demoCommand } from './demo.js';
import { guestCommand } from './guest.js';
import { identityCommand } from './identity.js';
import { importCommand } from './import.js';
import { migrateCommand } from './migrate.js';
import { deliveryCommand, webhookCommand } from './webhooks.js';
import { serve } from '../server/serve.js';

const USAGE = `usage: openstay <command>

commands:
  serve                                   run the server (what npm start runs)
  migrate                                 apply database migrations
  account create <slug> [--name NAME] [--json]
                                          create an account and print its credentials
  client create --account SLUG --scopes "basic read_scores ..." [--units ID,ID] [--name NAME] [--json]
                                          register an OAuth API client (Loopon face) and print its secret once
  client list --account SLUG [--json]     list the account's API clients
  client revoke <clientId> --account SLUG [--json]
                                          revoke a client: its tokens stop working at once
  guest merge <survivorId> <otherId> --account SLUG [--json]
                                          merge two guests into one (ids as the admin API shows them)
  guest split <guestId> --key SOURCE:VALUE --account SLUG [--json]
                                          split one external key off a guest (undoes the merge it came by)
  identity blocklist list|add|remove --account SLUG [<pattern>] [--json]
                                          values that never match a guest (noemail@*, +1613555*, rule:...)
  demo [--json] [--rotate]                create (or refresh) the demo account from the spec examples
  import <kind> <file> [--account SLUG] [--json]
                                          import a JSON-lines file (kinds: reviews, reputation, answer-documents)
  webhook create --account SLUG --url URL --events TYPE,...|* [--json]
                                          subscribe a URL to the account's events; prints the signing secret once
  webhook list|disable|enable|delete [<id>] --account SLUG [--json]
                                          the account's webhook subscriptions
  delivery list|show|replay [<id>] --account SLUG [--status pending|delivered|dead] [--json]
                                          outbox deliveries, their attempts; replay a dead one

Every command reads DATABASE_URL like the server does.`;

/** Exit codes: 0 ok, 1 failure, 2 bad usage or configuration. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`openstay: configuration error: ${err.message}`);
      return 2;
    }
    throw err;
  }
  switch (command) {
    case 'serve':
      await serve(config);
      return -1; // keeps running until a signal
    case 'migrate':
      return migrateCommand(config);
    case 'account': {
      const [sub, ...args] = rest;
      if (sub !== 'create') return usage(`unknown account command "${sub ?? ''}"`);
      const { values, positionals } = parseArgs({ args, options: { name: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true });
      if (positionals.length !== 1) return usage('account create needs exactly one <slug>');
      return accountCreateCommand(config, positionals[0], values);
    }
    case 'client': {
      const [sub, ...args] = rest;
      if (sub === 'create') {
        const { values } = parseArgs({
          args,
          options: { account: { type: 'string' }, scopes: { type: 'string' }, units: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
        });
        return clientCreateCommand(config, values);
      }
      if (sub === 'list' || sub === 'revoke') {
        const { values, positionals } = parseArgs({ args, options: { account: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true });
        if (sub === 'list') return positionals.length ? usage('client list takes no positional argument') : clientListCommand(config, values);
        if (positionals.length > 1) return usage('client revoke takes one <clientId>');
        return clientRevokeCommand(config, positionals[0], values);
      }
      return usage(`unknown client command "${sub ?? ''}"`);
    }
    case 'demo': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' }, rotate: { type: 'boolean' } } });
      return demoCommand(config, values);
    }
    case 'import':
      return importCommand(config, rest);
    case 'guest':
    case 'guests':
      return guestCommand(config, rest);
    case 'identity':
      return identityCommand(config, rest);
    case 'webhook':
    case 'webhooks':
      return webhookCommand(config, rest);
    case 'delivery':
    case 'deliveries':
      return deliveryCommand(config, rest);
    default:
      return usage(`unknown command "${command}"`);
  }
}

function usage(message: string): number {
  console.error(`openstay: ${message}\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err) => {
    if (isAppError(err)) {
      console.error(`openstay: ${err.message}`);
      process.exitCode = err.status === 400 || err.status === 409 ? 2 : 1;
    } else if (err instanceof UsageError) {
      console.error(`openstay: ${err.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (err instanceof ConfigError || String((err as { code?: string })?.code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`openstay: ${(err as Error).message}`);
      process.exitCode = 2;
    } else {
      console.error(`openstay: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  },
);
