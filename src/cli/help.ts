import { RULE_USAGE } from './rules.js';
import { USAGE as GUEST_USAGE } from './guest.js';
import { USAGE as IDENTITY_USAGE } from './identity.js';
import { USAGE as IMPORT_USAGE } from './import.js';
import { DELIVERY_USAGE, WEBHOOK_USAGE } from './webhooks.js';
import { STAFF_CREATE_USAGE, STAFF_LIST_USAGE, STAFF_USAGE } from './staff.js';

/*
 * `--help` for every command and subcommand, answered before the configuration is read (help works
 * whatever the environment), and the one-line messages for options a command does not take.
 */

export const USAGE = `usage: openstay <command>

commands:
  serve                                   run the server (what npm start runs)
  migrate                                 apply database migrations
  account create <slug> [--name NAME] [--json]
                                          create an account and print its credentials
  account list [--json]                   list the accounts of the database
  account token <slug> --face admin|loop --rotate [--json]
                                          issue a fresh token for a face and revoke the old one
  client create --account SLUG [--face loopon|prio] --scopes "basic read_scores ..." [--units ID,ID] [--name NAME] [--json]
                                          register an OAuth API client of one face (Loopon by default; prio: the
                                          Contacts API, its contacts scope by default) and print its secret once
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
  import <kind> <file> [--account SLUG] [--format jsonl|csv] [--json]
                                          import a JSON-lines file (kinds: reviews, reputation, answer-documents,
                                          contacts (also CSV), config); a killed import continues when rerun
  webhook create --account SLUG --url URL --events TYPE,...|* [--json]
                                          subscribe a URL to the account's events; prints the signing secret once
  webhook list|disable|enable|delete [<id>] --account SLUG [--json]
                                          the account's webhook subscriptions
  delivery list|show|replay [<id>] --account SLUG [--status pending|delivered|dead] [--json]
                                          outbox deliveries, their attempts; replay a dead one
  rule list|create|enable|disable|preview|dry-run|explain [<rule>] --account SLUG [--json]
                                          journey rules: messages, survey invitations, requests, webhooks, points (openstay rule --help)
  staff create --account SLUG --email EMAIL --role owner|manager|agent|analyst [--name NAME] [--json]
                                          make a staff member (console sign-in) and print a one-time sign-in link
  staff list --account SLUG [--json]      list the account's staff members and their roles

options:
  --help, -h                              help of any command: openstay <command> [<subcommand>] --help
  --version                               the version of openstay

Every command reads DATABASE_URL like the server does (and a .env file in the working directory).`;

const ACCOUNT_CREATE = `usage: openstay account create <slug> [--name NAME] [--json]
  Creates an account (a tenant) with its admin API token and Loop authToken, printed this once.`;
const ACCOUNT_LIST = `usage: openstay account list [--json]
  The accounts of the database: slug, name and when each was created.`;
const ACCOUNT_TOKEN = `usage: openstay account token <slug> --face admin|loop --rotate [--json]
  Issues a fresh token for the face and revokes the one before (tokens are stored as hashes: a lost
  one cannot be shown again, only replaced). --json prints the keys \`account create --json\` prints.`;
const CLIENT_CREATE = `usage: openstay client create --account SLUG [--face loopon|prio] --scopes "basic read_scores ..." [--units ID,ID] [--name NAME] [--json]
  Registers an OAuth API client of one face (Loopon by default; prio: the Contacts API, whose contacts
  scope is the default) and prints its secret this once.`;
const CLIENT_LIST = `usage: openstay client list --account SLUG [--json]
  The account's API clients (never their secrets).`;
const CLIENT_REVOKE = `usage: openstay client revoke <clientId> --account SLUG [--json]
  Revokes a client: it can obtain no more tokens and those it holds stop working at once.`;

