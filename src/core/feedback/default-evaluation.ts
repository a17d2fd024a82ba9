import type { Db } from '../../db/database.js';
import { storeDefaultEvaluation } from '../locations/default-evaluation.js';
import { getLocation } from '../locations/locations.js';
import { badRequest } from '../shared/errors.js';
import { findEvaluation } from './evaluations.js';

/**
 * Sets (or clears, with null) the survey a location uses by default. The column has no foreign
 * key, so the survey is checked here: it must belong to the same account. Deleting a survey
 * clears it again (deleteEvaluation).
 */
export async function setLocationDefaultEvaluation(db: Db, accountId: number, locationId: number, evaluationId: number | null): Promise<void> {
  await getLocation(db, accountId, locationId);
  if (evaluationId !== null && !(await findEvaluation(db, accountId, evaluationId))) {
    throw badRequest(`survey ${evaluationId} does not exist`);
  }
  await storeDefaultEvaluation(db, accountId, locationId, evaluationId);
}
