import { sql } from 'kysely';
import { rowsSql, runRowsSql } from '../../db/values-list.js';
import type { Db } from '../../db/database.js';
import type { Job } from '../../db/schema.js';

/*
 * The writes of a running job. Each names the job's lease token and changes nothing when the
 * lease is no longer this run's (it expired and another worker claimed the job): then the run
 * must stop, and LeaseLost says so.
 */

/** The run's claim on the job was taken over; whatever it was doing must be rolled back. */
export class LeaseLost extends Error {
  constructor(jobId: number) {
    super(`job ${jobId}: lease lost (another worker has claimed it)`);
    this.name = 'LeaseLost';
  }
}

export type RunningJob = Pick<Job, 'id' | 'lease_token'>;

const mine = (db: Db, job: RunningJob) =>
  db
    .updateTable('jobs')
    .where('id', '=', job.id)
    .where('status', '=', 'running')
    .where('lease_token', '=', job.lease_token ?? '');

async function updated(query: Promise<{ numUpdatedRows: bigint }>, job: RunningJob): Promise<void> {
  const result = await query;
  if (Number(result.numUpdatedRows) !== 1) throw new LeaseLost(job.id);
}

/** Extends the lease to now + leaseMs; throws LeaseLost when it is gone. */
export async function renewLease(db: Db, job: RunningJob, leaseMs: number, now = Date.now()): Promise<void> {
  await updated(
    mine(db, job)
      .set({ due_at: now + leaseMs, updated_at: now })
      .executeTakeFirst(),
    job,
  );
}

/**
 * Saves the run's progress (JSON) and extends its lease. Call it in the transaction of the work
 * the progress describes: both commit or neither does, so a run taken over resumes exactly there.
 */
export async function saveJobProgress(trx: Db, job: RunningJob, progress: unknown, leaseMs: number, now = Date.now()): Promise<void> {
  await updated(
    mine(trx, job)
      .set({ progress: JSON.stringify(progress), due_at: now + leaseMs, updated_at: now })
      .executeTakeFirst(),
    job,
  );
}

/** The run succeeded: the job is done and its stored input is no longer needed. */
export async function completeJob(db: Db, job: RunningJob & Pick<Job, 'account_id'>, now = Date.now()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await updated(
      mine(trx, job).set({ status: 'succeeded', due_at: null, lease_token: null, last_error: null, updated_at: now, finished_at: now }).executeTakeFirst(),
      job,
    );
    await trx.deleteFrom('job_inputs').where('account_id', '=', job.account_id).where('job_id', '=', job.id).execute();
  });
}

/** Backoff before attempt `attempts + 1`: doubling from `baseMs`, at most an hour, ±20 % jitter. */
export function retryDelay(attempts: number, baseMs: number, random = Math.random): number {
  const delay = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 3_600_000);
  return Math.round(delay * (0.8 + 0.4 * random()));
}

/**
 * A handler's failure that sets its own schedule: the job is due again at `dueAt`, or with null
 * fails for good now (the outbox's retry schedule, which is not a doubling backoff).
 */
export class RetryAt extends Error {
  constructor(
    readonly dueAt: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'RetryAt';
  }
}

/**
 * The run failed: the job is queued again after a backoff (or at `retry.dueAt`), or fails for good
 * once its attempts are spent or `retry.dueAt` is null (its input is then deleted). Returns the
 * status it ends in.
 */
export async function failJobRun(
  db: Db,
  job: RunningJob & Pick<Job, 'account_id' | 'attempts' | 'max_attempts'>,
  error: string,
  backoffMs: number,
  now = Date.now(),
  retry?: { dueAt: number | null },
): Promise<'queued' | 'failed'> {
  const last_error = error.length > 1000 ? `${error.slice(0, 997)}...` : error;
  const again = retry ? retry.dueAt !== null : job.attempts < job.max_attempts;
  if (again) {
    const due_at = retry?.dueAt ?? now + retryDelay(job.attempts, backoffMs);
    await updated(mine(db, job).set({ status: 'queued', due_at, lease_token: null, last_error, updated_at: now }).executeTakeFirst(), job);
    return 'queued';
  }
  await db.transaction().execute(async (trx) => {
    await updated(
      mine(trx, job).set({ status: 'failed', due_at: null, lease_token: null, last_error, updated_at: now, finished_at: now }).executeTakeFirst(),
      job,
    );
    await trx.deleteFrom('job_inputs').where('account_id', '=', job.account_id).where('job_id', '=', job.id).execute();
  });
  return 'failed';
}

/**
 * The run was stopped on purpose (the worker is shutting down): the job is due again at once,
 * for any worker, and the interrupted attempt does not count.
 */
export async function releaseJob(db: Db, job: RunningJob, now = Date.now()): Promise<void> {
  await updated(
    mine(db, job).set({ status: 'queued', due_at: now, lease_token: null, attempts: sql<number>`attempts - 1`, updated_at: now }).executeTakeFirst(),
    job,
  );
}

/**
 * The run did not start its work and hands the job back, due at `dueAt` for any worker; this run
 * does not count as an attempt (a delivery whose receiver already has as many requests in flight
 * as it may).
 */
export async function postponeJob(db: Db, job: RunningJob, dueAt: number, now = Date.now()): Promise<void> {
  await updated(
    mine(db, job).set({ status: 'queued', due_at: dueAt, lease_token: null, attempts: sql<number>`attempts - 1`, updated_at: now }).executeTakeFirst(),
    job,
  );
}

/** How one run of a batch ended (endJobRuns). */
export interface JobRunEnd {
  job: RunningJob;
  /** succeeded; queued again at dueAt; failed for good */
  status: 'succeeded' | 'queued' | 'failed';
  dueAt?: number | null;
  error?: string | null;
  at: number;
}

/**
 * Ends many runs in one statement (call it in the transaction of the work they did): each as
 * completeJob or failJobRun would, and only where the run's lease still holds. Returns the ids
 * of the jobs it ended; a run missing from them lost its lease. For kinds without stored input
 * (job_inputs is not touched).
 */
export async function endJobRuns(trx: Db, ends: readonly JobRunEnd[], now = Date.now()): Promise<Set<number>> {
  if (ends.length === 0) return new Set();
  const rows = ends.map(({ job, status, dueAt, error, at }) => {
    const lastError = error && error.length > 1000 ? `${error.slice(0, 997)}...` : (error ?? null);
    return [
      job.id,
      job.lease_token ?? '',
      status,
      status === 'queued' ? (dueAt ?? at) : null,
      status === 'succeeded' ? null : lastError,
      status === 'queued' ? null : at,
    ];
  });
  const values = rowsSql(trx, rows, ['bigint', 'text', 'text', 'bigint', 'text', 'bigint']);
  const ended = await runRowsSql<{ id: number }>(
    trx,
    `update jobs set status = v.column3, due_at = v.column4, lease_token = null, last_error = v.column5, updated_at = ${Math.trunc(now)},
      finished_at = v.column6 from (values ${values.text}) as v
      where jobs.id = v.column1 and jobs.status = 'running' and jobs.lease_token = v.column2 returning jobs.id`,
    values.params,
  );
  return new Set(ended.rows.map((r) => Number(r.id)));
}
