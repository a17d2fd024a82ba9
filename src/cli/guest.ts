import { writeContext } from '../core/shared/write-context.js';
import { parseArgs } from 'node:util';
import type { Config } from '../config/config.js';
import { presentGuest, presentMerge } from '../api/admin/routes/guests-present.js';
import { getAccountBySlug } from '../core/accounts/accounts.js';
import { parseGuestKey } from '../core/guests/guest-key-ref.js';
import { mergeGuests } from '../core/merges/merge-guests.js';
import { readMergeRecord } from '../core/merges/merge-record.js';
import { splitGuest } from '../core/merges/split-guest.js';
import { UsageError } from './client-create.js';
import { cliActor, refusalsExit1 } from './refused.js';
import { withDatabase } from './with-database.js';

/*
 * `openstay guest merge|split`: the admin API's merge and split for an operator at the server. Ids
 * are the integers the admin API shows. Exit 0 done, 1 refused (unknown guest or key, a merge that
 * must wait), 2 bad usage.
 */

const MERGE_USAGE = `usage: openstay guest merge <survivorId> <otherId> --account <slug> [--json]
  Moves everything of <otherId> to <survivorId>; <otherId> keeps answering as the survivor.`;
const SPLIT_USAGE = `usage: openstay guest split <guestId> --key <source>:<value> --account <slug> [--json]
  Splits one external key off a guest: undoes the merge it came by, else makes a new guest with it.`;
export const USAGE = `${MERGE_USAGE}\n${SPLIT_USAGE}`;

const OPTIONS = { account: { type: 'string' }, key: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

function guestId(text: string | undefined, what: string): number {
  if (!text || !/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > 2147483647)
    throw new UsageError(`${what} must be a guest id as the admin API shows it (a positive integer), not "${text ?? ''}"`);
  return Number(text);
}

const counts = (moved: Record<string, number>) =>
  Object.entries(moved)
    .map(([table, n]) => `${n} ${table}`)
    .join(', ') || 'nothing';

/** `openstay guest <merge|split> ...` (the noun `guests` is accepted as well). */
export async function guestCommand(config: Config, argv: string[]): Promise<number> {
  const [verb, ...args] = argv;
  if (verb === '--help' || verb === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (verb !== 'merge' && verb !== 'split') throw new UsageError(`unknown guest command "${verb ?? ''}" (merge or split)`);
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  if (values.help) {
    console.log(verb === 'merge' ? MERGE_USAGE : SPLIT_USAGE);
    return 0;
  }
  if (!values.account) throw new UsageError(`guest ${verb} needs --account <slug>`);
  return verb === 'merge' ? merge(config, values, positionals) : split(config, values, positionals);
}

async function merge(config: Config, opts: { account?: string; key?: string; json?: boolean }, positionals: string[]): Promise<number> {
  if (positionals.length !== 2 || opts.key !== undefined) throw new UsageError('guest merge takes <survivorId> <otherId> and no --key');
  const survivorId = guestId(positionals[0], '<survivorId>');
  const otherId = guestId(positionals[1], '<otherId>');
  if (survivorId === otherId) throw new UsageError(`guest merge needs two different guests (got ${survivorId} twice)`);
  return refusalsExit1(async () => {
    const merged = await withDatabase(config, async (db) => {
      const account = await getAccountBySlug(db, opts.account!);
      return db.transaction().execute((trx) => mergeGuests(writeContext(trx, account.id, cliActor()), survivorId, otherId));
    });
    const merge = presentMerge(readMergeRecord(merged.merge));
    if (opts.json) console.log(JSON.stringify({ account: opts.account, merge, survivor: presentGuest(merged.survivor) }));
    else {
      const filled = Object.keys(merge.filled);
      console.log(
        `guest ${otherId} merged into guest ${survivorId} (merge ${merge.id}): moved ${counts(merge.moved)}${filled.length ? `; filled ${filled.join(', ')}` : ''}`,
      );
    }
    return 0;
  });
}

async function split(config: Config, opts: { account?: string; key?: string; json?: boolean }, positionals: string[]): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('guest split takes one <guestId>');
  const id = guestId(positionals[0], '<guestId>');
  if (!opts.key) throw new UsageError('guest split needs --key <source>:<value>');
  const { source, value } = parseGuestKey(opts.key, '--key');
  return refusalsExit1(async () => {
    const result = await withDatabase(config, async (db) => {
      const account = await getAccountBySlug(db, opts.account!);
      return db.transaction().execute((trx) => splitGuest(writeContext(trx, account.id, cliActor()), id, source, value));
    });
    const out = { guest: presentGuest(result.guest), splitOff: presentGuest(result.splitOff), restoredMergeId: result.restoredMergeId, moved: result.moved };
    if (opts.json) console.log(JSON.stringify({ account: opts.account, ...out }));
    else if (result.restoredMergeId !== null) {
      console.log(
        `key ${source}:${value} split off guest ${result.guest.id}: guest ${result.splitOff.id} restored (merge ${result.restoredMergeId} undone); moved back ${counts(result.moved)}`,
      );
    } else console.log(`key ${source}:${value} split off guest ${result.guest.id} to new guest ${result.splitOff.id}; moved ${counts(result.moved)}`);
    return 0;
  });
}
