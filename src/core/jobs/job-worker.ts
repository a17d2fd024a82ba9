import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.js';
import type { Job } from '../../db/schema.js';
import { claimJobs, nextDueAt } from './claim-jobs.js';
import { completeJob, failJobRun, LeaseLost, releaseJob, renewLease, RetryAt, saveJobProgress } from './job-lease.js';
import { jobPayload, jobProgress, type NewJobLease } from './jobs.js';
import { sweepJobs } from './sweep-jobs.js';

/*
 * The worker loop: the one mechanism for background work. Each job kind has a handler in a
 * registry the process assembles (imports now; webhooks and callbacks later); the loop claims
 * due jobs of those kinds (claim-jobs.ts), runs each with its lease renewed in the background,
 * and records the end: done, queued again after a backoff, or failed once its attempts are spent.
 */

/** What a handler gets for one run of a job. */
export interface JobRun<Payload = unknown, Progress = unknown> {
  job: Job;
  payload: Payload;
  /** what the last run saved (resume from there), undefined on a first run */
  progress: Progress | undefined;
  /** aborted when the worker stops or the lease is lost: stop at the next safe point */
  signal: AbortSignal;
  db: Db;
  /** saves progress in `trx`, the transaction of the work it describes; throws LeaseLost when the lease is gone */
  saveProgress(trx: Db, progress: Progress): Promise<void>;
}

export interface JobHandler<Payload = any, Progress = any> {
  /**
   * Runs the job. Resolving marks it done; resolving 'ended' says the handler has already written
   * the job's end itself, naming its lease token (the outbox records attempts and ends jobs in
   * batches: one transaction for many); throwing makes the worker record a failure.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: most handlers are async functions that return nothing
  run(run: JobRun<Payload, Progress>): Promise<void | 'ended'>;
  /** first retry delay (doubling after each failed attempt); default 5 s */
  backoffMs?: number;
  /** jobs of this kind run at once by one worker (default: the worker's concurrency) */
  concurrency?: number;
}

/** Handlers by job kind. */
export type JobHandlers = Record<string, JobHandler>;

