import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOauthClient } from '../src/core/accounts/oauth.js';
import { claimJobs } from '../src/core/jobs/claim-jobs.js';
import { startJobWorker, type JobWorker } from '../src/core/jobs/job-worker.js';
import { createGuest } from '../src/core/guests/guests.js';
import { attemptDelivery } from '../src/core/outbound/deliver.js';
import { createOutboundClient, RefusedAddress, type OutboundClient } from '../src/core/outbound/http-client.js';
import { DELIVERY_JOB_KIND, listDeliveries, sweepDeliveries } from '../src/core/outbox/deliveries.js';
import { enqueueStayCallbacks } from '../src/core/stays/stay-callback-events.js';
import { replaceStayCallback } from '../src/core/stays/stay-callbacks.js';
import { upsertStayByRef } from '../src/core/stays/stays.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { jobHandlers } from '../src/server/job-handlers.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { waitUntil } from './helpers/wait.js';
import { writeContext } from '../src/core/shared/write-context.js';

// The durable outbox with a real local receiver: signed Standard Webhooks deliveries, retries on
// a shortened schedule (the test knob: no sleeps), 410, replay, nothing sent for a rolled-back
// change, lease reclaim, account isolation, stay callbacks, and connect-time address refusal.

/** Three quick retries, then the next is past the delivery's short life: dead after 4 failures. */
const FAST = { delaysMs: [20, 20, 20], laterMs: 600_000, lifetimeMs: 300_000 };

