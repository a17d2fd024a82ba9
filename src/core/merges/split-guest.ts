import { loopsReassigned, type LoopWithActivities } from '../requests/loop-changes.js';
import type { Guest } from '../../db/schema.js';
import { badRequest, notFound } from '../shared/errors.js';
import { guestHoldsKey } from '../guests/guest-key-moves.js';
import { lockGuestRows } from '../guests/guest-merge-state.js';
import { findGuest } from '../guests/guests.js';
import { readMergeRecord } from './merge-record.js';
import { restoreMerge } from './restore-merge.js';
import { splitKeyOff } from './split-key-off.js';
import type { WriteContext } from '../shared/write-context.js';

export interface SplitGuest {
  /** the guest the key left (the survivor, for a merged-away id) */
  guest: Guest;
  /** the guest holding the key now: the one a merge brought, restored, or a new one */
  splitOff: Guest;
  /** the merge undone, when the key came by one */
  restoredMergeId: number | null;
  /** rows that went to splitOff, per table */
  moved: Record<string, number>;
  /** the guest requests (loops) an undone merge moved back, as they are now (request.updated each) */
  requests: LoopWithActivities[];
}

/** How many not-yet-split merges into one guest are searched for the key. */
const MAX_MERGES = 1000;

/**
 * Separates two people that were wrongly one guest, by one of its external keys: when the key came
 * with a recorded merge not yet split, that merge is undone exactly (restoreMerge); otherwise a new
 * guest takes the key and what it brought (splitKeyOff). 404 for an unknown guest or a key it does
 * not hold, 400 for an empty key part. Run inside the caller's transaction.
 */
export async function splitGuest(ctx: WriteContext, guestId: number, keySource: string, keyValue: string): Promise<SplitGuest> {
  const { trx: db, accountId } = ctx;
  if (!keySource || !keyValue) throw badRequest('a key is written <source>:<value>, both parts non-empty (e.g. loop:F-1234)');
  const found = await findGuest(db, accountId, guestId);
  if (!found) throw notFound(`guest ${guestId}`);
  await lockGuestRows(db, accountId, [found.id]);
  const guest = (await findGuest(db, accountId, found.id))!;
  if (!(await guestHoldsKey(db, accountId, guest.id, keySource, keyValue))) throw notFound(`key "${keySource}:${keyValue}" of guest ${guest.id}`);

  const merges = await db
    .selectFrom('guest_merges')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('survivor_id', '=', guest.id)
    .where('split_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(MAX_MERGES)
    .execute();
  for (const row of merges) {
    const record = readMergeRecord(row);
    if (!record.moved.guest_keys?.some(([source, value]) => source === keySource && value === keyValue)) continue;
    await lockGuestRows(db, accountId, [guest.id, row.merged_id]);
    const { survivor, restored, movedBack } = await restoreMerge(db, accountId, record);
    const requests = await loopsReassigned(ctx, (record.moved.loops as number[] | undefined) ?? []);
    return { guest: survivor, splitOff: restored, restoredMergeId: row.id, moved: movedBack, requests };
  }
  const { guest: splitOff, moved } = await splitKeyOff(ctx, guest, keySource, keyValue);
  return { guest, splitOff, restoredMergeId: null, moved, requests: [] };
}
