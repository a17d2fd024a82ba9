import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../src/core/accounts/accounts.js';
import { claimJobs, dueJobIds, nextDueAt } from '../src/core/jobs/claim-jobs.js';
import { LeaseLost, failJobRun, renewLease, retryDelay, saveJobProgress } from '../src/core/jobs/job-lease.js';
import { startJobWorker, type JobHandlers } from '../src/core/jobs/job-worker.js';
import { createJob, findJob } from '../src/core/jobs/jobs.js';
import { sweepJobs } from '../src/core/jobs/sweep-jobs.js';
import { FIXED_NOW } from './helpers/clock.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';
import { waitUntil } from './helpers/wait.js';

// The jobs table and its claimer: leases, re-claim after expiry, retries, one runner per job.
describe.each(dialects())('jobs on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t?.destroy());

  let n = 0;
  const account = async () => (await createAccount(t.db, `jobs-${++n}`)).id;
  const row = (id: number) => t.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('claims a due job with a lease, and claims it again once the lease expires (the old run can no longer write)', async () => {
    const accountId = await account();
    const kind = `lease-${n}`;
    const id = await createJob(t.db, accountId, { kind, payload: { x: 1 } }, FIXED_NOW);
    expect(await claimJobs(t.db, [{ kind, limit: 1 }], { leaseMs: 1000, now: FIXED_NOW - 1 })).toEqual([]); // not due yet
    const [first] = await claimJobs(t.db, [{ kind, limit: 1 }], { leaseMs: 1000, now: FIXED_NOW });
    expect(first).toMatchObject({ id, status: 'running', attempts: 1, due_at: FIXED_NOW + 1000, started_at: FIXED_NOW });
    // held: nobody else gets it while the lease runs, and renewing pushes the end out
    expect(await claimJobs(t.db, [{ kind, limit: 1 }], { leaseMs: 1000, now: FIXED_NOW + 999 })).toEqual([]);
    await renewLease(t.db, first, 1000, FIXED_NOW + 500);
    expect(await claimJobs(t.db, [{ kind, limit: 1 }], { leaseMs: 1000, now: FIXED_NOW + 1200 })).toEqual([]);
    // the worker died: after the lease another claim takes it, as a second attempt
    const [second] = await claimJobs(t.db, [{ kind, limit: 1 }], { leaseMs: 1000, now: FIXED_NOW + 1500 });
    expect(second).toMatchObject({ id, attempts: 2 });
    expect(second.lease_token).not.toBe(first.lease_token);
    await expect(saveJobProgress(t.db, first, { step: 'stale' }, 1000)).rejects.toBeInstanceOf(LeaseLost);
    await expect(renewLease(t.db, first, 1000)).rejects.toBeInstanceOf(LeaseLost);
    await saveJobProgress(t.db, second, { step: 2 }, 1000, FIXED_NOW + 1600);
    expect(await row(id)).toMatchObject({ progress: '{"step":2}', due_at: FIXED_NOW + 2600 });
  });

  it('retries a failed run after a backoff, and fails for good when its attempts are spent', async () => {
    const accountId = await account();
    const kind = `retry-${n}`;
    const id = await createJob(t.db, accountId, { kind, payload: null, maxAttempts: 2 }, FIXED_NOW);
    const [run1] = await claimJobs(t.db, [{ kind, limit: 1 }], { leaseMs: 60_000, now: FIXED_NOW });
    expect(await failJobRun(t.db, run1, 'boom', 1000, FIXED_NOW)).toBe('queued');
    const queued = await row(id);
    expect(queued).toMatchObject({ status: 'queued', last_error: 'boom', lease_token: null });
    expect(queued.due_at).toBeGreaterThanOrEqual(FIXED_NOW + 800);
    expect(await claimJobs(t.db, [{ kind, limit: 1 }], { leaseMs: 60_000, now: FIXED_NOW + 500 })).toEqual([]);
    const [run2] = await claimJobs(t.db, [{ kind, limit: 1 }], { leaseMs: 60_000, now: FIXED_NOW + 1300 });
    expect(run2.attempts).toBe(2);
    expect(await failJobRun(t.db, run2, 'boom again', 1000, FIXED_NOW + 1400)).toBe('failed');
    expect(await row(id)).toMatchObject({ status: 'failed', last_error: 'boom again', finished_at: FIXED_NOW + 1400, due_at: null });
    expect(await claimJobs(t.db, [{ kind, limit: 1 }], { leaseMs: 60_000, now: FIXED_NOW + 999_999 })).toEqual([]);
    // backoff doubles, with jitter, and is capped
    expect(retryDelay(1, 1000, () => 0.5)).toBe(1000);
    expect(retryDelay(3, 1000, () => 0.5)).toBe(4000);
    expect(retryDelay(30, 1000, () => 0.5)).toBe(3_600_000);
  });

  it('fails a job whose lease expired on its last attempt, and deletes abandoned drafts', async () => {
    const accountId = await account();
    const kind = `sweep-${n}`;
    const id = await createJob(t.db, accountId, { kind, payload: null, maxAttempts: 1 }, FIXED_NOW);
    await claimJobs(t.db, [{ kind, limit: 1 }], { leaseMs: 1000, now: FIXED_NOW });
    const draft = await createJob(t.db, accountId, { kind, payload: null, draft: true }, FIXED_NOW);
    expect(await findJob(t.db, accountId, draft, kind)).toBeUndefined(); // drafts are not shown
    await sweepJobs(t.db, { now: FIXED_NOW + 2 * 86_400_000 });
    expect(await row(id)).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/stopped on every attempt/) });
    expect(await t.db.selectFrom('jobs').select('id').where('id', '=', draft).execute()).toEqual([]);
  });

  it('never hands one job to two claimers at once', async () => {
    const accountId = await account();
    const kind = `race-${n}`;
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) ids.push(await createJob(t.db, accountId, { kind, payload: i }, FIXED_NOW));
    const claimer = async () => {
      const got: number[] = [];
      for (;;) {
        const jobs = await claimJobs(t.db, [{ kind, limit: 2 }], { leaseMs: 60_000, now: FIXED_NOW });
        if (jobs.length === 0) return got;
        got.push(...jobs.map((j) => j.id));
      }
    };
    const claimed = (await Promise.all([claimer(), claimer(), claimer(), claimer()])).flat();
    expect(claimed).toHaveLength(30);
    expect(new Set(claimed).size).toBe(30);
    expect([...claimed].sort((a, b) => a - b)).toEqual(ids);
  });

  it('runs each job once across two workers, from a registry of handlers by kind, and stops cleanly', async () => {
    const accountId = await account();
    const kind = `workers-${n}`;
    const runs = new Map<number, number>();
    const handlers: JobHandlers = {
      [kind]: {
        async run({ job, payload, saveProgress, db }) {
          runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
          await db.transaction().execute((trx) => saveProgress(trx, { doubled: (payload as number) * 2 }));
        },
      },
    };
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push(await createJob(t.db, accountId, { kind, payload: i }));
    const workers = [startJobWorker({ db: t.db, handlers, pollMs: 10, concurrency: 2 }), startJobWorker({ db: t.db, handlers, pollMs: 10, concurrency: 2 })];
    try {
      await waitUntil(
        async () => (await t.db.selectFrom('jobs').select('id').where('kind', '=', kind).where('status', '=', 'succeeded').execute()).length === 12,
        { what: 'every job to succeed' },
      );
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    expect([...runs.keys()].sort((a, b) => a - b)).toEqual(ids);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    const done = await row(ids[5]);
    expect(done).toMatchObject({ status: 'succeeded', progress: '{"doubled":10}', lease_token: null, attempts: 1 });
  });

  it('hands a running job back when the worker stops, without counting the attempt', async () => {
    const accountId = await account();
    const kind = `stop-${n}`;
    let started = false;
    const handlers: JobHandlers = {
      [kind]: {
        run: ({ signal }) =>
          new Promise((_resolve, reject) => {
            started = true;
            signal.addEventListener('abort', () => reject(signal.reason));
          }),
      },
    };
    const id = await createJob(t.db, accountId, { kind, payload: null });
    const worker = startJobWorker({ db: t.db, handlers, pollMs: 10 });
    await waitUntil(() => started, { what: 'the job to start' });
    await worker.stop();
    expect(await row(id)).toMatchObject({ status: 'queued', attempts: 0, lease_token: null });
  });

  it('claims every kind up to its own room in one claim, oldest due first, and never one job twice', async () => {
    const accountId = await account();
    const [a, b, idle] = [`room-a-${n}`, `room-b-${n}`, `room-idle-${n}`];
    const as = [];
    for (let i = 0; i < 3; i++) as.push(await createJob(t.db, accountId, { kind: a, payload: { i }, runAt: FIXED_NOW - 100 + i }, FIXED_NOW));
    const bs = [];
    for (let i = 0; i < 2; i++) bs.push(await createJob(t.db, accountId, { kind: b, payload: { i }, runAt: FIXED_NOW - 100 + i }, FIXED_NOW));
    await createJob(t.db, accountId, { kind: b, payload: {}, runAt: FIXED_NOW + 60_000 }, FIXED_NOW); // not due
    const rooms = [
      { kind: a, limit: 2 },
      { kind: b, limit: 5 },
      { kind: idle, limit: 3 },
    ];
    const [first, second] = await Promise.all([
      claimJobs(t.db, rooms, { leaseMs: 60_000, now: FIXED_NOW }),
      claimJobs(t.db, rooms, { leaseMs: 60_000, now: FIXED_NOW }),
    ]);
    const ids = [...first, ...second].map((job) => job.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((x, y) => x - y)).toEqual([...as, ...bs].sort((x, y) => x - y));
    // each claim took at most its room of a kind
    for (const claim of [first, second]) expect(claim.filter((job) => job.kind === a).length).toBeLessThanOrEqual(2);
    expect(first.every((job) => job.status === 'running' && job.attempts === 1 && job.due_at === FIXED_NOW + 60_000)).toBe(true);
    const alone = await claimJobs(t.db, [{ kind: a, limit: 2 }], { leaseMs: 60_000, now: FIXED_NOW });
    expect(alone).toEqual([]);
    const single = await claimJobs(t.db, [{ kind: a, limit: 1 }], { leaseMs: 60_000, now: FIXED_NOW + 60_001 });
    expect(single.map((job) => job.id)).toEqual([as[0]]); // the leases expired: the oldest due first
  });

  it("says when a kind's next job falls due, from the kinds given only", async () => {
    const accountId = await account();
    const [soon, later, none] = [`soon-${n}`, `later-${n}`, `none-${n}`];
    await createJob(t.db, accountId, { kind: later, payload: {}, runAt: FIXED_NOW + 2000 }, FIXED_NOW);
    await createJob(t.db, accountId, { kind: soon, payload: {}, runAt: FIXED_NOW + 1000 }, FIXED_NOW);
    await createJob(t.db, accountId, { kind: soon, payload: {}, runAt: FIXED_NOW + 3000 }, FIXED_NOW);
    expect(await nextDueAt(t.db, [later, soon, none])).toBe(FIXED_NOW + 1000);
    expect(await nextDueAt(t.db, [later, none])).toBe(FIXED_NOW + 2000);
    expect(await nextDueAt(t.db, [none])).toBeUndefined();
    // a claimed job counts from its lease's end
    await claimJobs(t.db, [{ kind: soon, limit: 1 }], { leaseMs: 10_000, now: FIXED_NOW + 1000 });
    expect(await nextDueAt(t.db, [soon])).toBe(FIXED_NOW + 3000);
  });

  // A claim for a kind with nothing due must not read the other kinds' backlog (24,000 queued
  // e-mails made every empty claim of every worker loop scan them all): the plan says so.
  it("claims a kind through the jobs_due index by kind, not by scanning other kinds' due jobs", async () => {
    const query = dueJobIds(t.db, FIXED_NOW, 'messaging.send', 8).compile();
    if (dialect === 'sqlite') {
      const { rows } = await t.db.executeQuery<{ detail: string }>({ ...query, sql: `explain query plan ${query.sql}` });
      expect(rows.map((r) => r.detail).join('\n')).toMatch(/USING INDEX jobs_due \(kind=\? AND due_at<\?\)/);
    } else {
      const plan = await t.db.transaction().execute(async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx);
        return trx.executeQuery<{ 'QUERY PLAN': string }>({ ...query, sql: `explain ${query.sql}` });
      });
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toMatch(/using jobs_due on jobs/);
      expect(text).toMatch(/Index Cond: \(\(kind = /);
    }
  });
});
