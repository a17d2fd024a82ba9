import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { buildApp } from '../src/server/app.js';
import { TEST_SECRET_KEY } from './helpers/app.js';
import { runCli } from './helpers/cli.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';
import { recordIssuedSecret } from './helpers/secret-log.js';

/*
 * `openstay staff create|list` and the demo's console sign-in, checked against a server on the
 * same database: the printed link signs in once; the demo owner's e-mail and password are the same
 * on every run, work, and change with --rotate.
 */

describe.each(dialects())('staff on the command line on %s', (dialect) => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await createTestDatabase(dialect, { demo: true });
    env = { DATABASE_URL: database.url, PUBLIC_URL: 'http://hotel.test:8080', ...(dialect === 'postgres' ? { SECRET_KEY: TEST_SECRET_KEY } : {}) };
    app = await buildApp({ config: loadConfig(env), database, logStream: new PassThrough().resume() });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await database?.destroy();
  });

  const signIn = (email: string, password: string) => app.inject({ method: 'POST', url: '/admin/v1/session', payload: { email, password } });

  it('staff create prints a one-time sign-in link that signs in once; staff list shows the member', async () => {
    expect((await runCli(['account', 'create', 'seaside'], env)).code).toBe(0);
    const res = await runCli(['staff', 'create', '--account', 'seaside', '--email', 'Front.Desk@Seaside.test', '--role', 'agent', '--json'], env);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(Object.keys(out).sort()).toEqual(['email', 'expiresAt', 'id', 'role', 'signInUrl']);
    expect(out).toMatchObject({ email: 'front.desk@seaside.test', role: 'agent' });
    expect(out.signInUrl).toMatch(/^http:\/\/hotel\.test:8080\/sign-in\/link\/[A-Za-z0-9]{43}$/);
    expect(out.expiresAt).toBeGreaterThan(Date.now() + 6 * 24 * 3_600_000);
    const token = out.signInUrl.split('/').pop();
    recordIssuedSecret(token);

    const first = await app.inject({ method: 'POST', url: '/admin/v1/session/link', payload: { token } });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ staff: { id: out.id, role: 'agent', hasPassword: false }, account: { slug: 'seaside' } });
    expect((await app.inject({ method: 'POST', url: '/admin/v1/session/link', payload: { token } })).statusCode).toBe(400);

    const listed = await runCli(['staff', 'list', '--account', 'seaside', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).staff).toEqual([
      { id: out.id, email: 'front.desk@seaside.test', name: null, role: 'agent', permissions: [], locationIds: [], hasPassword: false },
    ]);
    const text = await runCli(['staff', 'list', '--account', 'seaside'], env);
    expect(text.stdout).toContain('front.desk@seaside.test  agent');

    // A taken e-mail, a bad role, a missing account: refused, nothing made.
    const taken = await runCli(['staff', 'create', '--account', 'seaside', '--email', 'front.desk@seaside.test', '--role', 'agent'], env);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('already signs in');
    const badRole = await runCli(['staff', 'create', '--account', 'seaside', '--email', 'x@seaside.test', '--role', 'boss'], env);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('--role');
    expect((await runCli(['staff', 'create', '--email', 'x@seaside.test', '--role', 'agent'], env)).code).toBe(2);
    expect(JSON.parse((await runCli(['staff', 'list', '--account', 'seaside', '--json'], env)).stdout).staff).toHaveLength(1);
    const help = await runCli(['staff', 'create', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--role owner|manager|agent|analyst');
  }, 60_000);

  it('demo --json prints the console sign-in of a demo owner, the same every run, rotated with --rotate', async () => {
    const first = JSON.parse((await runCli(['demo', '--json'], env)).stdout);
    expect(first.console).toEqual({ url: 'http://hotel.test:8080/', email: expect.stringContaining('@'), password: expect.any(String) });
    recordIssuedSecret(first.console.password);
    const second = JSON.parse((await runCli(['demo', '--json'], env)).stdout);
    expect(second.console).toEqual(first.console);
    const signedIn = await signIn(first.console.email, first.console.password);
    expect(signedIn.statusCode, signedIn.body).toBe(201);
    expect(signedIn.json()).toMatchObject({ staff: { role: 'owner', hasPassword: true }, account: { slug: 'demo' } });

    const text = await runCli(['demo'], env);
    expect(text.stdout).toContain(`Console:    http://hotel.test:8080/  (sign in as ${first.console.email} / ${first.console.password}`);

    const rotated = JSON.parse((await runCli(['demo', '--json', '--rotate'], env)).stdout);
    recordIssuedSecret(rotated.console.password);
    expect(rotated.console.email).toBe(first.console.email);
    expect(rotated.console.password).not.toBe(first.console.password);
    expect((await signIn(first.console.email, first.console.password)).statusCode).toBe(401);
    expect((await signIn(rotated.console.email, rotated.console.password)).statusCode).toBe(201);
    expect(JSON.parse((await runCli(['demo', '--json'], env)).stdout).console).toEqual(rotated.console);
  }, 120_000);
});
