import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, runCli, startServer } from './helpers/cli.js';
import { dialects, createTestDatabase, type TestDatabase } from './helpers/database.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { waitUntil } from './helpers/wait.js';

// The real process: a server killed with SIGKILL while its delivery waits for the receiver; once
// restarted (or by any instance) the delivery is taken again when its lease ends and delivered,
// with the same webhook-id. JOB_LEASE_MS is shortened so the test waits 2 s, not 30.
describe.each(dialects())('outbox across a SIGKILL on %s', (dialect) => {
  let database: TestDatabase | undefined;
  let dir: string;
  let env: Record<string, string>;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-outbox-kill-'));
    if (dialect === 'postgres') database = await createTestDatabase(dialect);
    const url = database ? database.url : `sqlite:${path.join(dir, 'openstay.db')}`;
    env = { DATABASE_URL: url, ALLOW_PRIVATE_CALLBACK_URLS: 'true', JOB_LEASE_MS: '2000' };
  });
  afterAll(async () => {
    await receiver?.close();
    await database?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers after a restart what a killed process was sending, once more, with the same webhook-id', async () => {
    const created = await runCli(['account', 'create', 'killed', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const token = JSON.parse(created.stdout).admin.token as string;
    const call = (baseUrl: string, method: string, url: string, body?: unknown) =>
      fetch(`${baseUrl}/admin/v1${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });

    receiver.answer(0); // the first request is never answered: the server is killed meanwhile
    const first = await startServer(env);
    let deliveryId: number;
    try {
      const hook = (await (await call(first.baseUrl, 'POST', '/webhooks', { url: `${receiver.url}/killed`, events: ['*'] })).json()) as { id: number };
      const test = await call(first.baseUrl, 'POST', `/webhooks/${hook.id}/test`);
      expect(test.status).toBe(202);
      deliveryId = ((await test.json()) as { deliveryId: number }).deliveryId;
      await waitUntil(() => receiver.received.length === 1, { what: 'the first attempt' });
    } finally {
      first.child.kill('SIGKILL');
      await exited(first.child);
    }

    const second = await startServer(env);
    try {
      await waitUntil(() => receiver.received.length === 2, { what: () => `the delivery after the restart: ${second.output()}` });
      const [a, b] = receiver.received;
      expect(b.headers['webhook-id']).toBe(a.headers['webhook-id']);
      const shown = await waitUntil(async () => {
        const body = (await (await call(second.baseUrl, 'GET', `/deliveries/${deliveryId}`)).json()) as {
          status: string;
          attemptLog: Array<{ statusCode: number }>;
        };
        return body.status === 'delivered' ? body : undefined;
      });
      // The killed attempt left no record (the process died before it ended); the one after the restart did.
      expect(shown?.attemptLog.map((x) => x.statusCode)).toEqual([200]);
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  });
});
