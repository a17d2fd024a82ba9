import {
  type Face,
  type FaceIdRef,
  faceIdTable,
  faceIdsOf,
  keepFaceId,
  keptFaceIds,
  releaseFaceIds,
  type KeepResult,
  rowIdByFaceId,
} from '../../db/face-ids.js';
import type { Db } from '../../db/database.js';

/*
 * Imported face ids of this module's rows: evaluations (Loop surveys, Loopon evaluations) and
 * questions (Loop survey question categories, Loopon questions). See db/face-ids.ts.
 */
export type FeedbackFaceKind = 'evaluation' | 'question';

function ref(kind: FeedbackFaceKind, face: Face, accountId: number): FaceIdRef {
  if (kind === 'question') return faceIdTable({ table: 'questions', face, accountId });
  return faceIdTable({ table: 'evaluations', face, accountId });
}

/** The row id a face id names (see rowIdByFaceId), or undefined. */
export function findFeedbackRowId(
  db: Db,
  accountId: number,
  kind: FeedbackFaceKind,
  face: Face,
  kept: string | number | undefined,
  native: number | undefined,
) {
  return rowIdByFaceId(db, ref(kind, face, accountId), kept, native);
}

/** The kept face ids (null: none) of rows of the account, by row id. */
export function feedbackFaceIds(db: Db, accountId: number, kind: FeedbackFaceKind, face: Face, ids: readonly number[]) {
  return faceIdsOf(db, ref(kind, face, accountId), ids);
}

/** Every kept face id of one kind in the account, by row id. */
export function keptFeedbackFaceIds(db: Db, accountId: number, kind: FeedbackFaceKind, face: Face) {
  return keptFaceIds(db, ref(kind, face, accountId));
}

/** Keeps an imported face id on a row (see keepFaceId). */
export function keepFeedbackFaceId(
  db: Db,
  accountId: number,
  kind: FeedbackFaceKind,
  face: Face,
  rowId: number,
  value: string | number,
  native: number | undefined,
): Promise<KeepResult> {
  return keepFaceId(db, ref(kind, face, accountId), rowId, value, native);
}

/** The questions of an older question set give their kept ids up for the new set's questions. */
export function releaseQuestionFaceIds(db: Db, accountId: number, face: Face, questionIds: readonly number[]): Promise<void> {
  return releaseFaceIds(db, faceIdTable({ table: 'questions', face, accountId }), questionIds);
}