/** Help by command path; a path's help is the longest key its words start with. */
const HELP: Record<string, string> = {
  serve: `usage: openstay serve
  Runs the server (every face, the job worker, the realtime sockets; see ROLES) until SIGTERM or
  SIGINT. Configuration from the environment and .env: see README's Configuration.`,
  migrate: `usage: openstay migrate
  Applies pending database migrations and says which; exits non-zero when one fails.`,
  account: `${ACCOUNT_CREATE}\n${ACCOUNT_LIST}\n${ACCOUNT_TOKEN}`,
  'account create': ACCOUNT_CREATE,
  'account list': ACCOUNT_LIST,
  'account token': ACCOUNT_TOKEN,
  client: `${CLIENT_CREATE}\n${CLIENT_LIST}\n${CLIENT_REVOKE}`,
  'client create': CLIENT_CREATE,
  'client list': CLIENT_LIST,
  'client revoke': CLIENT_REVOKE,
  demo: `usage: openstay demo [--json] [--rotate]
  Creates (or finds again) the account "demo" filled with the examples of the Loop and Loopon
  documents, with their own ids, and prints what a client needs to call each face against it: the
  same credentials on every run (kept sealed with SECRET_KEY), the console's sign-in of a demo owner
  included; --rotate revokes them and issues fresh ones (a new console password too). It also names
  a demo guest's pages (guestPages: her stay page, her post-stay survey link and the loyalty portal,
  with her member e-mail and password).`,
  import: IMPORT_USAGE,
  guest: GUEST_USAGE,
  identity: IDENTITY_USAGE,
  webhook: WEBHOOK_USAGE,
  delivery: DELIVERY_USAGE,
  rule: RULE_USAGE,
  staff: STAFF_USAGE,
  'staff create': STAFF_CREATE_USAGE,
  'staff list': STAFF_LIST_USAGE,
};

/** The plural nouns the commands also accept. */
const ALIASES: Record<string, string> = { accounts: 'account', clients: 'client', guests: 'guest', webhooks: 'webhook', deliveries: 'delivery', rules: 'rule' };

/** The words before `--`: what the user typed as the command and its options. */
function optionWords(argv: string[]): string[] {
  const end = argv.indexOf('--');
  return end < 0 ? argv : argv.slice(0, end);
}

/** `openstay help [<command>...]` or `--help`/`-h` anywhere among a command's options. */
export function helpRequested(argv: string[]): boolean {
  return argv[0] === 'help' || optionWords(argv).some((word) => word === '--help' || word === '-h');
}

/** The command path the words name (`account token`, `webhook`), or undefined for none known. */
export function commandPath(argv: string[]): string | undefined {
  const words = optionWords(argv).filter((word) => !word.startsWith('-'));
  if (words[0] === 'help') words.shift();
  if (words[0] && ALIASES[words[0]]) words[0] = ALIASES[words[0]];
  for (let n = Math.min(words.length, 2); n > 0; n--) {
    const path = words.slice(0, n).join(' ');
    if (HELP[path]) return path;
  }
  return undefined;
}

/** The help to print: the command's when one is named, else the overview; undefined for an unknown command. */
export function helpText(argv: string[]): string | undefined {
  const words = optionWords(argv).filter((word) => !word.startsWith('-') && word !== 'help');
  if (words.length === 0) return USAGE;
  const path = commandPath(argv);
  return path ? HELP[path] : undefined;
}

/**
 * node:util parseArgs' refusals (an option the command does not take, a missing value, an extra
 * argument) as one line naming the command and where its options are listed.
 */
export function parseArgsMessage(err: Error & { code?: string }, argv: string[]): string {
  const path = commandPath(argv) ?? argv[0] ?? '';
  const quoted = /'([^']*)'/.exec(err.message)?.[1];
  const see = `(openstay ${path} --help lists what it takes)`;
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted) return `openstay: ${path}: ${quoted} does not apply to this command ${see}`;
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && quoted) return `openstay: ${path}: unexpected argument "${quoted}" ${see}`;
  return `openstay: ${path}: ${err.message.split('\n')[0]} ${see}`;
}
