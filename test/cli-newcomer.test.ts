import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/core/shared/tokens.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { helpText } from '../src/cli/help.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin/openstay.js');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** Every command path `--help` answers for, with an option that command does not take. */
const COMMANDS: string[][] = [
  ['serve'],
  ['migrate'],
  ['account', 'create'],
  ['account', 'list'],
  ['account', 'token'],
  ['client', 'create'],
  ['client', 'list'],
  ['client', 'revoke'],
  ['guest', 'merge'],
  ['guest', 'split'],
  ['identity', 'blocklist', 'list'],
  ['demo'],
  ['import'],
  ['webhook', 'list'],
  ['delivery', 'list'],
];

/** Runs the CLI in `cwd` (where it looks for .env). */
function runCliIn(cwd: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const oneLine = (res: CliResult) => res.stderr.trim().split('\n');

// Every test here starts the CLI several times: generous timeouts for a busy machine.
describe('openstay --version and --help (no database involved)', { timeout: 120_000 }, () => {
  it('--version prints package.json version', async () => {
    const res = await runCli(['--version'], {});
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(pkg.version);
  });

  it('--help answers for every command and subcommand', () => {
    for (const words of COMMANDS) {
      for (const argv of [
        [...words, '--help'],
        [...words, '-h'],
        ['help', ...words],
      ]) {
        const text = helpText(argv);
        expect(text, argv.join(' ')).toMatch(/^usage: openstay /);
        expect(text, argv.join(' ')).toContain(words[0]);
      }
    }
    expect(helpText(['account', 'token', '--help'])).toMatch(/^usage: openstay account token <slug> --face admin\|loop --rotate/);
    expect(helpText(['frobnicate', '--help'])).toBeUndefined();
  });

  it('the binary answers --help before reading the configuration, and exits 0', async () => {
    const [top, token, webhook, unknown] = await Promise.all([
      runCli(['--help'], { PORT: 'nope' }),
      runCli(['account', 'token', '--help'], { PORT: 'nope' }),
      runCli(['webhooks', 'create', '-h'], { PORT: 'nope' }),
      runCli(['frobnicate', '--help'], {}),
    ]);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('account token <slug> --face admin|loop --rotate');
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toMatch(/^usage: openstay account token/);
    expect(webhook.code, webhook.stderr).toBe(0);
    expect(webhook.stdout).toMatch(/^usage: openstay webhook create/);
    expect(unknown.code).toBe(2);
  });

  it('an option a command does not take is refused with one line and exit 2', async () => {
    const results = await Promise.all(COMMANDS.map((words) => runCli([...words, '--no-such-flag'], { PORT: '0' })));
    results.forEach((res, i) => {
      const what = `${COMMANDS[i].join(' ')}: ${res.stderr}`;
      expect(res.code, what).toBe(2);
      expect(oneLine(res), what).toHaveLength(1);
      expect(res.stderr, what).toContain('--no-such-flag');
    });
    // serve and migrate take no argument at all
    const extra = await runCli(['migrate', 'now'], {});
    expect(extra.code).toBe(2);
    expect(oneLine(extra)).toHaveLength(1);
  });
});

describe.each(dialects())('openstay account list and token on %s', { timeout: 120_000 }, (dialect) => {
  let database: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    env = { DATABASE_URL: database.url, PUBLIC_URL: 'http://hotel.test:8080' };
  });
  afterAll(async () => database?.destroy());

  /** The account a live token belongs to, read from the table (the process's token cache would remember a revoked one). */
  const accountIdForToken = async (_db: unknown, kind: string, token: string) =>
    (
      await database.db
        .selectFrom('credentials')
        .select('account_id')
        .where('token_hash', '=', hashToken(token))
        .where('kind', '=', kind as 'admin')
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
    )?.account_id;

  const where = () => (dialect === 'sqlite' ? database.url : new URL(database.url).pathname.slice(1));

  it('account list says the database is empty, then lists slug, name and creation time', async () => {
    const empty = await runCli(['account', 'list'], env);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toContain(where());
    expect(JSON.parse((await runCli(['account', 'list', '--json'], env)).stdout)).toEqual({ accounts: [] });
    expect((await runCli(['account', 'create', 'harbour', '--name', 'Harbour Hotel'], env)).code).toBe(0);
    expect((await runCli(['account', 'create', 'alpine'], env)).code).toBe(0);
    const listed = JSON.parse((await runCli(['account', 'list', '--json'], env)).stdout);
    expect(listed.accounts.map((a: { slug: string; name: string }) => [a.slug, a.name])).toEqual([
      ['harbour', 'Harbour Hotel'],
      ['alpine', 'alpine'],
    ]);
    for (const a of listed.accounts) expect(Date.parse(a.created)).toBeGreaterThan(Date.parse('2020-01-01'));
    // The plural noun works as well (DESIGN: plurals accepted).
    expect(JSON.parse((await runCli(['accounts', 'list', '--json'], env)).stdout)).toEqual(listed);
    const human = await runCli(['account', 'list'], env);
    expect(human.stdout).toMatch(/^harbour\s+\S+Z\s+Harbour Hotel$/m);
  });

  it('account token --rotate issues a fresh token for the face, revokes the old one, and prints the keys of account create', async () => {
    const created = JSON.parse((await runCli(['account', 'create', 'rotating', '--json'], env)).stdout);
    const loop = await runCli(['account', 'token', 'rotating', '--face', 'loop', '--rotate', '--json'], env);
    expect(loop.code, loop.stderr).toBe(0);
    const loopOut = JSON.parse(loop.stdout);
    expect(Object.keys(loopOut)).toEqual(['account', 'name', 'loop']);
    expect(Object.keys(loopOut.loop)).toEqual(Object.keys(created.loop));
    expect(loopOut.loop.baseUrl).toBe(created.loop.baseUrl);
    expect(loopOut.loop.authToken).not.toBe(created.loop.authToken);
    const accountId = await accountIdForToken(database.db, 'loop', loopOut.loop.authToken);
    expect(accountId).toBeTypeOf('number');
    expect(await accountIdForToken(database.db, 'loop', created.loop.authToken)).toBeUndefined();
    // The other face's token is untouched.
    expect(await accountIdForToken(database.db, 'admin', created.admin.token)).toBe(accountId);

    const admin = JSON.parse((await runCli(['account', 'token', 'rotating', '--face', 'admin', '--rotate', '--json'], env)).stdout);
    expect(Object.keys(admin.admin)).toEqual(Object.keys(created.admin));
    expect(await accountIdForToken(database.db, 'admin', admin.admin.token)).toBe(accountId);
    expect(await accountIdForToken(database.db, 'admin', created.admin.token)).toBeUndefined();
    expect(await accountIdForToken(database.db, 'loop', loopOut.loop.authToken)).toBe(accountId);
  });

  it('account token refuses bad usage (exit 2) and changes nothing', async () => {
    const created = JSON.parse((await runCli(['account', 'create', 'steady', '--json'], env)).stdout);
    const [noRotate, badFace, noFace] = await Promise.all([
      runCli(['account', 'token', 'steady', '--face', 'loop'], env),
      runCli(['account', 'token', 'steady', '--face', 'loopon', '--rotate'], env),
      runCli(['account', 'token', 'steady', '--rotate'], env),
    ]);
    for (const res of [noRotate, badFace, noFace]) expect(res.code, res.stderr).toBe(2);
    expect(noRotate.stderr).toContain('--rotate');
    expect(badFace.stderr).toContain('--face must be one of admin, loop');
    expect(await accountIdForToken(database.db, 'loop', created.loop.authToken)).toBeTypeOf('number');
  });

  it('what a command cannot find is reported with the database it looked in', async () => {
    const results = await Promise.all([
      runCli(['account', 'token', 'nobody', '--face', 'loop', '--rotate'], env),
      runCli(['client', 'list', '--account', 'nobody'], env),
      runCli(['webhook', 'list', '--account', 'nobody'], env),
      runCli(['import', 'reviews', BIN, '--account', 'nobody'], env),
    ]);
    for (const res of results) {
      expect(res.code, res.stderr).not.toBe(0);
      expect(res.stderr).toMatch(/account "nobody" not found in |no account with slug "nobody" in /);
      expect(res.stderr).toContain(where());
    }
    expect(results[0].stderr).not.toContain(':@'); // a PostgreSQL URL is shown without a password
  });
});