describe.each(dialects())('outbox and webhooks on %s', (dialect) => {
  let t: TestApp;
  let worker: JobWorker | undefined;
  let outbound: OutboundClient;
  let receiver: Receiver;

  beforeAll(async () => {
    t = await createTestApp(dialect, { ALLOW_PRIVATE_CALLBACK_URLS: 'true' });
    outbound = createOutboundClient({ allowPrivate: true, timeoutMs: 5_000 });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await worker?.stop();
    await outbound?.close();
    await receiver?.close();
    await t?.close();
  });

  const startWorker = () => {
    worker ??= startJobWorker({
      db: t.database.db,
      handlers: jobHandlers({ config: t.config, secrets: t.secrets, outbound, retrySchedule: FAST }),
      pollMs: 10,
      leaseMs: 5_000,
    });
  };
  const admin = (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url: `/admin/v1${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  async function subscribed(path: string, events: string[] = ['guest.created']) {
    const { account, adminToken } = await createTestAccount(t);
    const res = await admin(adminToken, 'POST', '/webhooks', { url: `${receiver.url}${path}`, events });
    expect(res.statusCode).toBe(201);
    const webhook = res.json();
    expect(webhook.secret).toMatch(/^whsec_/);
    return { accountId: account.id, adminToken, webhook };
  }
  const newGuest = (accountId: number, email: string) =>
    inWriteTransaction(t.database.db, (trx) => createGuest(writeContext(trx, accountId), { email, firstName: 'Ada' }));
  const at = (path: string) => receiver.received.filter((r) => r.url === path);
  /** The first request to `path`, once it has arrived. */
  const arrived = async (path: string) => (await waitUntil(() => at(path)[0], { what: `a request to ${path}` }))!;

  it('a delivery claimed by a worker that died is taken again once its lease expires', async () => {
    const { accountId } = await subscribed('/lease');
    await newGuest(accountId, 'lease@example.com');
    const now = Date.now();
    const [first] = await claimJobs(t.database.db, [{ kind: DELIVERY_JOB_KIND, limit: 1 }], { leaseMs: 60_000, now, workerId: 'dead' });
    expect(first).toBeDefined();
    expect(await claimJobs(t.database.db, [{ kind: DELIVERY_JOB_KIND, limit: 1 }], { leaseMs: 60_000, now: now + 30_000 })).toEqual([]);
    const [again] = await claimJobs(t.database.db, [{ kind: DELIVERY_JOB_KIND, limit: 1 }], { leaseMs: 60_000, now: now + 61_000 });
    expect(again.id).toBe(first.id);
    expect(again.attempts).toBe(2);
    // Handed back for the worker started below (its lease, in its future, ends now).
    await t.database.db.updateTable('jobs').set({ due_at: Date.now() }).where('id', '=', again.id).execute();
    startWorker();
    await waitUntil(() => at('/lease').length === 1, { what: 'the reclaimed delivery' });
  });

  it('delivers a signed Standard Webhooks request after the change commits', async () => {
    startWorker();
    const { accountId, adminToken, webhook } = await subscribed('/signed');
    const guest = await newGuest(accountId, 'signed@example.com');
    const req = await arrived('/signed');
    const body = new Webhook(webhook.secret).verify(req.body, req.headers as Record<string, string>) as {
      type: string;
      timestamp: string;
      data: { id: number; email: string; firstName: string };
    };
    expect(body.type).toBe('guest.created');
    expect(body.data).toMatchObject({ id: guest.id, email: 'signed@example.com', firstName: 'Ada' });
    expect(Date.parse(body.timestamp)).toBeGreaterThan(0);
    const list = await waitUntil(async () => {
      const res = (await admin(adminToken, 'GET', '/deliveries?status=delivered')).json();
      return res.deliveries.length === 1 ? res.deliveries : undefined;
    });
    expect(list[0]).toMatchObject({ eventType: 'guest.created', status: 'delivered', attempts: 1, messageId: req.headers['webhook-id'] });
    const shown = (await admin(adminToken, 'GET', `/deliveries/${list[0].id}`)).json();
    expect(shown.attemptLog).toHaveLength(1);
    expect(shown.attemptLog[0]).toMatchObject({ statusCode: 200, outcome: 'delivered', responseExcerpt: 'ok' });
  });

  it('a receiver that fails three times gets the event once more, every attempt recorded with one webhook-id', async () => {
    startWorker();
    const { accountId, adminToken } = await subscribed('/flaky');
    receiver.answer(500, 503, 302);
    await newGuest(accountId, 'flaky@example.com');
    const delivered = await waitUntil(async () => {
      const res = (await admin(adminToken, 'GET', '/deliveries?status=delivered')).json();
      return res.deliveries[0];
    });
    const requests = at('/flaky');
    expect(requests).toHaveLength(4);
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const attempts = (await admin(adminToken, 'GET', `/deliveries/${delivered.id}`)).json().attemptLog;
    expect(attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 503, 302, 200]);
    expect(attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['failed', 'failed', 'failed', 'delivered']);
    expect(attempts[0].responseExcerpt.length).toBeLessThanOrEqual(1024);
    expect(attempts.every((a: { latencyMs: number }) => a.latencyMs >= 0)).toBe(true);
  });

  it('410 Gone disables the subscription and ends the delivery', async () => {
    startWorker();
    const { accountId, adminToken, webhook } = await subscribed('/gone');
    receiver.answer(410);
    await newGuest(accountId, 'gone@example.com');
    const disabled = await waitUntil(async () => {
      const res = (await admin(adminToken, 'GET', `/webhooks/${webhook.id}`)).json();
      return res.enabled ? undefined : res;
    });
    expect(disabled.disabledReason).toMatch(/410/);
    const dead = (await admin(adminToken, 'GET', '/deliveries?status=dead')).json().deliveries;
    expect(dead).toHaveLength(1);
    // A disabled subscription hears of nothing more.
    await newGuest(accountId, 'gone2@example.com');
    expect((await admin(adminToken, 'GET', '/deliveries')).json().deliveries).toHaveLength(1);
  });

  it('a dead delivery is replayed with a new life and the same webhook-id', async () => {
    startWorker();
    const { accountId, adminToken } = await subscribed('/dead');
    receiver.answer(500, 500, 500, 500);
    await newGuest(accountId, 'dead@example.com');
    const dead = await waitUntil(async () => (await admin(adminToken, 'GET', '/deliveries?status=dead')).json().deliveries[0]);
    expect(dead.attempts).toBe(4);
    expect((await admin(adminToken, 'POST', `/deliveries/${dead.id}/replay`)).statusCode).toBe(202);
    const delivered = await waitUntil(async () => (await admin(adminToken, 'GET', '/deliveries?status=delivered')).json().deliveries[0]);
    expect(delivered.attempts).toBe(5);
    expect(new Set(at('/dead').map((r) => r.headers['webhook-id'])).size).toBe(1);
    // A pending or unknown one is refused.
    expect((await admin(adminToken, 'POST', '/deliveries/999999999/replay')).statusCode).toBe(404);
  });

  it('a rolled-back change enqueues nothing and sends nothing', async () => {
    startWorker();
    const { accountId } = await subscribed('/rollback');
    await expect(
      inWriteTransaction(t.database.db, async (trx) => {
        await createGuest(writeContext(trx, accountId), { email: 'rollback@example.com' });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await listDeliveries(t.database.db, accountId)).toEqual([]);
    // A later committed change is delivered, and it is the only request.
    await newGuest(accountId, 'after@example.com');
    await waitUntil(() => at('/rollback').length === 1);
    expect(JSON.parse(at('/rollback')[0].body).data.email).toBe('after@example.com');
  });

  it('an account sees only its own webhooks and deliveries', async () => {
    const a = await subscribed('/isolation-a');
    const b = await createTestAccount(t);
    await newGuest(a.accountId, 'iso@example.com');
    const delivery = (await admin(a.adminToken, 'GET', '/deliveries')).json().deliveries[0];
    expect(delivery).toBeDefined();
    expect((await admin(b.adminToken, 'GET', '/deliveries')).json().deliveries).toEqual([]);
    expect((await admin(b.adminToken, 'GET', `/deliveries/${delivery.id}`)).statusCode).toBe(404);
    expect((await admin(b.adminToken, 'POST', `/deliveries/${delivery.id}/replay`)).statusCode).toBe(404);
    expect((await admin(b.adminToken, 'GET', `/webhooks/${a.webhook.id}`)).statusCode).toBe(404);
    expect((await admin(b.adminToken, 'DELETE', `/webhooks/${a.webhook.id}`)).statusCode).toBe(404);
  });

  it('manages subscriptions: bad input is a 400, disable/enable, test event, delete', async () => {
    startWorker();
    const { account, adminToken } = await createTestAccount(t);
    expect((await admin(adminToken, 'POST', '/webhooks', { url: 'ftp://x', events: ['guest.created'] })).statusCode).toBe(400);
    const unknown = await admin(adminToken, 'POST', '/webhooks', { url: `${receiver.url}/m`, events: ['guest.exploded'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/guest.exploded/);
    const created = (await admin(adminToken, 'POST', '/webhooks', { url: `${receiver.url}/manage`, events: ['*'] })).json();
    expect(created.events).toEqual(['*']);
    const listed = (await admin(adminToken, 'GET', '/webhooks')).json().webhooks;
    expect(listed).toHaveLength(1);
    expect(listed[0].secret).toBeUndefined();
    expect((await admin(adminToken, 'POST', `/webhooks/${created.id}/disable`)).json().enabled).toBe(false);
    await newGuest(account.id, 'quiet@example.com');
    expect(await listDeliveries(t.database.db, account.id)).toEqual([]);
    expect((await admin(adminToken, 'POST', `/webhooks/${created.id}/enable`)).json().enabled).toBe(true);
    const test = await admin(adminToken, 'POST', `/webhooks/${created.id}/test`);
    expect(test.statusCode).toBe(202);
    const req = await arrived('/manage');
    const body = new Webhook(created.secret).verify(req.body, req.headers as Record<string, string>) as { type: string };
    expect(body.type).toBe('webhook.test');
    expect((await admin(adminToken, 'DELETE', `/webhooks/${created.id}`)).statusCode).toBe(204);
    expect((await admin(adminToken, 'GET', `/webhooks/${created.id}`)).statusCode).toBe(404);
  });

  it('lists every event type with its payload in the OpenAPI webhooks section', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/admin/openapi.json' })).json();
    expect(Object.keys(doc.webhooks)).toEqual(expect.arrayContaining(['guest.created', 'stay.status_changed', 'feedback.received', 'chat.message']));
    expect(doc.webhooks['guest.created'].post.requestBody.content['application/json'].schema.properties.data.properties.email).toBeDefined();
    expect(doc.paths['/v1/webhooks']).toBeDefined();
    expect(doc.paths['/v1/deliveries/{id}/replay']).toBeDefined();
  });

  it('sends a stay callback the LooponEvent with the token as registered', async () => {
    startWorker();
    const { account } = await createTestAccount(t);
    const db = t.database.db;
    const { client } = await createOauthClient(db, account.id, { scopes: ['basic'] }, ['basic']);
    const guest = await newGuest(account.id, 'stay@example.com');
    const stay = await inWriteTransaction(db, (trx) => upsertStayByRef(writeContext(trx, account.id), guest.id, 'test', 'ref-1', { room: '101' }));
    await replaceStayCallback(db, t.secrets, account.id, stay.id, client.id, { url: `${receiver.url}/callback`, auth: 'bearer', authToken: 'tok en/1' });
    const event = { sessionId: 'sess-1', created: '2026-11-16T12:00:00.000Z', type: 'chatMessage', id: 7, content: 'hello' };
    await inWriteTransaction(db, async (trx) => {
      expect(await enqueueStayCallbacks(writeContext(trx, account.id), { stayId: stay.id, event })).toHaveLength(1);
      // typing indicators never reach a callback
      expect(await enqueueStayCallbacks(writeContext(trx, account.id), { stayId: stay.id, event: { ...event, type: 'typingIndicator' } })).toEqual([]);
    });
    const req = await arrived('/callback');
    expect(req.headers.authorization).toBe('Bearer tok en/1');
    expect(JSON.parse(req.body)).toEqual(event);
    expect(req.headers['webhook-id']).toMatch(/^msg_/);
  });

  it('refuses private addresses at connect time unless allowed', async () => {
    const strict = createOutboundClient({ allowPrivate: false, timeoutMs: 5_000 });
    try {
      const before = receiver.received.length;
      for (const url of [
        `http://localhost:${receiver.port}/x`,
        `http://127.0.0.1:${receiver.port}/x`,
        `http://[::1]:${receiver.port}/x`,
        'http://169.254.169.254/latest',
      ]) {
        const err = await strict.post(url, {}, '{}').then(
          () => undefined,
          (e: unknown) => e,
        );
        const refused = err instanceof RefusedAddress || (err as { cause?: unknown })?.cause instanceof RefusedAddress;
        expect(refused, `${url}: ${String(err)}`).toBe(true);
      }
      expect(receiver.received.length).toBe(before);
    } finally {
      await strict.close();
    }
    // The same delivery through a strict client is a failed attempt naming the refusal.
    const { accountId } = await subscribed('/strict');
    await worker?.stop();
    worker = undefined;
    await newGuest(accountId, 'strict@example.com');
    const [delivery] = await listDeliveries(t.database.db, accountId);
    const client = createOutboundClient({ allowPrivate: false });
    try {
      const result = await attemptDelivery(t.database.db, { secrets: t.secrets, client, schedule: FAST }, accountId, delivery.id);
      expect(result.outcome).toBe('failed');
      expect(result.error).toMatch(/refused to connect/);
    } finally {
      await client.close();
    }
    expect(at('/strict')).toEqual([]);
  });
  it('/readyz fails only while due deliveries stay unclaimed; openstay_outbox_due counts them', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await worker?.stop();
    worker = undefined;
    const { accountId, adminToken } = await subscribed('/stalled');
    await newGuest(accountId, 'stalled@example.com');
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(Number(/^openstay_outbox_due (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    // Due for three minutes and no worker took it: the workers are stalled.
    await t.database.db
      .updateTable('jobs')
      .set({ due_at: Date.now() - 180_000 })
      .where('account_id', '=', accountId)
      .execute();
    const stalled = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(stalled.statusCode).toBe(503);
    expect(stalled.json().outbox).toBe('stalled');
    startWorker();
    await waitUntil(async () => (await admin(adminToken, 'GET', '/deliveries?status=delivered')).json().deliveries.length === 1);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('sweeps finished deliveries after their retention, keeping pending ones', async () => {
    const { accountId } = await subscribed('/sweep');
    await newGuest(accountId, 'sweep-delivered@example.com');
    const delivered = await waitUntil(async () => (await listDeliveries(t.database.db, accountId)).find((d) => d.status === 'delivered'), {
      what: 'a delivered delivery',
    });
    await worker?.stop();
    worker = undefined;
    await newGuest(accountId, 'sweep@example.com');
    const pending = (await listDeliveries(t.database.db, accountId)).find((d) => d.status === 'pending')!;
    // not yet past its retention
    expect(await sweepDeliveries(t.database.db, accountId, Date.now() - 86_400_000)).toBe(0);
    expect(await sweepDeliveries(t.database.db, accountId, Date.now() + 10 * 86_400_000)).toBe(1);
    expect((await listDeliveries(t.database.db, accountId)).map((d) => d.id)).toEqual([pending.id]);
    const attempts = await t.database.db
      .selectFrom('delivery_attempts')
      .select('id')
      .where('account_id', '=', accountId)
      .where('delivery_id', '=', delivered!.id)
      .execute();
    expect(attempts).toEqual([]);
  });
});
