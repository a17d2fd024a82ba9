import type { ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountWithCredentials } from '../src/core/accounts/provision.js';
import { CACHE_CHANNEL, onCacheNotice } from '../src/db/cache-notices.js';
import { startNoticeListener, type NoticeListener } from '../src/db/notices.js';
import { exited, startServer } from './helpers/cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { waitUntil } from './helpers/wait.js';

const quiet = { info: () => undefined, warn: () => undefined };

// Notices travel only on PostgreSQL: SQLite has one server process per database file.
describe.skipIf(!process.env.TEST_DATABASE_URL)('cache notices across processes (PostgreSQL only: LISTEN/NOTIFY)', () => {
  let t: TestDatabase;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    // All at once: each takes a moment to shut down cleanly.
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => exited(child)));
    await t?.destroy();
  });

  it('a Loop token revoked through one instance stops working on another at once', async () => {
    const { loopToken, adminToken } = await createAccountWithCredentials(t.db, 'notices', 'Notices');
    const env = { DATABASE_URL: t.url };
    const a = await startServer(env);
    const b = await startServer(env);
    children.push(a.child, b.child);
    const locations = (token: string) => fetch(`${b.baseUrl}/loop/api/v1/locations?authToken=${token}`);
    // Instance B now holds the token in its cache (kept there for 5 s without a notice).
    expect((await locations(loopToken)).status).toBe(200);
    expect((await locations(loopToken)).status).toBe(200);

    const issued = await fetch(`${a.baseUrl}/admin/v1/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'loop', revokeExisting: true }),
    });
    expect(issued.status).toBe(201);
    const revokedAt = Date.now();
    await waitUntil(async () => (await locations(loopToken)).status === 401, { timeout: 4_000, what: () => 'instance B to refuse the revoked token' });
    // Well inside the cache's 5 s: the notice, not the expiry, took it out.
    expect(Date.now() - revokedAt).toBeLessThan(4_000);
    const { token: fresh } = (await issued.json()) as { token: string };
    expect((await locations(fresh)).status).toBe(200);
  });

  describe('the listener', () => {
    let listener: NoticeListener | undefined;
    afterAll(async () => listener?.stop());

    it('hears notices sent by any connection, and after its connection is cut, reconnects and starts from empty caches', async () => {
      const heard: Array<number | undefined> = [];
      onCacheNotice('identity-blocklist', (accountId) => heard.push(accountId));
      const listeningPids = async () =>
        (
          await sql<{
            pid: number;
          }>`select pid from pg_stat_activity where datname = current_database() and application_name = 'openstay notices'`.execute(t.db)
        ).rows.map((row) => row.pid);
      const servers = new Set(await listeningPids()); // the instances of the test above
      listener = startNoticeListener({ connectionString: t.url, log: quiet, backoffMs: 20 });
      const listening = async () => (await listeningPids()).filter((pid) => !servers.has(pid)).map((pid) => ({ pid }));
      await waitUntil(async () => (await listening()).length === 1, { what: () => 'the listener to LISTEN' });
      // The connect itself clears every cache once (nothing is known of the time before it).
      await waitUntil(() => heard.includes(undefined), { what: () => 'the first clearing' });
      heard.length = 0;

      await sql`select pg_notify(${CACHE_CHANNEL}, ${JSON.stringify({ topic: 'identity-blocklist', accountId: 42 })})`.execute(t.db);
      await sql`select pg_notify(${CACHE_CHANNEL}, ${'not json'})`.execute(t.db);
      await sql`select pg_notify(${CACHE_CHANNEL}, ${JSON.stringify({ topic: 'no-such-topic', accountId: 1 })})`.execute(t.db);
      await waitUntil(() => heard.includes(42), { what: () => 'the notice for account 42' });

      const [{ pid }] = await listening();
      await sql`select pg_terminate_backend(${pid})`.execute(t.db);
      await waitUntil(async () => (await listening()).some((row) => row.pid !== pid), { timeout: 10_000, what: () => 'a new LISTEN connection' });
      await waitUntil(() => heard.includes(undefined), { what: () => 'the clearing after the gap' });
      expect(heard.filter((id) => id !== undefined)).toEqual([42]);
    });
  });
});
