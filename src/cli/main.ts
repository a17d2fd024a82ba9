import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { isAppError } from '../core/shared/errors.js';
import { loadEnvFile } from '../config/env-file.js';
import { accountCreateCommand } from './account-create.js';
import { accountListCommand, accountTokenCommand } from './account-manage.js';
import { helpRequested, helpText, parseArgsMessage, USAGE } from './help.js';
import { openstayVersion } from './version.js';
import { clientCreateCommand, UsageError } from './client-create.js';
import { clientListCommand, clientRevokeCommand } from './client-manage.js';
import { demoCommand } from './demo.js';
import { guestCommand } from './guest.js';
import { identityCommand } from './identity.js';
import { importCommand } from './import.js';
import { migrateCommand } from './migrate.js';
import { deliveryCommand, webhookCommand } from './webhooks.js';
import { ruleCommand } from './rules.js';
import { staffCommand } from './staff.js';
import { serve } from '../server/serve.js';
import { type CliOutput, withCliOutput } from './output.js';

export interface CliRun extends CliOutput {
  /** the environment the command reads its configuration from (DATABASE_URL, SECRET_KEY, ...) */
  env: NodeJS.ProcessEnv;
}

/**
 * Runs one `openstay` command line and resolves with its exit code: 0 ok, 1 failure, 2 bad usage
 * or configuration; -1 for `serve`, which keeps running until a signal. bin/openstay.js runs it with
 * the process's streams and environment; tests run it in-process with their own.
 */
export function runCli(argv: string[], run: CliRun): Promise<number> {
  return withCliOutput(run, () => main(argv, run.env).catch((err: unknown) => exitCodeOf(err, argv)));
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  if (!command) {
    console.log(USAGE);
    return 2;
  }
  if (command === '--version' || command === 'version') {
    console.log(openstayVersion());
    return 0;
  }
  if (helpRequested(argv)) return printHelp(argv);
  let config: Config;
  try {
    // .env feeds the process's own environment (the real binary); an in-process run brings its own.
    if (env === process.env) loadEnvFile();
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`openstay: configuration error: ${err.message}`);
      return 2;
    }
    throw err;
  }
  switch (command) {
    case 'serve':
      parseArgs({ args: rest, options: {} });
      await serve(config);
      return -1; // keeps running until a signal
    case 'migrate':
      parseArgs({ args: rest, options: {} });
      return migrateCommand(config);
    case 'account':
    case 'accounts':
      return accountCommand(config, rest);
    case 'client':
    case 'clients': {
      const [sub, ...args] = rest;
      if (sub === 'create') {
        const { values } = parseArgs({
          args,
          options: {
            account: { type: 'string' },
            face: { type: 'string' },
            scopes: { type: 'string' },
            units: { type: 'string' },
            name: { type: 'string' },
            json: { type: 'boolean' },
          },
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
    case 'rule':
    case 'rules':
      return ruleCommand(config, rest);
    case 'staff':
      return staffCommand(config, rest);
    default:
      return usage(`unknown command "${command}"`);
  }
}

/** `openstay account create|list|token ...`. */
function accountCommand(config: Config, argv: string[]): Promise<number> | number {
  const [sub, ...args] = argv;
  if (sub === 'create') {
    const { values, positionals } = parseArgs({ args, options: { name: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true });
    if (positionals.length !== 1) return usage('account create needs exactly one <slug>');
    return accountCreateCommand(config, positionals[0], values);
  }
  if (sub === 'list') {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
    return accountListCommand(config, values);
  }
  if (sub === 'token') {
    const { values, positionals } = parseArgs({
      args,
      options: { face: { type: 'string' }, rotate: { type: 'boolean' }, json: { type: 'boolean' } },
      allowPositionals: true,
    });
    if (positionals.length > 1) return usage('account token takes one <slug>');
    return accountTokenCommand(config, positionals[0], values);
  }
  return usage(`unknown account command "${sub ?? ''}" (create, list or token)`);
}

/** `--help` anywhere (or `openstay help <command>`): the command's help on stdout, exit 0. */
function printHelp(argv: string[]): number {
  const text = helpText(argv);
  if (!text) return usage(`unknown command "${argv.find((word) => !word.startsWith('-') && word !== 'help') ?? ''}"`);
  console.log(text);
  return 0;
}

function usage(message: string): number {
  console.error(`openstay: ${message}\n\n${USAGE}`);
  return 2;
}

/** Prints a command's error and gives its exit code. */
function exitCodeOf(err: unknown, argv: string[]): number {
  if (isAppError(err)) {
    console.error(`openstay: ${err.message}`);
    return err.status === 400 || err.status === 409 ? 2 : 1;
  }
  if (err instanceof UsageError) {
    console.error(`openstay: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (String((err as { code?: string })?.code).startsWith('ERR_PARSE_ARGS')) {
    // An option the command does not take, a missing value: one line.
    console.error(parseArgsMessage(err as Error, argv));
    return 2;
  }
  if (err instanceof ConfigError) {
    console.error(`openstay: ${(err as Error).message}`);
    return 2;
  }
  console.error(`openstay: ${err instanceof Error ? err.message : String(err)}`);
  return 1;
}
