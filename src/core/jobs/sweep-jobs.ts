import { sql } from 'kysely';
import type { Db } from '../../db/database.js';

/*
 * Housekeeping of the jobs table, run now and then by every worker (each statement is safe to
 * run twice or at once on several instances).
 */

export interface SweepOptions {
  /** a draft whose upload never finished (the process died mid-upload) is deleted after this */
  draftTtlMs?: number;
  /** finished jobs (and what they report) are kept this long */
  keepFinishedMs?: number;
  now?: number;
}

export async function sweepJobs(db: Db, opts: SweepOptions = {}): Promise<void> {
  const now = opts.now ?? Date.now();
  // A lease that expired on its last attempt (the worker died every time): failed for good.
  const exhausted = await db
    .updateTable('jobs')
    .set({ status: 'failed', due_at: null, lease_token: null, last_error: 'the worker running it stopped on every attempt', updated_at: now, finished_at: now })
    .where('status', '=', 'running')
    .where('due_at', '<=', now)
    .where(sql<boolean>`attempts >= max_attempts`)
    .returning(['id', 'account_id'])
    .execute();
  for (const job of exhausted) await db.deleteFrom('job_inputs').where('account_id', '=', job.account_id).where('job_id', '=', job.id).execute();

  const old = await db
    .selectFrom('jobs')
    .select(['id', 'account_id'])
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'draft'), eb('created_at', '<', now - (opts.draftTtlMs ?? 86_400_000))]),
        eb.and([eb('status', 'in', ['succeeded', 'failed']), eb('finished_at', '<', now - (opts.keepFinishedMs ?? 30 * 86_400_000))]),
      ]),
    )
    .limit(1000)
    .execute();
  for (const job of old) {
    await db.deleteFrom('job_inputs').where('account_id', '=', job.account_id).where('job_id', '=', job.id).execute();
    await db.deleteFrom('jobs').where('account_id', '=', job.account_id).where('id', '=', job.id).execute();
  }
}
