import type { Db } from '../../db/database.js';
import type { Guest, GuestMerge } from '../../db/schema.js';
import { parseJson } from '../shared/json.js';
import type { MovedRows } from './guest-links.js';

/*
 * The audit row of a merge (guest_merges), which is also what undoing it needs: `snapshot` is the
 * merged guest's row before the merge; `moved` is {table: row ids} of what moved to the survivor
 * (guest_keys as [source, key] pairs), plus `filled`: the survivor's empty profile fields the merge
 * filled from the merged guest, with the values it wrote (custom fields key by key).
 */

/** Profile columns a merge fills on the survivor when they are empty (null) there. */
export const PROFILE_COLUMNS = ['first_name', 'last_name', 'name', 'email', 'mobile', 'language', 'vip_status', 'group_name'] as const;
export type ProfileColumn = (typeof PROFILE_COLUMNS)[number];

export type FilledFields = Partial<Record<ProfileColumn, string>> & { custom_fields?: Record<string, string> };

export interface MergeRecord {
  merge: GuestMerge;
  snapshot: Guest;
  moved: MovedRows;
  filled: FilledFields;
}

/** The `moved` column's text: what moved and what was filled. */
export function writeMoved(moved: MovedRows, filled: FilledFields): string {
  return JSON.stringify({ ...moved, filled });
}

/** A guest_merges row with its JSON read. */
export function readMergeRecord(merge: GuestMerge): MergeRecord {
  const { filled, ...moved } = parseJson<MovedRows & { filled?: FilledFields }>(merge.moved, {});
  return { merge, snapshot: parseJson<Guest>(merge.snapshot, {} as Guest), moved: moved as MovedRows, filled: filled ?? {} };
}

/** The merges a guest survived, latest first (split ones included, with split_at set). */
export async function listMergesSurvived(db: Db, accountId: number, survivorId: number, limit = 200): Promise<MergeRecord[]> {
  const rows = await db
    .selectFrom('guest_merges')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('survivor_id', '=', survivorId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(readMergeRecord);
}
