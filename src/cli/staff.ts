import { parseArgs } from 'node:util';
import type { Config } from '../config/config.js';
import { getAccountBySlug } from '../core/accounts/accounts.js';
import { recordAudit } from '../core/accounts/audit.js';
import { createStaff, isStaffRole, listStaff } from '../core/accounts/staff.js';
import { issueStaffToken, signInLinkPath } from '../core/accounts/staff-tokens.js';
import { inWriteTransaction } from '../db/write-transaction.js';
import { UsageError } from './client-create.js';
import { withDatabase } from './with-database.js';

export const STAFF_CREATE_USAGE = `usage: openstay staff create --account SLUG --email EMAIL --role owner|manager|agent|analyst [--name NAME] [--permissions create,comment,close] [--locations ID,ID] [--json]
  Makes a staff member of the account (who signs in to the console) and prints a one-time sign-in
  link, PUBLIC_URL/sign-in/link/<token>, valid 7 days: it signs them in once, then they choose a
  password. --json prints {id, email, role, signInUrl, expiresAt}.`;
export const STAFF_LIST_USAGE = `usage: openstay staff list --account SLUG [--json]
  The account's staff members: id, e-mail, role, Loop permissions, locations, whether they have a password.`;
export const STAFF_USAGE = `${STAFF_CREATE_USAGE}\n${STAFF_LIST_USAGE}`;

const list = (value: string | undefined) =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);

/** `openstay staff create|list ...`. */
export async function staffCommand(config: Config, argv: string[]): Promise<number> {
  const [sub, ...args] = argv;
  if (sub === 'create') {
    const { values } = parseArgs({
      args,
      options: {
        account: { type: 'string' },
        email: { type: 'string' },
        role: { type: 'string' },
        name: { type: 'string' },
        permissions: { type: 'string' },
        locations: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    return staffCreate(config, values);
  }
  if (sub === 'list') {
    const { values } = parseArgs({ args, options: { account: { type: 'string' }, json: { type: 'boolean' } } });
    return staffList(config, values);
  }
  throw new UsageError(`unknown staff command "${sub ?? ''}" (create or list)`);
}

async function staffCreate(
  config: Config,
  opts: { account?: string; email?: string; role?: string; name?: string; permissions?: string; locations?: string; json?: boolean },
): Promise<number> {
  if (!opts.account) throw new UsageError('staff create needs --account <slug>');
  if (!opts.email) throw new UsageError('staff create needs --email <e-mail>');
  if (!isStaffRole(opts.role)) throw new UsageError('staff create needs --role owner|manager|agent|analyst');
  const role = opts.role;
  const locationIds = list(opts.locations)?.map((v) => {
    if (!/^\d+$/.test(v)) throw new UsageError(`--locations takes location ids (as the admin API shows them), not "${v}"`);
    return Number(v);
  });
  const out = await withDatabase(config, async (db) => {
    const account = await getAccountBySlug(db, opts.account!);
    return inWriteTransaction(db, async (trx) => {
      const staff = await createStaff(
        trx,
        account.id,
        { email: opts.email!, name: opts.name, role, permissions: list(opts.permissions), locationIds },
        'admin',
      );
      const { token, expiresAt } = await issueStaffToken(trx, account.id, staff.id, 'link');
      await recordAudit(trx, account.id, {
        actor: 'cli',
        actorName: 'command line',
        action: 'staff.create',
        entity: 'staff',
        entityId: String(staff.id),
        summary: `command line: staff create ${staff.email} (${staff.role})`,
        requestId: null,
      });
      return { id: staff.id, email: staff.email, role: staff.role, signInUrl: `${config.publicUrl}${signInLinkPath(token)}`, expiresAt };
    });
  });
  if (opts.json) console.log(JSON.stringify(out));
  else {
    console.log(`staff member ${out.email} (${out.role}, id ${out.id}) of account ${opts.account} created.`);
    console.log(`one-time sign-in link (until ${new Date(out.expiresAt).toISOString()}): ${out.signInUrl}`);
  }
  return 0;
}

async function staffList(config: Config, opts: { account?: string; json?: boolean }): Promise<number> {
  if (!opts.account) throw new UsageError('staff list needs --account <slug>');
  const staff = await withDatabase(config, async (db) => listStaff(db, (await getAccountBySlug(db, opts.account!)).id));
  const rows = staff.map(({ id, email, name, role, permissions, locationIds, hasPassword }) => ({
    id,
    email,
    name,
    role,
    permissions,
    locationIds,
    hasPassword,
  }));
  if (opts.json) console.log(JSON.stringify({ account: opts.account, staff: rows }));
  else
    for (const r of rows)
      console.log(
        `${r.id}  ${r.email}  ${r.role}${r.permissions.length ? `  ${r.permissions.join(',')}` : ''}${r.locationIds.length ? `  locations ${r.locationIds.join(',')}` : ''}${r.hasPassword ? '' : '  (no password yet)'}${r.name ? `  (${r.name})` : ''}`,
      );
  return 0;
}
