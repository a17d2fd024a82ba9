import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGuest } from '../src/core/guests/guests.js';
import { writeContext } from '../src/core/shared/write-context.js';
import { claimJobs } from '../src/core/jobs/claim-jobs.js';
import { startJobWorker, type JobWorker } from '../src/core/jobs/job-worker.js';
import { deliveryJobHandler, webhookSigner } from '../src/core/outbound/deliver.js';
import { createOutboundClient, type OutboundClient } from '../src/core/outbound/http-client.js';
import { DELIVERY_JOB_KIND, listDeliveries, listDeliveryAttempts, onDeliveryQueued, takeNewDeliveries } from '../src/core/outbox/deliveries.js';
import { finishAttempt } from '../src/core/outbox/delivery-batches.js';
import { afterCommit, inWriteTransaction } from '../src/db/write-transaction.js';
import { jobHandlers } from '../src/server/job-handlers.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { waitUntil } from './helpers/wait.js';

// The outbox's fast path: after-commit signals, deliveries born leased to this process's worker
// (no claim), reads and ends of attempts in batches, and what happens when a lease is lost.

describe('webhook signatures', () => {
  it('are what the standardwebhooks package computes and verifies', () => {
    for (let i = 0; i < 20; i++) {
      const secret = `whsec_${randomBytes(24 + i).toString('base64')}`;
      const body = JSON.stringify({ type: 'guest.created', data: { n: i, text: 'é\u2028' } });
      const at = 1_700_000_000 + i;
      const signature = webhookSigner(secret)!.sign(`msg_${i}`, at, body);
      expect(signature).toBe(new Webhook(secret).sign(`msg_${i}`, new Date(at * 1000), body));
    }
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const now = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': 'msg_x', 'webhook-timestamp': String(now), 'webhook-signature': webhookSigner(secret)!.sign('msg_x', now, '{"a":1}') };
    expect(new Webhook(secret).verify('{"a":1}', headers)).toEqual({ a: 1 });
    expect(webhookSigner('whsec_')).toBeUndefined();
  });
});

