import { randomUUID } from 'node:crypto';
import { sql, type ExpressionBuilder, type QueryCreator } from 'kysely';
import { isPostgres, type Db } from '../../db/database.js';
import type { Database, Job } from '../../db/schema.js';
import { inWriteTransaction } from '../../db/write-transaction.js';

/*
 * Claiming due jobs with a lease. A job is due when it is queued and its time has come, or
 * running and its lease has expired (its worker died or hung: it is taken again). A claim makes
 * it running, counts an attempt, sets the lease's end as due_at and a fresh lease token; every
 * later write of that run (progress, renewal, the end) names the token, so a worker whose lease
 * was taken over can no longer write anything (job-lease.ts).
 *
 * PostgreSQL: FOR UPDATE SKIP LOCKED in a CTE, then UPDATE ... RETURNING (graphile-worker's
 * getJobs): any number of workers in any number of processes claim at once, never the same row.
 * SQLite: select and update in one write transaction (one writer at a time: the same guarantee).
 */

export interface ClaimOptions {
  /** how long the claim holds before another worker may take the job again */
  leaseMs: number;
  /** names the worker in the lease token (logs, debugging) */
  workerId?: string;
  now?: number;
}

/**
 * The status test of the partial index jobs_due, as literal SQL: SQLite uses a partial index only
 * when the query's WHERE implies the index's, which it cannot prove of bound parameters, so with
 * `status in (?, ?)` every claim scanned the whole jobs table (100,000 delayed messages: claims
 * slower than the messages fell due).
 */
const DUE_STATUSES = sql<boolean>`status in ('queued', 'running')`;

/** A kind the worker has room for, and how many of its jobs it takes. */
export interface KindRoom {
  kind: string;
  limit: number;
}

/**
 * Claims, for each kind, up to its own limit of its due jobs, oldest due first: the worker's
 * claim of every kind it has room for, once per loop. PostgreSQL: one statement (a CTE per kind,
 * each `for update skip locked`) instead of a round trip per kind. SQLite: a write unit per kind,
 * which the write batch commits together.
 */
export async function claimJobs(db: Db, rooms: readonly KindRoom[], opts: ClaimOptions): Promise<Job[]> {
  const wanted = rooms.filter((room) => room.limit >= 1);
  if (wanted.length === 0) return [];
  const now = opts.now ?? Date.now();
  const claim = {
    status: 'running',
    attempts: sql<number>`attempts + 1`,
    lease_token: `${opts.workerId ?? 'worker'}:${randomUUID()}`,
    due_at: now + opts.leaseMs,
    updated_at: now,
    started_at: sql<number>`coalesce(started_at, ${now})`,
  };
  if (isPostgres(db)) {
    // A CTE per kind: PostgreSQL allows FOR UPDATE in each, not in the branches of a UNION.
    // (The CTEs' names are made here, so the query is typed loosely.)
    let query = db as unknown as QueryCreator<any>;
    for (const [i, { kind, limit }] of wanted.entries()) query = query.with(`due_${i}`, (qb) => dueJobIds(qb, now, kind, limit).forUpdate().skipLocked());
    return query
      .updateTable('jobs')
      .set(claim)
      .where('id', 'in', (eb: ExpressionBuilder<any, 'jobs'>) =>
        wanted.map((_, i) => eb.selectFrom(`due_${i}`).select('id')).reduce((all, one) => all.unionAll(one)),
      )
      .returningAll()
      .execute() as Promise<Job[]>;
  }
  // SQLite: a small write unit per kind, all in one group commit (db/sqlite-write-batch.ts).
  const claims = await Promise.all(
    wanted.map(({ kind, limit }) =>
      inWriteTransaction(db, async (trx) => {
        const due = await dueJobIds(trx, now, kind, limit).execute();
        if (due.length === 0) return [];
        return trx
          .updateTable('jobs')
          .set(claim)
          .where(
            'id',
            'in',
            due.map((d) => d.id),
          )
          .returningAll()
          .execute();
      }),
    ),
  );
  return claims.flat();
}

/**
 * The ids of up to `limit` due jobs of a kind, oldest due first: the jobs_due index (kind, due_at,
 * id) reads that kind's due jobs and no other's.
 */
export function dueJobIds(qb: QueryCreator<Database>, now: number, kind: string, limit: number) {
  return qb
    .selectFrom('jobs')
    .select('id')
    .where(DUE_STATUSES)
    .where('due_at', '<=', now)
    .where('kind', '=', kind)
    .where(sql<boolean>`attempts < max_attempts`)
    .orderBy('due_at')
    .orderBy('id')
    .limit(limit);
}

/**
 * When the next job of the given kinds falls due (epoch ms), or undefined when none waits: one
 * probe of the jobs_due index per kind (it leads with the kind), in one statement, so an idle
 * worker sleeps until then rather than a whole poll (a rule's message due at 09:00 leaves at
 * 09:00, not up to a poll later).
 */
export async function nextDueAt(db: Db, kinds: readonly string[]): Promise<number | undefined> {
  if (kinds.length === 0) return undefined;
  // A VALUES list's column is column1 on both databases.
  const firsts = sql.join(kinds.map((kind) => sql`(${kind})`));
  const { rows } = await sql<{ due_at: number | string | null }>`select min(first_due) as due_at from (
      select (select due_at from jobs where ${DUE_STATUSES} and kind = k.column1 and attempts < max_attempts order by due_at limit 1) as first_due
      from (values ${firsts}) as k) as firsts`.execute(db);
  const due = rows[0]?.due_at;
  return due === null || due === undefined ? undefined : Number(due);
}