describe('configuration errors of the database: one line naming DATABASE_URL, exit 2', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-newcomer-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses an SQLite path under a missing directory and creates nothing', async () => {
    const missing = path.join(dir, 'no-such-dir', 'openstay.db');
    for (const args of [['migrate'], ['account', 'list'], ['serve']]) {
      const res = await runCliIn(dir, args, { DATABASE_URL: `sqlite:${missing}`, PORT: '0', HOST: '127.0.0.1' });
      expect(res.code, res.stderr).toBe(2);
      expect(oneLine(res)).toHaveLength(1);
      expect(res.stderr).toContain('DATABASE_URL');
      expect(res.stderr).toContain('does not exist');
    }
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
  });

  it('refuses a file that is not an SQLite database and leaves it as it was', async () => {
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'not a database\n');
    const res = await runCliIn(dir, ['migrate'], { DATABASE_URL: `sqlite:${file}` });
    expect(res.code, res.stderr).toBe(2);
    expect(oneLine(res)).toHaveLength(1);
    expect(res.stderr).toMatch(/DATABASE_URL .*not an SQLite database/);
    expect(fs.readFileSync(file, 'utf8')).toBe('not a database\n');
  });

  it('creates the default ./data directory when missing, and only that one', async () => {
    const cwd = fs.mkdtempSync(path.join(dir, 'fresh-'));
    const res = await runCliIn(cwd, ['migrate'], { DATABASE_URL: '' });
    expect(res.code, res.stderr).toBe(0);
    expect(fs.existsSync(path.join(cwd, 'data', 'openstay.db'))).toBe(true);
  });

  it('refuses an unreachable PostgreSQL', async () => {
    // A port the system gave and took back: nothing listens there.
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((r) => server.close(r));
    const res = await runCli(['migrate'], { DATABASE_URL: `postgres://openstay:hunter2@127.0.0.1:${port}/openstay` });
    expect(res.code, res.stderr).toBe(2);
    expect(oneLine(res)).toHaveLength(1);
    expect(res.stderr).toMatch(/DATABASE_URL .*cannot reach PostgreSQL/);
    expect(res.stderr).not.toContain('hunter2');
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('refuses a missing PostgreSQL database or role (needs TEST_DATABASE_URL)', async () => {
    const server = new URL(process.env.TEST_DATABASE_URL!);
    const noDatabase = new URL(server);
    noDatabase.pathname = '/openstay_no_such_database';
    const noRole = new URL(server);
    noRole.username = 'openstay_no_such_role';
    const [db, role] = await Promise.all([
      runCli(['migrate'], { DATABASE_URL: noDatabase.toString() }),
      runCli(['serve'], { DATABASE_URL: noRole.toString(), PORT: '0' }),
    ]);
    expect(db.code, db.stderr).toBe(2);
    expect(oneLine(db)).toHaveLength(1);
    expect(db.stderr).toMatch(/DATABASE_URL .*database "openstay_no_such_database" does not exist/);
    expect(role.code, role.stderr).toBe(2);
    expect(oneLine(role)).toHaveLength(1);
    expect(role.stderr).toMatch(/DATABASE_URL .*openstay_no_such_role/);
  });
});

