import type { Db } from '../../db/database.js';
import type { Guest } from '../../db/schema.js';
import { parseJson } from '../shared/json.js';
import { restoreMergedGuest, writeGuestProfile, type GuestProfile } from '../guests/guest-merge-state.js';
import { findGuestRow } from '../guests/guests.js';
import { moveGuestRowsBack } from './guest-links.js';
import { PROFILE_COLUMNS, type MergeRecord } from './merge-record.js';

export interface RestoredMerge {
  /** the survivor, without what the merge brought */
  survivor: Guest;
  /** the merged-away guest, itself again (same id) */
  restored: Guest;
  /** rows that went back, per table */
  movedBack: Record<string, number>;
}

/**
 * Undoes a recorded merge, for a split of a key that came with it: the merged guest gets its row
 * back as the snapshot holds it (merged_into_id cleared), every row the merge moved that is still
 * on the survivor goes back, the survivor's fields the merge filled are emptied where they still
 * hold the filled value, and the merge is marked split. Run inside the caller's transaction, with
 * both guests locked.
 */
export async function restoreMerge(db: Db, accountId: number, record: MergeRecord): Promise<RestoredMerge> {
  const { merge, snapshot, moved, filled } = record;
  const now = Date.now();
  const movedBack = await moveGuestRowsBack(db, accountId, moved, merge.survivor_id, merge.merged_id);

  const survivor = await findGuestRow(db, accountId, merge.survivor_id);
  if (!survivor) throw new Error(`guest ${merge.survivor_id} of merge ${merge.id} is gone`);
  const revert: GuestProfile = {};
  for (const column of PROFILE_COLUMNS) {
    if (filled[column] !== undefined && survivor[column] === filled[column]) revert[column] = null;
  }
  if (filled.custom_fields) {
    const current = parseJson<Record<string, string>>(survivor.custom_fields, {});
    const kept = Object.fromEntries(Object.entries(current).filter(([key, value]) => filled.custom_fields![key] !== value));
    if (Object.keys(kept).length !== Object.keys(current).length) revert.custom_fields = JSON.stringify(kept);
  }
  const reverted = Object.keys(revert).length ? await writeGuestProfile(db, accountId, survivor.id, revert, now) : survivor;

  const profile = Object.fromEntries(PROFILE_COLUMNS.map((column) => [column, snapshot[column] ?? null]));
  const restored = await restoreMergedGuest(db, accountId, merge.merged_id, { ...profile, custom_fields: snapshot.custom_fields ?? '{}' }, now);
  await db.updateTable('guest_merges').set({ split_at: now }).where('account_id', '=', accountId).where('id', '=', merge.id).execute();
  return { survivor: reverted, restored, movedBack };
}
