import type { FastifyRequest } from 'fastify';
import { listUnitsWithDefaultEvaluation } from '../../core/feedback/unit-default-evaluations.js';
import { accessibleUnits } from '../../core/locations/units.js';
import { AppError, forbidden, notFound } from '../../core/shared/errors.js';
import type { Db } from '../../db/database.js';
import type { Location } from '../../db/schema.js';
import type { LooponScope } from './context.js';
import { pathId } from './path-id.js';
import { findUnitByLooponId, type LooponIds, looponIds } from './face-ids.js';

/** 403 unless the access token carries `scope`. */
export function requireScope(request: FastifyRequest, scope: LooponScope): void {
  if (!request.grant.scopes.includes(scope)) throw forbidden(`this access token lacks the ${scope} scope`);
}

export interface UnitContext {
  unit: Location;
  /** every unit of the account, for chain walks */
  units: Location[];
  /** the account's Loopon ids, for presenters */
  ids: LooponIds;
}

/**
 * The unit a request names: 404 when it is not one of the account's units, 403 when the client
 * may not use it (as Loopon documents), else the unit and the account's units.
 */
export async function unitFor(db: Db, request: FastifyRequest, unitId: string | number): Promise<UnitContext> {
  pathId(unitId, 'unit');
  const units = await listUnitsWithDefaultEvaluation(db, request.grant.accountId);
  const unit = findUnitByLooponId(units, unitId);
  if (!unit) throw notFound('unit');
  if (!accessibleUnits(units, request.grant.unitIds).some((u) => u.id === unit.id)) {
    throw new AppError('forbidden', 403, 'You are not allowed to access the requested unit');
  }
  return { unit, units, ids: await looponIds(db, request.grant.accountId) };
}