export interface JobWorkerOptions {
  db: Db;
  handlers: JobHandlers;
  /** how often to look for due jobs when not woken (default 1 s) */
  pollMs?: number;
  /** lease length (default 30 s); renewed every third of it while a job runs */
  leaseMs?: number;
  /** jobs of each kind run at once by this worker, unless its handler says (default 1) */
  concurrency?: number;
  workerId?: string;
  /** how often to sweep finished jobs and abandoned drafts (default 10 min) */
  sweepEveryMs?: number;
  /** more housekeeping run with each sweep (the outbox's finished deliveries) */
  alsoSweep?: (db: Db) => Promise<unknown>;
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export interface JobWorker {
  /** look for due jobs now (a job was just queued in this process) */
  wake(): void;
  /**
   * A lease for a job of `kind` this process is about to create (createLeasedJob), when this
   * worker runs that kind, is not stopping and has a free slot for it; undefined otherwise (create
   * the job queued). Pass the job to adopt() once its transaction has committed.
   */
  leaseNew(kind: string): NewJobLease | undefined;
  /** runs a job created with a lease of leaseNew, now committed */
  adopt(job: Job): void;
  /** stops claiming, interrupts running jobs (they are released for any worker) and waits for them */
  stop(): Promise<void>;
}

class WorkerStopping extends Error {
  constructor() {
    super('the worker is stopping');
    this.name = 'WorkerStopping';
  }
}

const silent = { info() {}, warn() {}, error() {} };

/** Starts a worker loop over the registry's job kinds; it runs until stop(). */
export function startJobWorker(opts: JobWorkerOptions): JobWorker {
  const { db, handlers } = opts;
  const pollMs = opts.pollMs ?? 1000;
  const leaseMs = opts.leaseMs ?? 30_000;
  const concurrency = opts.concurrency ?? 1;
  const workerId = opts.workerId ?? `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  const log = opts.log ?? silent;
  const kinds = Object.keys(handlers);
  const limitOf = (kind: string) => Math.max(1, handlers[kind].concurrency ?? concurrency);
  const running = new Map<number, { promise: Promise<void>; controller: AbortController; kind: string }>();
  const runningOf = new Map<string, number>(kinds.map((k) => [k, 0]));
  /*
   * Claims come in batches: woken, a kind is claimed for when none of its jobs runs or at least a
   * quarter of its slots are free, so a busy kind costs one claim statement per quarter of its
   * slots, not one per job that ends. At each poll any free slot is claimed for.
   */
  const claimRoom = (kind: string, polled = false) => {
    const room = limitOf(kind) - (runningOf.get(kind) ?? 0);
    return polled || room >= Math.max(1, Math.floor(limitOf(kind) / 4)) || room === limitOf(kind) ? room : 0;
  };
  /*
   * Kinds with due jobs left unclaimed (a claim filled its room, or leaseNew turned a new job
   * away): leaseNew gives no lease for them until a claim comes back with less than it asked for,
   * so that jobs written in this process do not keep taking the slots that queued ones wait for.
   */
  const backlog = new Set<string>();
  let stopped = false;
  let nudge: (() => void) | undefined;
  let nudged = false;
  let lastSweep = 0;

  const wake = () => {
    nudged = true;
    nudge?.();
  };

  /** Waits for a nudge or the poll (or `waitMs`, when sooner); true when that time came. */
  const pause = (waitMs = pollMs) =>
    new Promise<boolean>((resolve) => {
      if (nudged || stopped) return resolve(false);
      const timer = setTimeout(() => done(true), Math.max(0, Math.min(pollMs, waitMs)));
      function done(polled: boolean) {
        clearTimeout(timer);
        nudge = undefined;
        resolve(polled);
      }
      nudge = () => done(false);
    });

  async function runJob(job: Job, controller: AbortController): Promise<void> {
    const handler = handlers[job.kind];
    const renewal = setInterval(
      () => {
        renewLease(db, job, leaseMs).catch((err) => {
          if (err instanceof LeaseLost) controller.abort(err);
          else log.warn({ err, jobId: job.id }, 'could not renew a job lease');
        });
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    try {
      const ended = await handler.run({
        job,
        payload: jobPayload(job),
        progress: jobProgress(job),
        signal: controller.signal,
        db,
        saveProgress: (trx, progress) => saveJobProgress(trx, job, progress, leaseMs),
      });
      clearInterval(renewal);
      if (ended !== 'ended') await completeJob(db, job);
      log.info({ jobId: job.id, kind: job.kind }, 'job succeeded');
    } catch (err) {
      clearInterval(renewal);
      const reason = controller.signal.aborted ? controller.signal.reason : err;
      if (reason instanceof LeaseLost || err instanceof LeaseLost) {
        log.warn({ jobId: job.id, kind: job.kind }, 'job lease lost; another worker has it');
      } else if (reason instanceof WorkerStopping) {
        await releaseJob(db, job).catch(() => undefined);
      } else {
        const message = err instanceof Error ? err.message : String(err);
        const retry = err instanceof RetryAt ? { dueAt: err.dueAt } : undefined;
        const status = await failJobRun(db, job, message, handler.backoffMs ?? 5000, Date.now(), retry).catch(() => 'unrecorded');
        (retry ? log.warn : log.error).call(log, { err, jobId: job.id, kind: job.kind, attempt: job.attempts, status }, 'job failed');
      }
    } finally {
      clearInterval(renewal);
    }
  }

  function start(job: Job): void {
    const controller = new AbortController();
    runningOf.set(job.kind, (runningOf.get(job.kind) ?? 0) + 1);
    const promise = runJob(job, controller).finally(() => {
      running.delete(job.id);
      runningOf.set(job.kind, (runningOf.get(job.kind) ?? 1) - 1);
      // More may be due: look once enough of the kind's slots are free to claim a batch.
      if (claimRoom(job.kind) > 0) wake();
    });
    running.set(job.id, { promise, controller, kind: job.kind });
  }

  // Jobs created with this worker's lease (leaseNew) are numbered under one token prefix of this run.
  const leasePrefix = `${workerId}:${randomUUID()}:`;
  let leased = 0;

  async function loop(): Promise<void> {
    let polled = true;
    while (!stopped) {
      nudged = false;
      const claimed: Job[] = [];
      try {
        if (Date.now() - lastSweep >= (opts.sweepEveryMs ?? 600_000)) {
          lastSweep = Date.now();
          await sweepJobs(db);
          await opts.alsoSweep?.(db);
        }
        // Every kind with room, each up to its room, in one claim (one statement on PostgreSQL).
        const wanted = kinds.map((kind) => ({ kind, limit: claimRoom(kind, polled) })).filter((w) => w.limit > 0);
        claimed.push(...(await claimJobs(db, wanted, { leaseMs, workerId })));
        for (const { kind, limit } of wanted) {
          if (claimed.filter((job) => job.kind === kind).length >= limit) backlog.add(kind);
          else backlog.delete(kind);
        }
      } catch (err) {
        if (!stopped) log.error({ err }, 'could not claim jobs');
      }
      if (stopped) {
        // stop() came while claiming: hand these back at once, for any worker
        for (const job of claimed) await releaseJob(db, job).catch(() => undefined);
        break;
      }
      for (const job of claimed) start(job);
      // Claims are made for every kind with room, each up to its room: wait for a nudge (a job
      // queued, or slots freed) or the poll; a worker with a free slot wakes when the next job
      // falls due if that is sooner (delayed messages leave on time, not up to a poll late).
      let waitMs = pollMs;
      if (!nudged && kinds.some((kind) => claimRoom(kind, true) > 0)) {
        const next = await nextDueAt(db, kinds).catch(() => undefined);
        // at least 20 ms: a job due but not claimable here (another instance holds its row) is no reason to spin
        if (next !== undefined) waitMs = Math.max(20, next - Date.now());
      }
      polled = await pause(waitMs);
    }
  }

  const looping = kinds.length ? loop() : Promise.resolve();
  return {
    wake,
    leaseNew(kind) {
      if (stopped || !handlers[kind] || backlog.has(kind)) return undefined;
      if ((runningOf.get(kind) ?? 0) >= limitOf(kind)) {
        // turned away: this job is queued, and waits for a claim like any other
        backlog.add(kind);
        return undefined;
      }
      return { token: `${leasePrefix}${++leased}`, leaseMs };
    },
    adopt(job) {
      // Stopped meanwhile: handed back at once for any worker (else its lease would have to expire).
      if (stopped) void releaseJob(db, job).catch(() => undefined);
      else if (!running.has(job.id)) start(job);
    },
    async stop() {
      stopped = true;
      wake();
      for (const { controller } of running.values()) controller.abort(new WorkerStopping());
      await looping;
      await Promise.all([...running.values()].map((r) => r.promise));
    },
  };
}
