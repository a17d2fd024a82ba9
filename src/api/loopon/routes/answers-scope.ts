import type { FastifyRequest } from 'fastify';
import { resolveFeedbackScope, type FeedbackScope } from '../../../core/feedback/evaluation-scope.js';
import type { Db } from '../../../db/database.js';
import type { Location } from '../../../db/schema.js';
import { requireScope, unitFor } from '../access.js';
import { evaluationRowId, type LooponIds } from '../face-ids.js';
import { notFound } from '../../../core/shared/errors.js';
import type { LooponScope } from '../context.js';

/**
 * The paths of a survey endpoint: Loopon's /units/{unitId}/evaluations/{evaluationId}/..., the
 * /units/{unitId}/evaluation/... shorthand for the default evaluation, and (hidden from the docs)
 * /units/{unitId}/evaluation/{evaluationId}/..., which the document's own example uses.
 */
export function evaluationPaths(suffix: string): Array<{ path: string; hide: boolean }> {
  return [
    { path: `/units/:unitId/evaluations/:evaluationId${suffix}`, hide: false },
    { path: `/units/:unitId/evaluation${suffix}`, hide: false },
    { path: `/units/:unitId/evaluation/:evaluationId${suffix}`, hide: true },
  ];
}

export interface ScopedRequest {
  unit: Location;
  units: Location[];
  ids: LooponIds;
  scope: FeedbackScope;
}

/**
 * Checks the scopes (basic and `scope`: 403), the unit (404 unknown, 403 not granted) and the
 * evaluation (404), and resolves what feedback the request stands for.
 */
export async function scopedRequest(
  db: Db,
  request: FastifyRequest,
  params: { unitId: string; evaluationId?: string },
  scope: LooponScope,
): Promise<ScopedRequest> {
  requireScope(request, scope);
  const { unit, units, ids } = await unitFor(db, request, params.unitId);
  const evaluation = params.evaluationId === undefined ? 'default' : await evaluationRowId(db, request.grant.accountId, params.evaluationId);
  if (evaluation === undefined) throw notFound('evaluation');
  return { unit, units, ids, scope: await resolveFeedbackScope(db, request.grant.accountId, unit, units, evaluation) };
}
