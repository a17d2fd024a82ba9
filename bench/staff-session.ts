import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/config.js';
import { createAccountWithCredentials } from '../src/core/accounts/provision.js';
import { createStaff, hashStaffPassword, storeStaffPasswordHash } from '../src/core/accounts/staff.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { buildApp } from '../src/server/app.js';

/*
 * node dist/bench/staff-session.js (after npm run build): what a staff session costs on an admin
 * API call against the admin token, in the same run and process (app.inject, SQLite in a temporary
 * directory): BENCH_CALLS (default 2000) GET /admin/v1/account with each, after a warm-up of as
 * many; and one sign-in (Argon2id verify, session row). Prints one JSON line with the ratio.
 */

const calls = Math.trunc(Number(process.env.BENCH_CALLS ?? 2000));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-bench-session-'));
const url = `sqlite:${path.join(dir, 'bench.db')}`;
const database = openDatabase(url);
try {
  await migrateToLatest(database.db);
  const config = loadConfig({ DATABASE_URL: url, PUBLIC_URL: 'http://bench.test', LOG_LEVEL: 'warn' });
  const app = await buildApp({ config, database });
  await app.ready();
  const { account, adminToken } = await createAccountWithCredentials(database.db, 'bench', 'Bench');
  const staff = await createStaff(database.db, account.id, { email: 'owner@bench.test', role: 'owner' }, 'admin');
  await storeStaffPasswordHash(database.db, account.id, staff.id, await hashStaffPassword('bench password'));
  const started = performance.now();
  const signIn = await app.inject({ method: 'POST', url: '/admin/v1/session', payload: { email: 'owner@bench.test', password: 'bench password' } });
  const signInMs = performance.now() - started;
  const cookie = String(signIn.headers['set-cookie']).split(';')[0];
  const run = async (headers: Record<string, string>) => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await app.inject({ url: '/admin/v1/account', headers });
    return (performance.now() - t0) / calls;
  };
  await run({ authorization: `Bearer ${adminToken}` });
  await run({ cookie });
  const bearerMs = await run({ authorization: `Bearer ${adminToken}` });
  const sessionMs = await run({ cookie });
  console.log(
    JSON.stringify({
      calls,
      signInMs: Number(signInMs.toFixed(1)),
      bearerMsPerCall: Number(bearerMs.toFixed(3)),
      sessionMsPerCall: Number(sessionMs.toFixed(3)),
      ratio: Number((sessionMs / bearerMs).toFixed(2)),
      loadAverage: os.loadavg()[0].toFixed(1),
    }),
  );
  await app.close();
} finally {
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
