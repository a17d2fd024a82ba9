import type { Db } from '../../db/database.js';
import { inWriteTransaction } from '../../db/write-transaction.js';
import { accountSettings, listAccounts } from '../accounts/accounts.js';
import { recordAudit } from '../accounts/audit.js';
import { deleteChatHistoryBefore } from '../chat/guest-chat.js';
import { forgetExpiredAnswerPersonalData } from '../feedback/guest-feedback.js';
import { eraseGuest } from '../guest-profile/erase-guest.js';
import { readGuestTimeline } from '../guest-profile/timeline.js';
import { guestIdsMergedInto, guestIdsUnchangedSince } from '../guests/guests.js';
import { KEEP_FINISHED_DELIVERIES_MS, sweepDeliveries } from '../outbox/deliveries.js';
import { AppError } from '../shared/errors.js';
import { SYSTEM_ACTOR, writeContext } from '../shared/write-context.js';
import { latestStayAt } from '../stays/guest-stays.js';
import { claimRetentionRun, finishRetentionRun, type RetentionSummary } from './retention-runs.js';

/*
 * Retention: what an account keeps and for how long (its settings guestRetentionMonths,
 * chatRetentionDays, deliveryLogDays; answer documents given `thirtyDays` by the guest). A pass per
 * account, at most hourly, run by the job worker's housekeeping on whichever instance claims it,
 * removes what is past its time through each module's own function. Every step is bounded: what one
 * pass leaves is taken by the next, and a crash mid-pass loses nothing (each erasure is its own
 * transaction; the lease expires and another instance continues).
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** how often an account's pass runs */
export const RETENTION_EVERY_MS = HOUR;
/** a full scan of inactive guests starts again this long after the last one reached the end */
const GUEST_SCAN_EVERY_MS = DAY;
const LEASE_MS = 15 * 60_000;
/** per pass: guests looked at, guests erased */
const GUESTS_SCANNED_PER_PASS = 2000;
const GUESTS_ERASED_PER_PASS = 200;

/**
 * Runs the pass of every account that is due; returns the summaries of the passes run, by account
 * id. One account's failure is reported to `onError` and does not stop the others (its lease
 * expires and a later pass tries again).
 */
export async function applyRetention(
  db: Db,
  opts: { now?: number; onError?: (err: unknown, accountId: number) => void } = {},
): Promise<Map<number, RetentionSummary>> {
  const now = opts.now ?? Date.now();
  const done = new Map<number, RetentionSummary>();
  for (const account of await listAccounts(db)) {
    try {
      const summary = await applyAccountRetention(db, account.id, accountSettings(account), now);
      if (summary) done.set(account.id, summary);
    } catch (err) {
      if (!opts.onError) throw err;
      opts.onError(err, account.id);
    }
  }
  return done;
}

/** The account's pass, when it is due and no other instance runs it; null when it did not run. */
async function applyAccountRetention(db: Db, accountId: number, settings: ReturnType<typeof accountSettings>, now: number): Promise<RetentionSummary | null> {
  const run = await inWriteTransaction(db, (trx) => claimRetentionRun(trx, accountId, now, LEASE_MS));
  if (!run.claimed) return null;
  const summary: RetentionSummary = {
    guestsErased: 0,
    guestsKept: 0,
    chatMessagesDeleted: 0,
    photosDeleted: 0,
    answerDocumentsForgotten: 0,
    deliveriesDeleted: 0,
    complete: true,
  };
  const more = (count: number, limit: number) => {
    if (count >= limit) summary.complete = false;
    return count;
  };

  summary.deliveriesDeleted = more(
    await inWriteTransaction(db, (trx) =>
      sweepDeliveries(trx, accountId, now - (settings.deliveryLogDays ? settings.deliveryLogDays * DAY : KEEP_FINISHED_DELIVERIES_MS)),
    ),
    1000,
  );
  summary.answerDocumentsForgotten = more(await inWriteTransaction(db, (trx) => forgetExpiredAnswerPersonalData(trx, accountId, now)), 1000);
  if (settings.chatRetentionDays) {
    const chat = await inWriteTransaction(db, (trx) => deleteChatHistoryBefore(trx, accountId, now - settings.chatRetentionDays! * DAY));
    summary.chatMessagesDeleted = more(chat.events, 5000);
    summary.photosDeleted = more(chat.photos, 5000);
  }

  let guestCursor: number | null = null;
  let guestsScannedAt = run.guestsScannedAt;
  const scanDue = run.guestCursor !== null || guestsScannedAt === null || now - guestsScannedAt >= GUEST_SCAN_EVERY_MS;
  if (settings.guestRetentionMonths && scanDue) {
    const scan = await eraseInactiveGuests(db, accountId, { months: settings.guestRetentionMonths, now, afterId: run.guestCursor ?? 0 }, summary);
    guestCursor = scan.cursor;
    if (scan.cursor === null) guestsScannedAt = now;
    else summary.complete = false;
  }

  await inWriteTransaction(db, (trx) =>
    finishRetentionRun(trx, accountId, { now, nextDueAt: summary.complete ? now + RETENTION_EVERY_MS : now, guestCursor, guestsScannedAt, summary }),
  );
  return summary;
}

/** The instant `months` calendar months before `now` (UTC). */
function inactiveSince(now: number, months: number): number {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}

/**
 * Erases guests with no activity since `since`: nothing on their timeline (stays, journey events,
 * requests, chat, answers, loyalty operations, messages, merges) since then, no stay dated since then
 * (a booking for next year keeps its guest) and the profile itself unchanged. A loyalty member with
 * a balance is kept. Returns where the scan stopped (null: it reached the end).
 */
async function eraseInactiveGuests(
  db: Db,
  accountId: number,
  scan: { months: number; now: number; afterId: number },
  summary: RetentionSummary,
): Promise<{ cursor: number | null }> {
  const { months, afterId } = scan;
  const since = inactiveSince(scan.now, months);
  const candidates = await guestIdsUnchangedSince(db, accountId, { before: since, afterId, limit: GUESTS_SCANNED_PER_PASS });
  for (const [index, guestId] of candidates.entries()) {
    if (summary.guestsErased >= GUESTS_ERASED_PER_PASS) return { cursor: index === 0 ? afterId : candidates[index - 1]! };
    const guestIds = [guestId, ...(await guestIdsMergedInto(db, accountId, guestId))];
    const [latest] = (await readGuestTimeline(db, accountId, guestIds, undefined, 1)).items;
    if (latest && latest.at >= since) continue;
    const stayAt = await latestStayAt(db, accountId, guestIds);
    if (stayAt !== null && stayAt >= since) continue;
    try {
      const erased = await inWriteTransaction(db, async (trx) => {
        const result = await eraseGuest(writeContext(trx, accountId), guestId, { force: false, now: Date.now() });
        // The audit log says who erased whom, as it does for a staff member's erasure.
        if (result.erased) {
          await recordAudit(trx, accountId, {
            actor: SYSTEM_ACTOR,
            actorName: 'Retention',
            action: 'guests.erase',
            entity: 'guests',
            entityId: String(guestId),
            summary: `Erased guest ${guestId}: no activity for ${months} months (the account's guest retention)`,
            requestId: null,
          });
        }
        return result;
      });
      if (erased.erased) summary.guestsErased += 1;
    } catch (err) {
      if (err instanceof AppError && err.code === 'loyalty_balance') summary.guestsKept += 1;
      else throw err;
    }
  }
  return { cursor: candidates.length < GUESTS_SCANNED_PER_PASS ? null : candidates[candidates.length - 1]! };
}
