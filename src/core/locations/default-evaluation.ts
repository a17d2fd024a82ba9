import type { Db } from '../../db/database.js';
import { notFound } from '../shared/errors.js';
import { locationsChanged } from './locations.js';

/*
 * A location's default survey is a column of the location; which surveys exist is feedback's to
 * say. feedback/default-evaluation.ts checks the survey and calls these; nothing else should.
 */

/** Stores the survey a location uses by default (null: none); the caller has checked the survey. */
export async function storeDefaultEvaluation(db: Db, accountId: number, locationId: number, evaluationId: number | null): Promise<void> {
  const result = await db
    .updateTable('locations')
    .set({ default_evaluation_id: evaluationId, updated_at: Date.now() })
    .where('account_id', '=', accountId)
    .where('id', '=', locationId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw notFound('location');
  await locationsChanged(db, accountId);
}

/** Clears every location's default survey that points at `evaluationId`, before it is deleted. */
export async function clearDefaultEvaluation(db: Db, accountId: number, evaluationId: number): Promise<void> {
  await db
    .updateTable('locations')
    .set({ default_evaluation_id: null, updated_at: Date.now() })
    .where('account_id', '=', accountId)
    .where('default_evaluation_id', '=', evaluationId)
    .execute();
  await locationsChanged(db, accountId);
}
