import { findFeedbackRowId, keptFeedbackFaceIds } from '../../core/feedback/face-ids.js';
import { keptLocationsFaceIds } from '../../core/locations/face-ids.js';
import type { Db } from '../../db/database.js';
import type { Location } from '../../db/schema.js';
import { pathId } from './path-id.js';

/*
 * Loopon ids of units, evaluations and questions that may have kept the id the hotel used in
 * Loopon itself (issue 11): such a row is shown under the kept id, and answers to it for ever (and
 * to its own key, the id it had before the import). Other rows are shown under their own key,
 * which keepFaceId keeps above every kept id.
 */

/** The unit id of a unit row. */
export function looponUnitId(unit: Pick<Location, 'id' | 'loopon_id'>): number {
  return unit.loopon_id ?? unit.id;
}

/** A unit of `units` a path id names, or undefined. */
export function findUnitByLooponId(units: Location[], value: string | number, what = 'unit'): Location | undefined {
  const n = pathId(value, what);
  return units.find((u) => u.loopon_id === n) ?? units.find((u) => u.id === n);
}

/** Loopon ids by row key, for presenters that show units, evaluations and questions by key. */
export interface LooponIds {
  unit(id: number): number;
  evaluation(id: number): number;
  question(id: number): number;
}

/** The account's kept Loopon ids (only imported rows have one: a few hundred at most). */
export async function looponIds(db: Db, accountId: number): Promise<LooponIds> {
  const units = await keptLocationsFaceIds(db, accountId, 'location', 'loopon');
  const evaluations = await keptFeedbackFaceIds(db, accountId, 'evaluation', 'loopon');
  const questions = await keptFeedbackFaceIds(db, accountId, 'question', 'loopon');
  const lookup = (kept: Map<number, string | number>) => (id: number) => Number(kept.get(id) ?? id);
  return { unit: lookup(units), evaluation: lookup(evaluations), question: lookup(questions) };
}

/** The key of the account's evaluation a path id names, or undefined. */
export async function evaluationRowId(db: Db, accountId: number, value: string): Promise<number | undefined> {
  const n = pathId(value, 'evaluation');
  return findFeedbackRowId(db, accountId, 'evaluation', 'loopon', n, n);
}

/** The key of the account's question a path id names, or undefined. */
export async function questionRowId(db: Db, accountId: number, value: string): Promise<number | undefined> {
  const n = pathId(value, 'question');
  return findFeedbackRowId(db, accountId, 'question', 'loopon', n, n);
}
