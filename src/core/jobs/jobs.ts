import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.js';
import { insertRows } from '../../db/insert-rows.js';
import { prepared } from '../../db/prepared.js';
import { runRowsSql, type RowsSql } from '../../db/values-list.js';
import type { Job } from '../../db/schema.js';

/*
 * The jobs of background work (one table for every kind: imports now, the outbox's deliveries
 * later). A job is created queued, or as a draft while its input is still arriving (an import
 * body streamed into job_inputs), then queued; workers claim it (claim-jobs.ts) and run the
 * handler registered for its kind (job-worker.ts).
 */

export type JobStatus = 'draft' | 'queued' | 'running' | 'succeeded' | 'failed';

/** Attempts before a job fails for good, unless its kind says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 5;

export interface NewJob {
  kind: string;
  payload: unknown;
  /** a draft is never claimed: queueJob makes it runnable once its input is stored */
  draft?: boolean;
  maxAttempts?: number;
  /** when it may first run (default: now) */
  runAt?: number;
}

// Every outbox delivery creates a job in the transaction of its change: compiled once (prepared.ts).
const insertJob = prepared(
  (db, accountId: number, kind: string, status: string, payload: string, maxAttempts: number, dueAt: number | null, createdAt: number, updatedAt: number) =>
    db
      .insertInto('jobs')
      .values({
        account_id: accountId,
        kind,
        status,
        payload,
        attempts: 0,
        max_attempts: maxAttempts,
        due_at: dueAt,
        created_at: createdAt,
        updated_at: updatedAt,
      })
      .returning('id'),
);

/** Creates a job of the account and returns its id. */
export async function createJob(db: Db, accountId: number, job: NewJob, now = Date.now()): Promise<number> {
  const { rows } = await insertJob(
    db,
    accountId,
    job.kind,
    job.draft ? 'draft' : 'queued',
    JSON.stringify(job.payload ?? null),
    job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    job.draft ? null : (job.runAt ?? now),
    now,
    now,
  );
  return Number(rows[0].id);
}

/** A lease given by this process's worker to a job it is about to create (JobWorker.leaseNew). */
export interface NewJobLease {
  token: string;
  leaseMs: number;
}

const insertLeasedJob = prepared(
  (
    db,
    accountId: number,
    kind: string,
    payload: string,
    maxAttempts: number,
    token: string,
    dueAt: number,
    createdAt: number,
    updatedAt: number,
    startedAt: number,
  ) =>
    db
      .insertInto('jobs')
      .values({
        account_id: accountId,
        kind,
        status: 'running',
        payload,
        attempts: 1,
        max_attempts: maxAttempts,
        due_at: dueAt,
        lease_token: token,
        created_at: createdAt,
        updated_at: updatedAt,
        started_at: startedAt,
      })
      .returningAll(),
);

/**
 * Creates a job already claimed, with `lease`, as if the worker that gave the lease had claimed
 * it: no claim statement is needed. That worker runs it once the transaction commits
 * (JobWorker.adopt); if it never does (the process died), the lease expires and any worker claims
 * it, as it would a claimed job of a dead worker.
 */
export async function createLeasedJob(db: Db, accountId: number, job: Omit<NewJob, 'draft' | 'runAt'>, lease: NewJobLease, now = Date.now()): Promise<Job> {
  const { rows } = await insertLeasedJob(
    db,
    accountId,
    job.kind,
    JSON.stringify(job.payload ?? null),
    job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    lease.token,
    now + lease.leaseMs,
    now,
    now,
    now,
  );
  return rows[0];
}

/**
 * PostgreSQL: runs `rowInsert` (an `insert ... returning id` into the caller's own table) and
 * creates the job that works on that row in the same statement (a data-modifying CTE), the job's
 * payload `{"<idKey>": <the row's id>}`: one round trip instead of two on the hot path of the
 * outbox. Queued, or already leased with `lease` (see createLeasedJob). Returns the row's id and
 * the job. SQLite has no data-modifying CTE: the caller makes two statements there.
 */
export async function insertRowWithJob(
  db: Db,
  accountId: number,
  rowInsert: RawBuilder<unknown>,
  idKey: string,
  job: Omit<NewJob, 'draft' | 'runAt' | 'payload'>,
  lease: NewJobLease | undefined,
  now = Date.now(),
): Promise<{ rowId: number; job: Job }> {
  const maxAttempts = job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const status = lease ? 'running' : 'queued';
  const attempts = lease ? 1 : 0;
  const dueAt = lease ? now + lease.leaseMs : now;
  const { rows } = await sql<Job>`with r as (${rowInsert})
    insert into jobs (account_id, kind, status, payload, attempts, max_attempts, due_at, lease_token, created_at, updated_at, started_at)
    select ${accountId}::integer, ${job.kind}::text, ${status}::text, '{' || to_json(${idKey}::text)::text || ':' || r.id || '}', ${attempts}::integer,
      ${maxAttempts}::integer, ${dueAt}::bigint, ${lease?.token ?? null}::text, ${now}::bigint, ${now}::bigint, ${lease ? now : null}::bigint
    from r
    returning *`.execute(db);
  const created = rows[0];
  return { rowId: Number(jobPayload<Record<string, number>>(created)[idKey]), job: created };
}

/**
 * PostgreSQL: another module's multi-row insert and a queued job for each row it returns, in one
 * statement: one round trip inside the event's transaction instead of two (a rule firing's
 * messages and their send jobs). `rowsInsert` (db/insert-rows.ts pgInsertRowsSql) returns `id`,
 * `job_kind` (null: that row gets no job) and `due_at`; each job's payload is `{<idKey>: id}`.
 * Returns the inserted rows' ids, ascending (the order of the rows given).
 */