describe.each(dialects())('outbox batches on %s', (dialect) => {
  let t: TestApp;
  let outbound: OutboundClient;
  let receiver: Receiver;
  let worker: JobWorker | undefined;

  beforeAll(async () => {
    t = await createTestApp(dialect, { ALLOW_PRIVATE_CALLBACK_URLS: 'true' });
    outbound = createOutboundClient({ allowPrivate: true, timeoutMs: 5_000 });
    receiver = await startReceiver();
  });
  afterEach(async () => {
    takeNewDeliveries(undefined);
    onDeliveryQueued(undefined);
    await worker?.stop();
    worker = undefined;
  });
  afterAll(async () => {
    await outbound?.close();
    await receiver?.close();
    await t?.close();
  });

  const startWorker = (opts: { pollMs?: number; leaseMs?: number } = {}) => {
    worker = startJobWorker({
      db: t.database.db,
      handlers: jobHandlers({ config: t.config, secrets: t.secrets, outbound }),
      pollMs: opts.pollMs ?? 10,
      leaseMs: opts.leaseMs ?? 5_000,
    });
    return worker;
  };
  async function subscribed(path: string) {
    const { account, adminToken } = await createTestAccount(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/admin/v1/webhooks',
      headers: { authorization: `Bearer ${adminToken}` },
      payload: { url: `${receiver.url}${path}`, events: ['guest.created'] },
    });
    expect(res.statusCode).toBe(201);
    return account.id;
  }
  const newGuest = (accountId: number, email: string) =>
    inWriteTransaction(t.database.db, (trx) => createGuest(writeContext(trx, accountId), { email, firstName: 'Ada' }));
  const jobOf = async (deliveryId: number) => {
    const jobs = await t.database.db.selectFrom('jobs').selectAll().where('kind', '=', DELIVERY_JOB_KIND).execute();
    return jobs.find((j) => JSON.parse(j.payload).deliveryId === deliveryId);
  };
  const at = (path: string) => receiver.received.filter((r) => r.url === path);

  it('runs what a write registered with afterCommit once it committed, and nothing for a write rolled back', async () => {
    const accountId = await subscribed('/hooks-commit');
    const seen: string[] = [];
    await inWriteTransaction(t.database.db, async (trx) => {
      expect(afterCommit(trx, () => seen.push('committed'))).toBe(true);
      await createGuest(writeContext(trx, accountId), { email: 'hook@example.com' });
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(['committed']);
    await expect(
      inWriteTransaction(t.database.db, async (trx) => {
        afterCommit(trx, () => seen.push('rolled back'));
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(seen).toEqual(['committed']);
    // outside a transaction of inWriteTransaction there is nothing to hook on
    expect(afterCommit(t.database.db, () => seen.push('never'))).toBe(false);
  });

  it('a delivery written while the worker has room is born leased to it and sent after the commit, with no claim', async () => {
    const accountId = await subscribed('/born-leased');
    const w = startWorker({ pollMs: 60_000 }); // no poll: only the after-commit hand-over can run it
    takeNewDeliveries(w);
    let inside: { status: string; lease_token: string | null } | undefined;
    await inWriteTransaction(t.database.db, async (trx) => {
      await createGuest(writeContext(trx, accountId), { email: 'born@example.com' });
      const job = await trx
        .selectFrom('jobs')
        .select(['status', 'lease_token'])
        .where('kind', '=', DELIVERY_JOB_KIND)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      inside = job;
      // not sent before the commit
      expect(at('/born-leased')).toHaveLength(0);
    });
    expect(inside?.status).toBe('running');
    expect(inside?.lease_token).toBeTruthy();
    await waitUntil(() => at('/born-leased').length === 1, { what: 'the born-leased delivery' });
    const [delivery] = await listDeliveries(t.database.db, accountId);
    await waitUntil(async () => (await jobOf(delivery.id))?.status === 'succeeded', { what: 'its job to end' });
    expect(await jobOf(delivery.id)).toMatchObject({ status: 'succeeded', attempts: 1, lease_token: null });
    const attempts = await listDeliveryAttempts(t.database.db, accountId, delivery.id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ outcome: 'delivered', status_code: 200 });

    // rolled back: no delivery, no job, nothing sent
    const jobsBefore = (await t.database.db.selectFrom('jobs').select('id').execute()).length;
    await expect(
      inWriteTransaction(t.database.db, async (trx) => {
        await createGuest(writeContext(trx, accountId), { email: 'never@example.com' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await t.database.db.selectFrom('jobs').select('id').execute()).length).toBe(jobsBefore);
    expect(await listDeliveries(t.database.db, accountId)).toHaveLength(1);
  });

  it('a delivery born leased to a process that died is claimed by another worker once the lease expires', async () => {
    const accountId = await subscribed('/orphan');
    // A worker that gives leases and then dies before adopting anything.
    const dead = { leaseNew: () => ({ token: 'dead-process:1', leaseMs: 200 }), adopt: () => undefined };
    takeNewDeliveries(dead);
    await newGuest(accountId, 'orphan@example.com');
    takeNewDeliveries(undefined);
    const [delivery] = await listDeliveries(t.database.db, accountId);
    expect(await jobOf(delivery.id)).toMatchObject({ status: 'running', lease_token: 'dead-process:1', attempts: 1 });
    startWorker();
    await waitUntil(() => at('/orphan').length === 1, { what: 'the orphaned delivery' });
    await waitUntil(async () => (await jobOf(delivery.id))?.status === 'succeeded', { what: 'its job to end' });
    expect((await jobOf(delivery.id))?.attempts).toBe(2);
    expect(at('/orphan')).toHaveLength(1);
  });

  it('delivers a burst, more than the worker runs at once, each event once and every attempt recorded', async () => {
    const accountId = await subscribed('/burst');
    const w = startWorker();
    takeNewDeliveries(w);
    onDeliveryQueued(() => w.wake());
    const count = 150; // above the 128 in flight: the rest are queued and claimed
    await Promise.all(Array.from({ length: count }, (_, i) => newGuest(accountId, `burst${i}@example.com`)));
    await waitUntil(() => at('/burst').length >= count, { what: 'every delivery of the burst', timeout: 30_000 });
    const ids = at('/burst').map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(count);
    const delivered = (await waitUntil(async () => {
      const rows = await listDeliveries(t.database.db, accountId, { status: 'delivered', limit: 1000 });
      return rows.length === count ? rows : undefined;
    }))!;
    const attempts = await t.database.db.selectFrom('delivery_attempts').select(['delivery_id', 'outcome']).where('account_id', '=', accountId).execute();
    expect(attempts).toHaveLength(count);
    expect(new Set(attempts.map((a) => Number(a.delivery_id)))).toEqual(new Set(delivered.map((d) => Number(d.id))));
    await waitUntil(async () => {
      const jobs = await Promise.all(delivered.map((d) => jobOf(d.id)));
      return jobs.every((j) => j?.status === 'succeeded');
    });
    expect(at('/burst')).toHaveLength(count);
  });

  it('sends at most perOrigin deliveries at once to one receiver, putting the next back without an attempt, while others go out', async () => {
    const slow = await startReceiver();
    try {
      slow.answer(0, 0, 0, 0); // holds every request it gets
      const { account, adminToken } = await createTestAccount(t);
      for (const url of [`${slow.url}/slow`, `${receiver.url}/fast`]) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/admin/v1/webhooks',
          headers: { authorization: `Bearer ${adminToken}` },
          payload: { url, events: ['guest.created'] },
        });
        expect(res.statusCode).toBe(201);
      }
      worker = startJobWorker({
        db: t.database.db,
        handlers: { [DELIVERY_JOB_KIND]: deliveryJobHandler({ secrets: t.secrets, client: outbound, perOrigin: 2 }) },
        pollMs: 10,
        leaseMs: 5_000,
      });
      for (let i = 0; i < 3; i++) await newGuest(account.id, `fair${i}@example.com`);
      // every guest reaches the fast receiver; the slow one holds two requests and no more
      await waitUntil(() => at('/fast').length === 3 && slow.received.length === 2, { what: 'three fast deliveries and two held slow ones' });
      const slowPending = await waitUntil(async () => {
        const rows = (await listDeliveries(t.database.db, account.id, { status: 'pending' })).filter((d) => d.url.endsWith('/slow'));
        const jobs = await Promise.all(rows.map((d) => jobOf(d.id)));
        const put = jobs.find((j) => j?.status === 'queued' && j.attempts === 0 && (j.due_at ?? 0) > Date.now());
        return put ? rows : undefined;
      });
      expect(slowPending).toHaveLength(3);
      expect(slowPending?.every((d) => d.attempts === 0)).toBe(true);
      expect(slow.received).toHaveLength(2);
    } finally {
      await slow.close();
    }
  });

  it('records an attempt whose run lost its lease, and leaves the job to the run that holds it', async () => {
    // Earlier tests leave delivery jobs behind (written with no worker running, or put back by the
    // receiver that held them); once due, the claims below would take them first (oldest due first).
    await t.database.db
      .updateTable('jobs')
      .set({ status: 'failed', due_at: null, lease_token: null, last_error: 'left by an earlier test' })
      .where('kind', '=', DELIVERY_JOB_KIND)
      .where('status', 'in', ['queued', 'running'])
      .execute();
    const accountId = await subscribed('/lost');
    await newGuest(accountId, 'lost@example.com');
    const [delivery] = await listDeliveries(t.database.db, accountId);
    const now = Date.now();
    const [first] = await claimJobs(t.database.db, [{ kind: DELIVERY_JOB_KIND, limit: 1 }], { leaseMs: 10, now, workerId: 'slow' });
    const [second] = await claimJobs(t.database.db, [{ kind: DELIVERY_JOB_KIND, limit: 1 }], { leaseMs: 60_000, now: now + 20, workerId: 'other' });
    expect(second.id).toBe(first.id);
    const attempt = { at: now, statusCode: 200, latencyMs: 3, delivered: true, error: null, excerpt: 'ok' };
    expect(await finishAttempt(t.database.db, { job: first, delivery, attempt, nextAt: null })).toBe(false);
    expect(await jobOf(delivery.id)).toMatchObject({ status: 'running', lease_token: second.lease_token });
    expect(await listDeliveryAttempts(t.database.db, accountId, delivery.id)).toHaveLength(1);
    // the run that holds the lease ends it; a failure with a next time queues the job again
    const failed = { at: now + 30, statusCode: 500, latencyMs: 2, delivered: false, error: 'the receiver answered 500', excerpt: 'no' };
    expect(await finishAttempt(t.database.db, { job: second, delivery, attempt: failed, nextAt: now + 5_000 })).toBe(true);
    expect(await jobOf(delivery.id)).toMatchObject({ status: 'queued', due_at: now + 5_000, lease_token: null, last_error: 'the receiver answered 500' });
    const [row] = await listDeliveries(t.database.db, accountId);
    expect(row).toMatchObject({ status: 'pending', attempts: 2, last_error: 'the receiver answered 500' });
    expect(Number(row.next_attempt_at ?? 0)).toBe(now + 5_000);
    expect((await listDeliveryAttempts(t.database.db, accountId, delivery.id)).map((a) => a.outcome)).toEqual(['delivered', 'failed']);
  });
});
