import type { Evaluation, Location } from '../../db/schema.js';
import { parseJson, pickText, type I18nText } from '../../core/shared/json.js';
import { type LooponIds, looponUnitId } from './face-ids.js';

/* Plain functions rendering rows in the Loopon Public API's shapes (integer ids). */

export function unitName(location: Location): string {
  return pickText(parseJson<I18nText>(location.title, {}));
}

/** A unit; `withPropertyCode` is false for units shown inside competitive sets (basic scope rule). */
export function presentUnit(location: Location, ids: LooponIds, withPropertyCode = true) {
  return {
    unitId: looponUnitId(location),
    propertyCode: withPropertyCode ? location.property_code : null,
    name: unitName(location),
    defaultEvaluationId: location.default_evaluation_id === null ? null : ids.evaluation(location.default_evaluation_id),
  };
}

export function presentEvaluation(evaluation: Evaluation, defaultEvaluationId: number | null) {
  return { evaluationId: evaluation.loopon_id ?? evaluation.id, name: evaluation.name, isDefault: evaluation.id === defaultEvaluationId };
}
