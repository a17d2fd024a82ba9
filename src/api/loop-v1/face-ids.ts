import { employeeFaceIds, findEmployeeRowId } from '../../core/accounts/employee-face-ids.js';
import { feedbackFaceIds, findFeedbackRowId } from '../../core/feedback/face-ids.js';
import { findGuestRowId, guestFaceIds } from '../../core/guests/face-ids.js';
import { findLocationsRowId, locationsFaceIds } from '../../core/locations/face-ids.js';
import type { Db } from '../../db/database.js';
import { decodeId, encodeId, type LoopIdKind } from './ids.js';

/*
 * Loop ids of rows that may have kept the id the hotel used in Loop itself (issue 11): a row that
 * kept one is shown and found under it for ever, and its own rendering (ids.ts) names nothing; a
 * row that kept none is shown under its rendering. Loops, activities, options and responses are
 * never imported: their ids are always rendered.
 */
export type KeptLoopKind = 'location' | 'looptype' | 'customfield' | 'survey' | 'question' | 'employee' | 'guest';

/** Loop's own ids: 24 lower-case hex digits (MongoDB ObjectIds). */
export const LOOP_HEX_ID = /^[0-9a-f]{24}$/;

/** The id a row is shown under: the Loop id it kept, else our rendering of its key. */
export function loopIdOf(kind: KeptLoopKind, row: { id: number; loop_id: string | null }): string {
  return row.loop_id ?? encodeId(kind, row.id);
}

/** The key of the account's row a Loop id names, or undefined (the face's 404). */
export async function loopRowId(db: Db, accountId: number, kind: KeptLoopKind, value: unknown): Promise<number | undefined> {
  if (typeof value !== 'string' || !LOOP_HEX_ID.test(value)) return undefined;
  const native = decodeId(kind, value);
  switch (kind) {
    case 'location':
    case 'looptype':
    case 'customfield':
      return findLocationsRowId(db, accountId, kind, 'loop', value, native);
    case 'survey':
      return findFeedbackRowId(db, accountId, 'evaluation', 'loop', value, native);
    case 'question':
      return findFeedbackRowId(db, accountId, 'question', 'loop', value, native);
    case 'employee':
      return findEmployeeRowId(db, accountId, 'loop', value, native);
    case 'guest':
      return findGuestRowId(db, accountId, 'loop', value, native);
  }
}

/** Loop ids of rows named by key elsewhere (an employee's locations, a loop's creator): key -> id. */
export type LoopIds = (id: number) => string;

/** The Loop ids of the rows `ids` names, for presenters that show rows by key. */
export async function loopIdsOf(db: Db, accountId: number, kind: KeptLoopKind, ids: readonly number[]): Promise<LoopIds> {
  const kept = await keptIds(db, accountId, kind, ids);
  return (id) => {
    const value = kept.get(id);
    return typeof value === 'string' ? value : encodeId(kind, id);
  };
}

function keptIds(db: Db, accountId: number, kind: KeptLoopKind, ids: readonly number[]) {
  switch (kind) {
    case 'location':
    case 'looptype':
    case 'customfield':
      return locationsFaceIds(db, accountId, kind, 'loop', ids);
    case 'survey':
      return feedbackFaceIds(db, accountId, 'evaluation', 'loop', ids);
    case 'question':
      return feedbackFaceIds(db, accountId, 'question', 'loop', ids);
    case 'employee':
      return employeeFaceIds(db, accountId, 'loop', ids);
    case 'guest':
      return guestFaceIds(db, accountId, 'loop', ids);
  }
}

/** The Loop id a value in our own rendering of `kind` would name, for an import to refuse it. */
export function nativeLoopKey(kind: LoopIdKind, value: string): number | undefined {
  return decodeId(kind, value);
}
