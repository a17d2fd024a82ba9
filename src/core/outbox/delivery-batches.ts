import type { Db } from '../../db/database.js';
import type { Delivery, Job } from '../../db/schema.js';
import { rowsSql, runRowsSql } from '../../db/values-list.js';
import { inWriteTransaction } from '../../db/write-transaction.js';
import { endJobRuns, type JobRunEnd } from '../jobs/job-lease.js';
import { storedWebhookTargets, type StoredWebhookTarget } from '../webhooks/subscriptions.js';
import type { AttemptRecord, DeliveryStatus } from './deliveries.js';

/*
 * The outbox's reads and writes in batches, so that a busy worker pays one statement for many
 * deliveries rather than a few for each. The worker starts the jobs it claimed together in one
 * tick, so their deliveries are read together (with their webhook subscription) in one select;
 * the ends of attempts that finish close together are written together in one transaction: every
 * attempt in one multi-row insert, the deliveries in one UPDATE ... FROM (VALUES ...), the jobs'
 * ends in one more (job-lease.ts endJobRuns). Each job's end names its lease token: a run whose
 * lease was taken over writes nothing to its job (its attempt is still recorded, as it was made).
 */

/** A delivery with its webhook subscription as stored now (null for a stay callback, or when the subscription is gone). */
export interface LoadedDelivery extends Delivery {
  webhook: StoredWebhookTarget | null;
}

interface PendingLoad {
  accountId: number;
  id: number;
  resolve: (row: LoadedDelivery | undefined) => void;
  reject: (err: unknown) => void;
}

const loads = new WeakMap<Db, PendingLoad[]>();
/** The most rows one statement names (SQLite's variable limit is far above). */
const MAX_BATCH = 500;

/** The delivery, read in one select with every other delivery asked for in the same tick (and their subscriptions in one more). */
export function loadDelivery(db: Db, accountId: number, id: number): Promise<LoadedDelivery | undefined> {
  return new Promise((resolve, reject) => {
    let queue = loads.get(db);
    if (!queue) {
      const fresh: PendingLoad[] = [];
      queue = fresh;
      loads.set(db, fresh);
      queueMicrotask(() => {
        loads.delete(db);
        void runLoads(db, fresh);
      });
    }
    queue.push({ accountId, id, resolve, reject });
  });
}

async function runLoads(db: Db, queue: PendingLoad[]): Promise<void> {
  for (let i = 0; i < queue.length; i += MAX_BATCH) {
    const part = queue.slice(i, i + MAX_BATCH);
    try {
      const rows = await db
        .selectFrom('deliveries')
        .selectAll()
        .where(
          'id',
          'in',
          part.map((p) => p.id),
        )
        .execute();
      const byId = new Map<number, Delivery>();
      const subscriptions = new Map<number, Set<number>>();
      for (const row of rows) {
        byId.set(Number(row.id), row);
        if (row.target !== 'webhook' || row.subscription_id === null) continue;
        const ids = subscriptions.get(row.account_id) ?? new Set<number>();
        subscriptions.set(row.account_id, ids.add(row.subscription_id));
      }
      const targets = new Map<number, Map<number, StoredWebhookTarget>>();
      for (const [accountId, ids] of subscriptions) targets.set(accountId, await storedWebhookTargets(db, accountId, [...ids]));
      for (const p of part) {
        const row = byId.get(p.id);
        if (!row || row.account_id !== p.accountId) p.resolve(undefined);
        else p.resolve({ ...row, webhook: (row.subscription_id !== null && targets.get(row.account_id)?.get(row.subscription_id)) || null });
      }
    } catch (err) {
      for (const p of part) p.reject(err);
    }
  }
}

/** How an attempt left its delivery, to be written with the others that ended close to it. */
export interface FinishedAttempt {
  job: Pick<Job, 'id' | 'lease_token'>;
  delivery: Pick<Delivery, 'id' | 'account_id'>;
  attempt: AttemptRecord;
  /** the next attempt's time after a failure, null when the delivery is dead */
  nextAt: number | null;
}