describe('the .env file', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-dotenv-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is read at start when present, and a variable already set wins over it', async () => {
    fs.mkdirSync(path.join(dir, 'db'));
    fs.writeFileSync(path.join(dir, '.env'), `# test\nDATABASE_URL=sqlite:${path.join(dir, 'db', 'from-env-file.db')}\nPUBLIC_URL=http://from-env-file.test\n`);
    const fromFile = await runCliIn(dir, ['account', 'create', 'dotenv', '--json'], { DATABASE_URL: '', PUBLIC_URL: '' });
    expect(fromFile.code, fromFile.stderr).toBe(0);
    // Empty values count as set: the environment wins.
    expect(JSON.parse(fromFile.stdout).admin.baseUrl).toBe('http://localhost:8080/admin/v1');
    expect(fs.existsSync(path.join(dir, 'data', 'openstay.db'))).toBe(true);

    const env = { ...process.env };
    delete env.DATABASE_URL;
    delete env.PUBLIC_URL;
    const unset = await new Promise<CliResult>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'account', 'create', 'dotenv2', '--json'], {
        cwd: dir,
        env: { ...env, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(unset.code, unset.stderr).toBe(0);
    expect(JSON.parse(unset.stdout).admin.baseUrl).toBe('http://from-env-file.test/admin/v1');
    expect(fs.existsSync(path.join(dir, 'db', 'from-env-file.db'))).toBe(true);
  });

  it('is not needed: without one the defaults apply', async () => {
    const bare = fs.mkdtempSync(path.join(dir, 'bare-'));
    const res = await runCliIn(bare, ['account', 'list', '--json'], { DATABASE_URL: `sqlite:${path.join(bare, 'x.db')}` });
    expect(res.code, res.stderr).toBe(0);
  });
});
