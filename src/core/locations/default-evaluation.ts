import type { Db } from '../../db/database.js';
import { findEvaluation } from '../feedback/evaluations.js';
import { badRequest } from '../shared/errors.js';
import { getLocation } from './locations.js';

/**
 * Sets (or clears, with null) the survey a location uses by default. The column has no foreign
 * key, so the survey is checked here: it must belong to the same account.
 */
export async function setLocationDefaultEvaluation(db: Db, accountId: number, locationId: number, evaluationId: number | null): Promise<void> {
  await getLocation(db, accountId, locationId);
  if (evaluationId !== null && !(await findEvaluation(db, accountId, evaluationId))) {
    throw badRequest(`survey ${evaluationId} does not exist`);
  }
  await db
    .updateTable('locations')
    .set({ default_evaluation_id: evaluationId, updated_at: Date.now() })
    .where('account_id', '=', accountId)
    .where('id', '=', locationId)
    .execute();
}

/** Clears every location's default survey that points at `evaluationId`, before it is deleted. */
export async function clearDefaultEvaluation(db: Db, accountId: number, evaluationId: number): Promise<void> {
  await db
    .updateTable('locations')
    .set({ default_evaluation_id: null, updated_at: Date.now() })
    .where('account_id', '=', accountId)
    .where('default_evaluation_id', '=', evaluationId)
    .execute();
}
