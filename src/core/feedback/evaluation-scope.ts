import type { Db } from '../../db/database.js';
import type { Location } from '../../db/schema.js';
import { memberUnits } from '../locations/units.js';
import { AppError, notFound } from '../shared/errors.js';

/**
 * What a unit and an evaluation (or the unit's default one) stand for when reading feedback:
 * pairs of a hotel and the evaluations whose feedback counts there.
 *
 * - A hotel: itself with the named evaluation, or with its default evaluation.
 * - A chain: its member units with the named evaluation (or the chain's default): the units "with
 *   compatible evaluations" are those that use that same evaluation, so a restaurant with its own
 *   survey does not count in the hotels' NPS. The shorthand of a chain
 *   without a default evaluation is each unit with its own default evaluation.
 */
export interface FeedbackScope {
  pairs: Array<{ locationId: number; evaluationIds: number[] }>;
  locationIds: number[];
  evaluationIds: number[];
}

function scopeOf(pairs: FeedbackScope['pairs'], evaluationIds?: number[]): FeedbackScope {
  const kept = pairs.filter((p) => p.evaluationIds.length > 0);
  return {
    pairs: kept,
    locationIds: kept.map((p) => p.locationId),
    evaluationIds: [...new Set(evaluationIds ?? kept.flatMap((p) => p.evaluationIds))].sort((a, b) => a - b),
  };
}

/** True when `evaluationId` is used at one of `locations` (linked, default, or answered there). */
async function usedAt(db: Db, accountId: number, evaluationId: number, locations: Location[]): Promise<boolean> {
  if (locations.some((l) => l.default_evaluation_id === evaluationId)) return true;
  const ids = locations.map((l) => l.id);
  if (ids.length === 0) return false;
  const linked = await db
    .selectFrom('evaluation_locations')
    .select('evaluation_id')
    .where('account_id', '=', accountId)
    .where('evaluation_id', '=', evaluationId)
    .where('location_id', 'in', ids)
    .executeTakeFirst();
  if (linked) return true;
  const answered = await db
    .selectFrom('answer_documents')
    .select('id')
    .where('account_id', '=', accountId)
    .where('evaluation_id', '=', evaluationId)
    .where('location_id', 'in', ids)
    .limit(1)
    .executeTakeFirst();
  return answered !== undefined;
}

/**
 * Resolves a unit and evaluation (a number, or 'default' for the unit's default evaluation) to
 * the feedback they stand for. An evaluation not used at the unit is a 404, so a client
 * limited to some units cannot read other units' surveys.
 */
export async function resolveFeedbackScope(
  db: Db,
  accountId: number,
  unit: Location,
  units: Location[],
  evaluation: number | 'default',
): Promise<FeedbackScope> {
  const members = memberUnits(units, unit);
  const isChain = unit.kind === 'chain';
  if (evaluation === 'default' && isChain && unit.default_evaluation_id === null) {
    const scope = scopeOf(members.map((m) => ({ locationId: m.id, evaluationIds: m.default_evaluation_id === null ? [] : [m.default_evaluation_id] })));
    if (scope.pairs.length === 0) throw new AppError('not_found', 404, 'neither this chain nor its units have a default evaluation');
    return scope;
  }
  const evaluationId = evaluation === 'default' ? unit.default_evaluation_id : evaluation;
  if (evaluationId === null) throw new AppError('not_found', 404, 'this unit has no default evaluation');
  if (evaluation !== 'default' && !(await usedAt(db, accountId, evaluationId, [unit, ...members]))) throw notFound('evaluation');
  if (!isChain) return scopeOf([{ locationId: unit.id, evaluationIds: [evaluationId] }]);
  const pairs = members.map((m) => ({ locationId: m.id, evaluationIds: [evaluationId] }));
  // A chain without hotels still has its evaluation: its questions can be read, its scores are empty.
  return scopeOf(pairs, [evaluationId]);
}

/** True when feedback of (location, evaluation) belongs to the scope. */
export function inScope(scope: FeedbackScope, locationId: number, evaluationId: number): boolean {
  return scope.pairs.some((p) => p.locationId === locationId && p.evaluationIds.includes(evaluationId));
}
