import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdForToken } from '../src/core/accounts/credentials.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { loginApiUser } from '../src/core/loyalty/api-users.js';
import { memberLogin } from '../src/core/loyalty/membership.js';

describe.each(dialects())('openstay CLI on %s', (dialect) => {
  let database: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    env = { DATABASE_URL: database.url, PUBLIC_URL: 'http://hotel.test:8080' };
  });
  afterAll(async () => database?.destroy());

  it('migrate reports an up-to-date database', async () => {
    const res = await runCli(['migrate'], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/up to date|applied/);
  });

  it('account create --json prints the credentials once, and they work', async () => {
    const res = await runCli(['account', 'create', 'sunnyclear', '--name', 'Sunnyclear Resorts', '--json'], env);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ account: 'sunnyclear', loop: { baseUrl: 'http://hotel.test:8080/loop' } });
    expect(out.admin.token).toMatch(/^[A-Za-z0-9]{20,}$/);
    expect(out.loop.authToken).toMatch(/^[A-Za-z0-9]{20,}$/);
    expect(await accountIdForToken(database.db, 'loop', out.loop.authToken)).toBeTypeOf('number');
    expect(await accountIdForToken(database.db, 'admin', out.admin.token)).toBeTypeOf('number');
    expect(await accountIdForToken(database.db, 'admin', out.loop.authToken)).toBeUndefined();
    // The Loyalty face: a static token and an API user for POST /login/.
    expect(Object.keys(out.loyalty).sort()).toEqual(['baseUrl', 'password', 'portalUrl', 'token', 'username']);
    expect(out.loyalty.baseUrl).toBe('http://hotel.test:8080/fideltour/api/v1');
    const accountId = await accountIdForToken(database.db, 'loyalty', out.loyalty.token);
    expect(accountId).toBe(await accountIdForToken(database.db, 'admin', out.admin.token));
    expect((await loginApiUser(database.db, out.loyalty.username, out.loyalty.password))?.user.accountId).toBe(accountId);
  });

  it('account create refuses a taken or invalid slug with a clear message', async () => {
    const [again, bad] = await Promise.all([runCli(['account', 'create', 'sunnyclear'], env), runCli(['account', 'create', 'Not A Slug!'], env)]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/slug/);
  });

  it('demo --json creates the demo account once, whatever the number of runs, and prints the same credentials', async () => {
    const first = await runCli(['demo', '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const out = JSON.parse(first.stdout);
    expect(out).toMatchObject({ account: 'demo', loop: { baseUrl: 'http://hotel.test:8080/loop' } });
    // The documents' own ids (issue 11).
    expect(out.loop.ids.locations).toMatchObject({ '1234': '529652b0121d5fa206011a79', '1300': '529652b0121d5fa206011a97' });
    const second = JSON.parse((await runCli(['demo', '--json'], env)).stdout);
    expect(second.loop.ids).toEqual(out.loop.ids);
    const demos = await database.db.selectFrom('accounts').select('id').where('slug', '=', 'demo').execute();
    expect(demos).toHaveLength(1);
    const locations = await database.db.selectFrom('locations').select('shortcode').where('account_id', '=', demos[0].id).execute();
    expect(locations.map((l) => l.shortcode).sort()).toEqual(
      ['1100', '1200', '1234', '1300', 'X01', 'X02', 'X03', 'comp-eggers', 'comp-gothia', 'comp-post', 'kattegat-gourmet', 'sea-hotels'].sort(),
    );
    expect(second.loopon.units).toEqual(out.loopon.units);
    expect(out.loopon.unitsByExampleId).toEqual({ '1203': 1203, '1204': 1204, '1281': 1281, '1282': 1282, '1601': 1601 });
    // The same working credentials, kept sealed (never in plain text) between runs.
    expect([second.admin.token, second.loop.authToken, second.loopon.clientId, second.loopon.clientSecret]).toEqual([
      out.admin.token,
      out.loop.authToken,
      out.loopon.clientId,
      out.loopon.clientSecret,
    ]);
    const kept = await database.db.selectFrom('demo_secrets').select('sealed').execute();
    expect(kept).toHaveLength(1);
    for (const secret of [out.admin.token, out.loop.authToken, out.loopon.clientSecret]) expect(kept[0].sealed).not.toContain(secret);
    expect(await accountIdForToken(database.db, 'loop', second.loop.authToken)).toBe(demos[0].id);
    // The Contacts API: a client of that face, and the document's example uid kept for the demo contact.
    expect(out.contacts).toEqual({
      baseUrl: 'http://hotel.test:8080/prio/v3.8/distributor',
      tokenUrl: 'http://hotel.test:8080/prio/v3.8/distributor/oauth2/token',
      clientId: expect.any(String),
      clientSecret: expect.any(String),
      scope: 'https://www.prioticketapis.com/auth/distributor/contacts',
    });
    expect(second.contacts).toEqual(out.contacts);
    const client = await database.db.selectFrom('oauth_clients').select('face').where('client_id', '=', out.contacts.clientId).executeTakeFirstOrThrow();
    expect(client.face).toBe('prio');
    const uid = await database.db.selectFrom('guest_keys').select('key').where('account_id', '=', demos[0].id).where('source', '=', 'prio').execute();
    expect(uid).toEqual([{ key: 'f44226c0-e142-11ea-86d2-83036af9991e' }]);
    // The loyalty object: the same API user, password and token every run, demo members with points.
    expect(Object.keys(second.loyalty).sort()).toEqual(['baseUrl', 'password', 'portalUrl', 'token', 'username']);
    expect(second.loyalty).toEqual(out.loyalty);
    expect((await loginApiUser(database.db, second.loyalty.username, second.loyalty.password))?.user.accountId).toBe(demos[0].id);
    expect(await accountIdForToken(database.db, 'loyalty', second.loyalty.token)).toBe(demos[0].id);
    const member = await memberLogin(database.db, demos[0].id, 'pserra@customia.com', 'UTendyE!?');
    expect(member?.points).toBe(1500);

    const rotated = await runCli(['demo', '--json', '--rotate'], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    const fresh = JSON.parse(rotated.stdout);
    expect(fresh.loop.authToken).not.toBe(out.loop.authToken);
    expect(fresh.loopon.clientId).not.toBe(out.loopon.clientId);
    expect(await accountIdForToken(database.db, 'loop', fresh.loop.authToken)).toBe(demos[0].id);
    // The old ones are revoked (this process caches the loop token it checked above, so read the rows).
    expect(await accountIdForToken(database.db, 'admin', out.admin.token)).toBeUndefined();
    const live = await database.db
      .selectFrom('credentials')
      .select('kind')
      .where('account_id', '=', demos[0].id)
      .where('revoked_at', 'is', null)
      .orderBy('kind')
      .execute();
    expect(live.map((c) => c.kind)).toEqual(['admin', 'loop', 'loyalty']);
    expect(fresh.loyalty.password).not.toBe(out.loyalty.password);
    expect(await loginApiUser(database.db, out.loyalty.username, out.loyalty.password)).toBeUndefined();
    const clients = await database.db
      .selectFrom('oauth_clients')
      .select(['client_id', 'revoked_at'])
      .where('client_id', 'in', [out.loopon.clientId, out.contacts.clientId])
      .execute();
    expect(clients.map((c) => c.revoked_at !== null)).toEqual([true, true]);
    const after = JSON.parse((await runCli(['demo', '--json'], env)).stdout);
    expect(after.loop.authToken).toBe(fresh.loop.authToken);
  }, 120_000);

  it('refuses bad configuration with one line and exit code 2', async () => {
    const res = await runCli(['migrate'], { ...env, PORT: 'nope' });
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('PORT');
  });

  it('refuses unknown commands with usage and exit code 2', async () => {
    const res = await runCli(['frobnicate'], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('usage: openstay');
  });

  // The other tests run the commands in-process; these prove the real binary: its exit codes and what it writes to stdout and stderr.
  it('the built bin/openstay.js: account create --json on stdout, exit 0; bad configuration on stderr, exit 2', async () => {
    const [created, bad, unknown] = await Promise.all([
      spawnCli(['account', 'create', 'spawned', '--json'], env),
      spawnCli(['migrate'], { ...env, PORT: 'nope' }),
      spawnCli(['frobnicate'], env),
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toBe('');
    const out = JSON.parse(created.stdout);
    expect(out).toMatchObject({ account: 'spawned', loop: { baseUrl: 'http://hotel.test:8080/loop' } });
    expect(await accountIdForToken(database.db, 'admin', out.admin.token)).toBeTypeOf('number');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('PORT');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('usage: openstay');
  });
});

describe.each(dialects())('openstay client create on %s', (dialect) => {
  let database: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    env = { DATABASE_URL: database.url, PUBLIC_URL: 'http://hotel.test:8080' };
    expect((await runCli(['account', 'create', 'seahotels'], env)).code).toBe(0);
  });
  afterAll(async () => database?.destroy());

  it('prints client_id and client_secret once, with the granted scopes', async () => {
    const res = await runCli(['client', 'create', '--account', 'seahotels', '--scopes', 'basic read_scores', '--json'], env);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ account: 'seahotels', scopes: ['basic', 'read_scores'], tokenUrl: 'http://hotel.test:8080/loopon/oauth2/token' });
    const row = await database.db.selectFrom('oauth_clients').selectAll().where('client_id', '=', out.clientId).executeTakeFirstOrThrow();
    expect(row.secret_hash).not.toContain(out.clientSecret);
  });

  it('--face prio makes a Contacts API client (its scope by default) that gets tokens only at its own endpoint', async () => {
    const res = await runCli(['client', 'create', '--account', 'seahotels', '--face', 'prio', '--json'], env);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({
      account: 'seahotels',
      face: 'prio',
      scopes: ['https://www.prioticketapis.com/auth/distributor/contacts'],
      tokenUrl: 'http://hotel.test:8080/prio/v3.8/distributor/oauth2/token',
      baseUrl: 'http://hotel.test:8080/prio/v3.8/distributor',
    });
    const row = await database.db.selectFrom('oauth_clients').select('face').where('client_id', '=', out.clientId).executeTakeFirstOrThrow();
    expect(row.face).toBe('prio');
    const loopon = JSON.parse((await runCli(['client', 'create', '--account', 'seahotels', '--face', 'loopon', '--scopes', 'basic', '--json'], env)).stdout);
    expect(loopon).toMatchObject({ face: 'loopon', tokenUrl: 'http://hotel.test:8080/loopon/oauth2/token' });
    const [badFace, loopScope, units] = await Promise.all([
      runCli(['client', 'create', '--account', 'seahotels', '--face', 'fideltour'], env),
      runCli(['client', 'create', '--account', 'seahotels', '--face', 'prio', '--scopes', 'basic'], env),
      runCli(['client', 'create', '--account', 'seahotels', '--face', 'prio', '--units', '1'], env),
    ]);
    expect(badFace.code).toBe(2);
    expect(badFace.stderr).toContain('--face');
    expect(loopScope.code).toBe(2);
    expect(loopScope.stderr).toContain('unknown scope');
    expect(units.code).toBe(2);
  });

  it('lists the clients and revokes one (exit 1 for an unknown client)', async () => {
    const created = JSON.parse((await runCli(['client', 'create', '--account', 'seahotels', '--scopes', 'basic', '--json'], env)).stdout);
    // Independent runs go together: each is a process start.
    const [listed, unknown, missing] = await Promise.all([
      runCli(['client', 'list', '--account', 'seahotels', '--json'], env),
      runCli(['client', 'revoke', 'nope', '--account', 'seahotels'], env),
      runCli(['client', 'revoke', '--account', 'seahotels'], env),
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).clients).toContainEqual(expect.objectContaining({ clientId: created.clientId, revoked: null }));
    expect(listed.stdout).not.toContain(created.clientSecret);
    const revoked = await runCli(['client', 'revoke', created.clientId, '--account', 'seahotels'], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    const after = JSON.parse((await runCli(['client', 'list', '--account', 'seahotels', '--json'], env)).stdout);
    expect(after.clients.find((c: { clientId: string }) => c.clientId === created.clientId).revoked).toEqual(expect.any(String));
    expect(unknown.code).toBe(1);
    expect(missing.code).toBe(2);
  });

  it('refuses unknown scopes, accounts and units, and missing options, with exit code 2', async () => {
    const [scope, noScopes, unit, account] = await Promise.all([
      runCli(['client', 'create', '--account', 'seahotels', '--scopes', 'basic fly'], env),
      runCli(['client', 'create', '--account', 'seahotels'], env),
      runCli(['client', 'create', '--account', 'seahotels', '--scopes', 'basic', '--units', '999999'], env),
      runCli(['client', 'create', '--account', 'nobody', '--scopes', 'basic'], env),
    ]);
    expect(scope.code).toBe(2);
    expect(scope.stderr).toContain('unknown scope');
    expect(noScopes.code).toBe(2);
    expect(unit.code).toBe(2);
    expect(account.code).toBe(1);
    expect(account.stderr).toContain('not found');
  });
});
