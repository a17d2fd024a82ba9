import type { Config } from '../config/config.js';
import { describeDatabase } from '../config/database-check.js';
import { getAccountBySlug, listAccounts } from '../core/accounts/accounts.js';
import type { CredentialKind } from '../core/accounts/credentials.js';
import { rotateCredential } from '../core/accounts/rotate-credential.js';
import { CREDENTIAL_FACES, faceCredentialJson, faceCredentialLine } from './account-credentials.js';
import { UsageError } from './client-create.js';
import { refusalsExit1 } from './refused.js';
import { withDatabase } from './with-database.js';

/** `openstay account list [--json]`: every account of the database, oldest first. */
export async function accountListCommand(config: Config, opts: { json?: boolean }): Promise<number> {
  const accounts = await withDatabase(config, (db) => listAccounts(db));
  const rows = accounts.map((a) => ({ slug: a.slug, name: a.name, created: new Date(Number(a.created_at)).toISOString() }));
  if (opts.json) console.log(JSON.stringify({ accounts: rows }));
  else if (rows.length === 0)
    console.log(`no account in ${describeDatabase(config.databaseUrl)} yet: create one with \`openstay account create <slug>\` or \`openstay demo\``);
  else {
    const width = Math.max(4, ...rows.map((r) => r.slug.length));
    for (const r of rows) console.log(`${r.slug.padEnd(width)}  ${r.created}  ${r.name}`);
  }
  return 0;
}

/**
 * `openstay account token <slug> --face admin|loop --rotate [--json]`: a fresh token for that face;
 * the one before stops working (at once in this process and on PostgreSQL in every instance; a
 * server on the same SQLite file within the few seconds it caches tokens). Only hashes are kept, so
 * there is nothing to show without --rotate.
 */
export async function accountTokenCommand(
  config: Config,
  slug: string | undefined,
  opts: { face?: string; rotate?: boolean; json?: boolean },
): Promise<number> {
  if (!slug) throw new UsageError('account token needs the account <slug>');
  if (!opts.face) throw new UsageError(`account token needs --face ${CREDENTIAL_FACES.join('|')}`);
  if (!(CREDENTIAL_FACES as readonly string[]).includes(opts.face))
    throw new UsageError(`--face must be one of ${CREDENTIAL_FACES.join(', ')} (got "${opts.face}")`);
  if (!opts.rotate)
    throw new UsageError(
      'account token needs --rotate: tokens are stored as hashes and cannot be shown again, so a fresh one is issued and the old one revoked',
    );
  const face = opts.face as CredentialKind;
  return refusalsExit1(async () => {
    const { account, token } = await withDatabase(config, async (db) => {
      const found = await getAccountBySlug(db, slug);
      return { account: found, token: await rotateCredential(db, found.id, face, 'rotated with the CLI') };
    });
    if (opts.json) console.log(JSON.stringify({ account: account.slug, name: account.name, ...faceCredentialJson(config, face, token) }));
    else {
      console.log(`new ${face} token for account ${account.slug}; the previous one is revoked`);
      console.log(faceCredentialLine(config, face, token));
      console.log('This token is shown only now; store it safely.');
    }
    return 0;
  });
}
