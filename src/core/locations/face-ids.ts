import { type Face, type FaceIdRef, faceIdTable, faceIdsOf, keepFaceId, keptFaceIds, type KeepResult, rowIdByFaceId } from '../../db/face-ids.js';
import type { Db } from '../../db/database.js';

/*
 * Imported face ids of this module's rows (locations and units, chains, loop types, custom
 * fields): see db/face-ids.ts. Loop keeps ids of all three; Loopon of locations (units, chains).
 */
export type LocationsFaceKind = 'location' | 'looptype' | 'customfield';

function ref(kind: LocationsFaceKind, face: Face, accountId: number): FaceIdRef {
  if (kind === 'looptype') return faceIdTable({ table: 'loop_types', face, accountId });
  if (kind === 'customfield') return faceIdTable({ table: 'custom_fields', face, accountId });
  return faceIdTable({ table: 'locations', face, accountId });
}

/** The row id a face id names (see rowIdByFaceId), or undefined. */
export function findLocationsRowId(
  db: Db,
  accountId: number,
  kind: LocationsFaceKind,
  face: Face,
  kept: string | number | undefined,
  native: number | undefined,
) {
  return rowIdByFaceId(db, ref(kind, face, accountId), kept, native);
}

/** The kept face ids (null: none) of rows of the account, by row id. */
export function locationsFaceIds(db: Db, accountId: number, kind: LocationsFaceKind, face: Face, ids: readonly number[]) {
  return faceIdsOf(db, ref(kind, face, accountId), ids);
}

/** Every kept face id of one kind in the account, by row id. */
export function keptLocationsFaceIds(db: Db, accountId: number, kind: LocationsFaceKind, face: Face) {
  return keptFaceIds(db, ref(kind, face, accountId));
}

/** Keeps an imported face id on a row (see keepFaceId). */
export function keepLocationsFaceId(
  db: Db,
  accountId: number,
  kind: LocationsFaceKind,
  face: Face,
  rowId: number,
  value: string | number,
  native: number | undefined,
): Promise<KeepResult> {
  return keepFaceId(db, ref(kind, face, accountId), rowId, value, native);
}
