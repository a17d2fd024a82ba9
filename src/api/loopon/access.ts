import type { FastifyRequest } from 'fastify';
import { listUnitsWithDefaultEvaluation } from '../../core/feedback/unit-default-evaluations.js';
import { accessibleUnits } from '../../core/locations/units.js';
import { AppError, forbidden, notFound } from '../../core/shared/errors.js';
import type { Db } from '../../db/database.js';
import type { Location } from '../../db/schema.js';
import type { LooponScope } from './context.js';

/** 403 unless the access token carries `scope`. */
export function requireScope(request: FastifyRequest, scope: LooponScope): void {
  if (!request.grant.scopes.includes(scope)) throw forbidden(`this access token lacks the ${scope} scope`);
}

/** Parses a path id: a positive integer in range, else 404 (an id that names nothing). */
export function pathId(value: string | number, what: string): number {
  // Only the id as this face renders it: "0xd0", "+210", "000212" or "213e0" name nothing.
  const n = typeof value === 'number' ? value : /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 2147483647) throw notFound(what);
  return n;
}

export interface UnitContext {
  unit: Location;
  /** every unit of the account, for chain walks */
  units: Location[];
}

/**
 * The unit a request names: 404 when it is not one of the account's units, 403 when the client
 * may not use it (as Loopon documents), else the unit and the account's units.
 */
export async function unitFor(db: Db, request: FastifyRequest, unitId: string | number): Promise<UnitContext> {
  const id = pathId(unitId, 'unit');
  const units = await listUnitsWithDefaultEvaluation(db, request.grant.accountId);
  const unit = units.find((u) => u.id === id);
  if (!unit) throw notFound('unit');
  if (!accessibleUnits(units, request.grant.unitIds).some((u) => u.id === id)) {
    throw new AppError('forbidden', 403, 'You are not allowed to access the requested unit');
  }
  return { unit, units };
}
