import { loopsReassigned, type LoopWithActivities } from '../requests/loop-changes.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Guest, GuestMerge } from '../../db/schema.js';
import { badRequest, conflict, notFound } from '../shared/errors.js';
import { parseJson } from '../shared/json.js';
import { lockGuestRows, markGuestMerged, writeGuestProfile } from '../guests/guest-merge-state.js';
import { findGuestRow } from '../guests/guests.js';
import { moveGuestRows, type MovedRows } from './guest-links.js';
import { mergeRefusal } from './merge-checks.js';
import { PROFILE_COLUMNS, writeMoved, type FilledFields } from './merge-record.js';
import { recordEvent } from '../events/record-event.js';
import type { WriteContext } from '../shared/write-context.js';

export interface MergedGuests {
  /** the audit row (guest_merges) */
  merge: GuestMerge;
  /** the survivor after the merge */
  survivor: Guest;
  /** the merged-away guest's row after the merge (merged_into_id = survivor) */
  merged: Guest;
  moved: MovedRows;
  filled: FilledFields;
  /** the guest requests (loops) that moved to the survivor, as they are now (request.updated each) */
  requests: LoopWithActivities[];
}

/**
 * Makes two guest records one person, when staff know they are: everything of `otherId` (keys,
 * stays, loops, answers, journey, chat, match records) moves to `survivorId`, the survivor's empty
 * profile fields are filled from it, and the other row stays as a pointer, without e-mail or
 * mobile, so that its ids keep answering as the survivor while matching never finds it. Audited in
 * guest_merges with all it takes to undo (splitGuest). Run inside the caller's transaction; a
 * refusal (400, 404, 409) changes nothing.
 */
export async function mergeGuests(ctx: WriteContext, survivorId: number, otherId: number): Promise<MergedGuests> {
  const { trx: db, accountId, actor } = ctx;
  if (survivorId === otherId) throw badRequest(`a guest cannot be merged into itself (guest ${survivorId})`);
  await lockGuestRows(db, accountId, [survivorId, otherId]);
  const [survivor, other] = await Promise.all([findGuestRow(db, accountId, survivorId), findGuestRow(db, accountId, otherId)]);
  if (!survivor) throw notFound(`guest ${survivorId}`);
  if (!other) throw notFound(`guest ${otherId}`);
  for (const guest of [survivor, other]) {
    if (guest.merged_into_id !== null) {
      throw conflict(`guest ${guest.id} was already merged into guest ${guest.merged_into_id}; merge guest ${guest.merged_into_id} instead`);
    }
  }
  const refusal = await mergeRefusal(db, accountId, survivorId, otherId);
  if (refusal) throw conflict(refusal);

  const now = Date.now();
  const moved = await moveGuestRows(db, accountId, otherId, survivorId).catch((err: unknown) => {
    // A row unique per guest that no check covers yet: refused as a whole, like the checked ones.
    if (isUniqueViolation(err)) throw conflict('both guests hold a row that must stay single per guest; resolve it first');
    throw err;
  });
  const filled = fillableFields(survivor, other);
  // The other guest gives up its contact values first: it no longer names anyone.
  const merged = await markGuestMerged(db, accountId, otherId, survivorId, now);
  const set = { ...filled, custom_fields: filled.custom_fields ? JSON.stringify({ ...customFields(survivor), ...filled.custom_fields }) : undefined };
  const updated = Object.keys(filled).length ? await writeGuestProfile(db, accountId, survivorId, set, now) : survivor;
  const merge = await db
    .insertInto('guest_merges')
    .values({
      account_id: accountId,
      survivor_id: survivorId,
      merged_id: otherId,
      actor,
      snapshot: JSON.stringify(other),
      moved: writeMoved(moved, filled),
      created_at: now,
      split_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const result = { merge, survivor: updated, merged, moved, filled };
  await recordEvent(ctx, { type: 'guest.merged', subjects: { guestId: survivorId, mergedId: otherId }, data: result, at: now });
  const requests = await loopsReassigned(ctx, (moved.loops as number[] | undefined) ?? [], now);
  return { ...result, requests };
}

const customFields = (guest: Guest) => parseJson<Record<string, string>>(guest.custom_fields, {});

/** The survivor's empty fields the other guest has a value for, with that value. */
function fillableFields(survivor: Guest, other: Guest): FilledFields {
  const filled: FilledFields = {};
  for (const column of PROFILE_COLUMNS) {
    const value = other[column];
    if (survivor[column] === null && value !== null) filled[column] = value;
  }
  const mine = customFields(survivor);
  const theirs = customFields(other);
  const added = Object.fromEntries(Object.entries(theirs).filter(([key]) => !(key in mine)));
  if (Object.keys(added).length) filled.custom_fields = added;
  return filled;
}