interface PendingFinish {
  finished: FinishedAttempt;
  resolve: (jobEnded: boolean) => void;
  reject: (err: unknown) => void;
}

interface Finisher {
  queue: PendingFinish[];
  scheduled: boolean;
  flushing: boolean;
}

const finishers = new WeakMap<Db, Finisher>();

/**
 * Records the attempt, leaves its delivery delivered, pending until `nextAt` or dead, and ends
 * the job (done, queued again at `nextAt`, failed) in one transaction with the other attempts
 * that ended meanwhile. Resolves once committed: true when the job was ended, false when its
 * lease had been taken over (the job belongs to another run; the attempt is recorded all the same).
 */
export function finishAttempt(db: Db, finished: FinishedAttempt): Promise<boolean> {
  let finisher = finishers.get(db);
  if (!finisher) {
    finisher = { queue: [], scheduled: false, flushing: false };
    finishers.set(db, finisher);
  }
  const f = finisher;
  return new Promise((resolve, reject) => {
    f.queue.push({ finished, resolve, reject });
    schedule(db, f);
  });
}

function schedule(db: Db, f: Finisher): void {
  if (f.scheduled || f.flushing || f.queue.length === 0) return;
  f.scheduled = true;
  // The attempts that end in this turn of the event loop join; while a batch commits, the next gathers.
  setImmediate(() => {
    f.scheduled = false;
    f.flushing = true;
    const batch = f.queue.splice(0, MAX_BATCH);
    void writeFinished(db, batch).finally(() => {
      f.flushing = false;
      schedule(db, f);
    });
  });
}

async function writeFinished(db: Db, batch: PendingFinish[]): Promise<void> {
  let ended: Set<number>;
  try {
    ended = await inWriteTransaction(db, (trx) =>
      writeBatch(
        trx,
        batch.map((p) => p.finished),
      ),
    );
  } catch (err) {
    for (const p of batch) p.reject(err);
    return;
  }
  for (const p of batch) p.resolve(ended.has(Number(p.finished.job.id)));
}

async function writeBatch(trx: Db, batch: FinishedAttempt[]): Promise<Set<number>> {
  const attempts = rowsSql(
    trx,
    batch.map(({ delivery, attempt }) => [
      delivery.account_id,
      delivery.id,
      attempt.at,
      attempt.statusCode,
      attempt.latencyMs,
      attempt.delivered ? 'delivered' : 'failed',
      attempt.error,
      attempt.excerpt,
    ]),
  );
  await runRowsSql(
    trx,
    `insert into delivery_attempts (account_id, delivery_id, attempted_at, status_code, latency_ms, outcome, error, response_excerpt) values ${attempts.text}`,
    attempts.params,
  );

  const deliveries = rowsSql(
    trx,
    batch.map(({ delivery, attempt, nextAt }) => {
      const status: DeliveryStatus = attempt.delivered ? 'delivered' : nextAt === null ? 'dead' : 'pending';
      const end = attempt.at + attempt.latencyMs;
      return [
        delivery.id,
        delivery.account_id,
        status,
        status === 'pending' ? nextAt : null,
        attempt.delivered ? null : attempt.error,
        attempt.delivered ? attempt.at : null,
        end,
      ];
    }),
    ['bigint', 'integer', 'text', 'bigint', 'text', 'bigint', 'bigint'],
  );
  await runRowsSql(
    trx,
    `update deliveries set status = v.column3, attempts = deliveries.attempts + 1, next_attempt_at = v.column4,
      last_error = v.column5, delivered_at = v.column6, updated_at = v.column7
    from (values ${deliveries.text}) as v where deliveries.id = v.column1 and deliveries.account_id = v.column2`,
    deliveries.params,
  );

  return endJobRuns(
    trx,
    batch.map(({ job, attempt, nextAt }): JobRunEnd => {
      const at = attempt.at + attempt.latencyMs;
      if (attempt.delivered) return { job, status: 'succeeded', at };
      return nextAt !== null ? { job, status: 'queued', dueAt: nextAt, error: attempt.error, at } : { job, status: 'failed', error: attempt.error, at };
    }),
  );
}
