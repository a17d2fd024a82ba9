import type { Db } from '../../db/database.js';
import type { Location } from '../../db/schema.js';
import { listUnits } from '../locations/units.js';

/** The lowest evaluation id linked to each location of the account (location id -> evaluation id). */
async function firstLinkedEvaluations(db: Db, accountId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('evaluation_locations')
    .select((eb) => ['location_id', eb.fn.min<number>('evaluation_id').as('first')])
    .where('account_id', '=', accountId)
    .groupBy('location_id')
    .execute();
  return new Map(rows.map((r) => [r.location_id, Number(r.first)]));
}

/**
 * The account's units (locations and chains), by id, each with the evaluation it uses by default.
 * A unit whose default evaluation was never chosen has its first linked survey as the default
 * ("usually there is a single evaluation"), so the default-evaluation shorthand works as soon as a
 * survey is linked to it, as surveys are when created with their locations. Chains keep only a
 * chosen default. Readers of feedback use this list; locations/units.ts lists the units as stored.
 */
export async function listUnitsWithDefaultEvaluation(db: Db, accountId: number): Promise<Location[]> {
  const units = await listUnits(db, accountId);
  if (units.every((u) => u.default_evaluation_id !== null || u.kind === 'chain')) return units;
  const first = await firstLinkedEvaluations(db, accountId);
  return units.map((unit) =>
    unit.default_evaluation_id === null && unit.kind !== 'chain' && first.has(unit.id) ? { ...unit, default_evaluation_id: first.get(unit.id)! } : unit,
  );
}
