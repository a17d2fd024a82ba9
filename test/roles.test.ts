import type { ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountWithCredentials } from '../src/core/accounts/provision.js';
import { exited, startServer } from './helpers/cli.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';
import { waitUntil } from './helpers/wait.js';

// ROLES splits what a process runs: a web process takes requests and queues jobs, a worker
// process runs them; both share the database.
describe.each(dialects())('ROLES on %s', (dialect) => {
  let t: TestDatabase;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    // All at once: each takes a moment to shut down cleanly; each must exit 0.
    for (const child of children) child.kill('SIGTERM');
    expect(await Promise.all(children.map((child) => exited(child)))).toEqual(children.map(() => 0));
    await t?.destroy();
  });

  it('a web-only process queues an import that a worker-only process runs; the worker serves no face', async () => {
    const { adminToken } = await createAccountWithCredentials(t.db, `roles-${dialect}`, 'Roles');
    const web = await startServer({ DATABASE_URL: t.url, ROLES: 'web' });
    children.push(web.child);
    expect(web.output()).toContain('"roles":["web"]');

    // Over 1 MiB: stored and answered 202; no worker runs in this process.
    const body = Array.from({ length: 150 }, () => 'x'.repeat(9000)).join('\n');
    const queued = await fetch(`${web.baseUrl}/admin/v1/imports/reputation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/x-ndjson' },
      body,
    });
    expect(queued.status, await queued.clone().text()).toBe(202);
    const { jobId } = (await queued.json()) as { jobId: number };
    const status = async () =>
      (await (await fetch(`${web.baseUrl}/admin/v1/imports/jobs/${jobId}`, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as {
        status: string;
        progress: { failedCount: number };
      };
    expect((await status()).status).toBe('queued');

    const worker = await startServer({ DATABASE_URL: t.url, ROLES: 'worker' });
    children.push(worker.child);
    const done = await waitUntil(
      async () => {
        const job = await status();
        return job.status === 'succeeded' || job.status === 'failed' ? job : undefined;
      },
      { timeout: 30_000, what: () => 'the worker process to run the job' },
    );
    expect(done).toMatchObject({ status: 'succeeded', progress: { failedCount: 150 } });

    expect((await fetch(`${worker.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${worker.baseUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${worker.baseUrl}/metrics`)).status).toBe(200);
    const face = await fetch(`${worker.baseUrl}/admin/v1/account`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(face.status).toBe(404);
  });

  it('a web-only process refuses WebSockets and a realtime-only one refuses plain requests', async () => {
    const { adminToken } = await createAccountWithCredentials(t.db, `roles-split-${dialect}`, 'Split');
    const web = await startServer({ DATABASE_URL: t.url, ROLES: 'web' });
    const realtime = await startServer({ DATABASE_URL: t.url, ROLES: 'realtime' });
    children.push(web.child, realtime.child);
    const upgrade = (baseUrl: string) =>
      new Promise<{ status?: number; close?: number }>((resolve) => {
        const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/loopon/chat/public/en/no-such-session`);
        ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
        ws.on('close', (code) => resolve({ close: code }));
        ws.on('error', () => undefined);
      });
    expect(await upgrade(web.baseUrl)).toEqual({ status: 404 });
    expect(await upgrade(realtime.baseUrl)).toEqual({ close: 4404 });
    const account = (baseUrl: string) => fetch(`${baseUrl}/admin/v1/account`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect((await account(web.baseUrl)).status).toBe(200);
    const refused = await account(realtime.baseUrl);
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { message: string }).message).toContain('ROLES=realtime');
    expect((await fetch(`${realtime.baseUrl}/healthz`)).status).toBe(200);
  });
});
