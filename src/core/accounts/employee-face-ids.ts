import { type Face, faceIdTable, faceIdsOf, keepFaceId, type KeepResult, rowIdByFaceId } from '../../db/face-ids.js';
import type { Db } from '../../db/database.js';

// Imported face ids of employees (Loop users): see db/face-ids.ts.

/** The row id a face id names (see rowIdByFaceId), or undefined. */
export function findEmployeeRowId(db: Db, accountId: number, face: Face, kept: string | number | undefined, native: number | undefined) {
  return rowIdByFaceId(db, faceIdTable({ table: 'employees', face, accountId }), kept, native);
}

/** The kept face ids (null: none) of rows of the account, by row id. */
export function employeeFaceIds(db: Db, accountId: number, face: Face, ids: readonly number[]) {
  return faceIdsOf(db, faceIdTable({ table: 'employees', face, accountId }), ids);
}

/** Keeps an imported face id on a row (see keepFaceId). */
export function keepEmployeeFaceId(
  db: Db,
  accountId: number,
  face: Face,
  rowId: number,
  value: string | number,
  native: number | undefined,
): Promise<KeepResult> {
  return keepFaceId(db, faceIdTable({ table: 'employees', face, accountId }), rowId, value, native);
}
