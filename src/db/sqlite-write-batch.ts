import { CompiledQuery } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

// Db as database.ts names it, spelt out here: database.ts reads this module's load (no import cycle).
type Db = Kysely<Database>;
import { executeCompiled, whileHeld } from './held-connection.js';
import { newWriteScope, runCommitHooks, runEndWork, type LeftWork } from './write-scope.js';

/*
 * Group commit for SQLite. A commit is the dearest statement of a small write (the WAL append of
 * every page it changed), and kysely's SQLite driver runs one transaction at a time anyway, so
 * writes that arrive together share one: each runs in a savepoint of its own (a write that fails
 * is undone alone and rejects alone), then the work they left to the end of the transaction runs
 * for all of them together (write-scope.ts), then one commit covers them all, and only then is any
 * of them answered. Nothing is acknowledged before its commit; a failed commit rejects every write
 * of the batch. When the end work fails, the batch is rolled back and each write runs again in a
 * batch of its own, so that only the write whose end work fails is rejected.
 */

const BEGIN = CompiledQuery.raw('begin immediate');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');
const SAVEPOINT = CompiledQuery.raw('savepoint batched_write');
const RELEASE = CompiledQuery.raw('release batched_write');
const ROLLBACK_TO = CompiledQuery.raw('rollback to batched_write');

/**
 * The connection's change stamp (db/change-stamp.ts) between the writes of one batch. Inside the
 * batch's transaction no other connection can commit (data_version stays) and only the batch's
 * own statements change total_changes(); savepoint and release change neither. So the stamp a
 * write read as its last statement is the stamp the next write of the batch starts at, which
 * spares that write a stamp read of its own.
 */
export interface WriteStamp {
  /** the change stamp as this write starts, when the write before it in the batch left it known */
  readonly start?: string;
  /**
   * set by a write to the stamp it read with its last statement (nothing may run after that read):
   * the next write of the batch starts from it; ignored if this write fails
   */
  end?: string;
}

export interface BatchedWrite<T> {
  /**
   * the write; runs on the batch's connection, inside the transaction, and uses only `trx` (a
   * query through the root database, or awaiting another batched write, would wait for this batch)
   */
  work: (trx: Db, stamp: WriteStamp) => Promise<T>;
  /**
   * Called, before any other statement can run, when `work` succeeded but the batch's commit did
   * not: what `work` remembered of its writes is void.
   */
  rolledBack?: () => void;
  /** what `work` left to the end of the transaction (write-scope.ts), read once it succeeded */
  endWork?: () => readonly LeftWork[];
}

interface Job {
  write: BatchedWrite<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  settled: boolean;
}

interface Batcher {
  queue: Job[];
  scheduled: boolean;
  /** writes in the batch being committed */
  running: number;
}

const batchers = new WeakMap<Db, Batcher>();

/**
 * Runs a write in the next batch of `db` (a SQLite database) and resolves with its result once
 * the batch has committed. A batch starts in the event loop's check phase with every write
 * queued by then; writes queued while it runs go to the next one.
 */
export function batchedWrite<T>(db: Db, write: BatchedWrite<T>): Promise<T> {
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = { queue: [], scheduled: false, running: 0 };
    batchers.set(db, batcher);
  }
  const queue = batcher;
  return new Promise<T>((resolve, reject) => {
    queue.queue.push({ write: write as BatchedWrite<unknown>, resolve: resolve as (value: unknown) => void, reject, settled: false });
    if (queue.scheduled) return;
    queue.scheduled = true;
    setImmediate(() => {
      queue.scheduled = false;
      const jobs = queue.queue;
      queue.queue = [];
      queue.running += jobs.length;
      void runBatch(db, jobs).finally(() => {
        queue.running -= jobs.length;
      });
    });
  });
}

/** The end work of a batch failed: the batch was rolled back, and its error is kept. */
class EndWorkFailed extends Error {
  constructor(readonly reason: unknown) {
    super('the end work of a batch failed');
  }
}

async function runBatch(db: Db, jobs: Job[]): Promise<void> {
  const succeeded: { job: Job; result: unknown }[] = [];
  // What the end work registers to run after the commit (write-scope.ts).
  const endScope = newWriteScope();
  try {
    await db.connection().execute((conn) =>
      whileHeld(db, conn, async () => {
        await executeCompiled(conn, BEGIN);
        try {
          let carried: string | undefined;
          for (const job of jobs) {
            await executeCompiled(conn, SAVEPOINT);
            const stamp: WriteStamp = { start: carried };
            carried = undefined;
            let result: unknown;
            try {
              result = await job.write.work(conn, stamp);
              carried = stamp.end;
            } catch (err) {
              await executeCompiled(conn, ROLLBACK_TO);
              await executeCompiled(conn, RELEASE);
              settle(job, () => job.reject(err));
              continue;
            }
            succeeded.push({ job, result });
            await executeCompiled(conn, RELEASE);
          }
          // The work the writes left to the end of the transaction, all of it together.
          const left = succeeded.flatMap(({ job }) => job.write.endWork?.() ?? []);
          if (left.length > 0) await runEndWork(conn, endScope, left).catch((err: unknown) => Promise.reject(new EndWorkFailed(err)));
          await executeCompiled(conn, COMMIT);
        } catch (err) {
          // After a failed commit SQLite may already have rolled back: nothing left to undo then.
          await executeCompiled(conn, ROLLBACK).catch(() => undefined);
          for (const { job } of succeeded) job.write.rolledBack?.();
          throw err;
        }
      }),
    );
  } catch (err) {
    if (err instanceof EndWorkFailed && succeeded.length > 1) {
      // One write's end work may have failed the others': each runs again alone, so only its own fails.
      for (const { job } of succeeded) await runBatch(db, [job]);
      return;
    }
    const reason = err instanceof EndWorkFailed ? err.reason : err;
    for (const job of jobs) settle(job, () => job.reject(reason));
    return;
  }
  runCommitHooks(endScope.hooks);
  for (const { job, result } of succeeded) settle(job, () => job.resolve(result));
}

function settle(job: Job, how: () => void): void {
  if (job.settled) return;
  job.settled = true;
  how();
}

/** Writes of `db` waiting for the next batch, and in the batch being committed (metrics). */
export function batchedWriteLoad(db: Db): { queued: number; running: number } {
  const batcher = batchers.get(db);
  return { queued: batcher?.queue.length ?? 0, running: batcher?.running ?? 0 };
}
