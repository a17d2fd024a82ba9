import type { Db } from '../../db/database.js';
import { parseJson } from '../shared/json.js';

/*
 * Each account's retention pass as a row: when it is next due, the lease of the one instance
 * running it (claimed with one conditional UPDATE, so two instances never run it at once), where
 * the scan of inactive guests stopped, and what the last pass did.
 */

/** What one retention pass did. */
export interface RetentionSummary {
  /** inactive guests erased */
  guestsErased: number;
  /** inactive guests kept because they are loyalty members with a balance */
  guestsKept: number;
  chatMessagesDeleted: number;
  photosDeleted: number;
  /** answer documents given `thirtyDays` whose personal data was forgotten */
  answerDocumentsForgotten: number;
  deliveriesDeleted: number;
  /** false: there was more to do than one pass does; the next one continues */
  complete: boolean;
}

export interface RetentionRun {
  dueAt: number;
  lastRunAt: number | null;
  lastSummary: RetentionSummary | null;
}

/** The account's pass state; null before its first pass. */
export async function findRetentionRun(db: Db, accountId: number): Promise<RetentionRun | null> {
  const row = await db.selectFrom('retention_runs').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  if (!row) return null;
  return { dueAt: row.due_at, lastRunAt: row.last_run_at, lastSummary: row.last_summary ? parseJson<RetentionSummary | null>(row.last_summary, null) : null };
}

/**
 * Claims the account's pass when it is due and nobody holds it: true when this caller may run it
 * (until `now + leaseMs`), with the guest cursor to continue from.
 */
export async function claimRetentionRun(
  db: Db,
  accountId: number,
  now: number,
  leaseMs: number,
): Promise<{ claimed: boolean; guestCursor: number | null; guestsScannedAt: number | null }> {
  await db
    .insertInto('retention_runs')
    .values({ account_id: accountId, due_at: now, leased_until: null, guest_cursor: null, guests_scanned_at: null, last_run_at: null, last_summary: null })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute();
  const claimed = await db
    .updateTable('retention_runs')
    .set({ leased_until: now + leaseMs })
    .where('account_id', '=', accountId)
    .where('due_at', '<=', now)
    .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', now)]))
    .returning(['guest_cursor', 'guests_scanned_at'])
    .executeTakeFirst();
  return { claimed: claimed !== undefined, guestCursor: claimed?.guest_cursor ?? null, guestsScannedAt: claimed?.guests_scanned_at ?? null };
}

/** Ends a claimed pass: its summary, where the guest scan stopped, and when the next pass is due. */
export async function finishRetentionRun(
  db: Db,
  accountId: number,
  done: { now: number; nextDueAt: number; guestCursor: number | null; guestsScannedAt: number | null; summary: RetentionSummary },
): Promise<void> {
  await db
    .updateTable('retention_runs')
    .set({
      leased_until: null,
      due_at: done.nextDueAt,
      guest_cursor: done.guestCursor,
      guests_scanned_at: done.guestsScannedAt,
      last_run_at: done.now,
      last_summary: JSON.stringify(done.summary),
    })
    .where('account_id', '=', accountId)
    .execute();
}

/** Makes the account's next pass due now (after its settings changed). */
export async function retentionRunDueNow(db: Db, accountId: number, now: number): Promise<void> {
  await db.updateTable('retention_runs').set({ due_at: now, guest_cursor: null, guests_scanned_at: null }).where('account_id', '=', accountId).execute();
}