export async function insertRowsWithJobs(
  db: Db,
  accountId: number,
  rowsInsert: RowsSql,
  idKey: string,
  maxAttempts: number,
  now = Date.now(),
): Promise<number[]> {
  const n = rowsInsert.params.length;
  const text = `with r as (${rowsInsert.text}), j as (
      insert into jobs (account_id, kind, status, payload, attempts, max_attempts, due_at, created_at, updated_at)
      select $${n + 1}::integer, r.job_kind, 'queued', '{' || to_json($${n + 2}::text)::text || ':' || r.id || '}', 0, $${n + 3}::integer, r.due_at, $${n + 4}::bigint, $${n + 4}::bigint
      from r where r.job_kind is not null)
    select id from r`;
  const { rows } = await runRowsSql<{ id: number | string }>(db, text, [...rowsInsert.params, accountId, idKey, maxAttempts, now]);
  return rows.map((row) => Number(row.id)).sort((a, b) => a - b);
}

/** The columns createJobs writes, with their SQL types (db/insert-rows.ts). */
const JOB_COLUMNS = {
  account_id: 'integer',
  kind: 'text',
  status: 'text',
  payload: 'text',
  attempts: 'integer',
  max_attempts: 'integer',
  due_at: 'bigint',
  created_at: 'bigint',
  updated_at: 'bigint',
} as const;

/**
 * Creates several queued jobs of the account in one statement (a rule firing several actions), as
 * SQL text rather than a Kysely tree: it runs on every ContactEvent that fires a rule.
 */
export async function createJobs(db: Db, accountId: number, jobs: readonly NewJob[], now = Date.now()): Promise<void> {
  if (jobs.length === 0) return;
  await insertRows(db, {
    table: 'jobs',
    columns: JOB_COLUMNS,
    rows: jobs.map((job) => ({
      account_id: accountId,
      kind: job.kind,
      status: 'queued',
      payload: JSON.stringify(job.payload ?? null),
      attempts: 0,
      max_attempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      due_at: job.runAt ?? now,
      created_at: now,
      updated_at: now,
    })),
  });
}

/** Makes a draft runnable now, with its final payload if given; false when there is no such draft. */
export async function queueJob(db: Db, accountId: number, jobId: number, opts: { payload?: unknown } = {}, now = Date.now()): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ status: 'queued', due_at: now, updated_at: now, ...(opts.payload === undefined ? {} : { payload: JSON.stringify(opts.payload) }) })
    .where('account_id', '=', accountId)
    .where('id', '=', jobId)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes a job and its input (a draft whose upload was abandoned). */
export async function deleteJob(db: Db, accountId: number, jobId: number): Promise<void> {
  await db.deleteFrom('job_inputs').where('account_id', '=', accountId).where('job_id', '=', jobId).execute();
  await db.deleteFrom('jobs').where('account_id', '=', accountId).where('id', '=', jobId).execute();
}

/** A job of the account, of one kind, as the account may see it: drafts are not shown. */
export async function findJob(db: Db, accountId: number, jobId: number, kind: string): Promise<Job | undefined> {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', jobId)
    .where('kind', '=', kind)
    .where('status', '!=', 'draft')
    .executeTakeFirst();
}

/** Stores chunk `seq` (from 0) of a job's input. */
export async function appendJobInput(db: Db, accountId: number, jobId: number, seq: number, data: Uint8Array): Promise<void> {
  await db.insertInto('job_inputs').values({ account_id: accountId, job_id: jobId, seq, data }).execute();
}

/**
 * A job's input, one stored chunk at a time and in order: never more than one chunk in memory,
 * and each read a query of its own, so other work runs between them.
 */
export async function* readJobInput(db: Db, accountId: number, jobId: number): AsyncGenerator<Uint8Array> {
  for (let seq = 0; ; seq++) {
    const row = await db
      .selectFrom('job_inputs')
      .select('data')
      .where('account_id', '=', accountId)
      .where('job_id', '=', jobId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    if (!row) return;
    yield row.data;
  }
}

/** The JSON columns of a job, parsed. */
export function jobPayload<T>(job: Pick<Job, 'payload'>): T {
  return JSON.parse(job.payload) as T;
}

export function jobProgress<T>(job: Pick<Job, 'progress'>): T | undefined {
  return job.progress === null ? undefined : (JSON.parse(job.progress) as T);
}

/** How many jobs of the kinds are due now and not running (waiting for a worker to claim them). */
export async function countDueJobs(db: Db, kinds: readonly string[], now = Date.now()): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(sql<boolean>`status in ('queued', 'running')`) // literal: SQLite's partial index jobs_due (claim-jobs.ts)
    .where('due_at', '<=', now)
    .where('kind', 'in', [...kinds])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Whether some job of the kinds has been due for longer than `ms` without a worker taking it:
 * the workers are stalled (a receiver that is down does not count: its job is queued for later).
 */
export async function jobsStalled(db: Db, kinds: readonly string[], ms: number, now = Date.now()): Promise<boolean> {
  const row = await db
    .selectFrom('jobs')
    .select('id')
    .where(sql<boolean>`status in ('queued', 'running')`) // literal: SQLite's partial index jobs_due (claim-jobs.ts)
    .where('due_at', '<=', now - ms)
    .where('kind', 'in', [...kinds])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
