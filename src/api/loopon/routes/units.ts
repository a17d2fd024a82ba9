import { Type } from '@sinclair/typebox';
import { listEvaluationsForLocation } from '../../../core/feedback/evaluations.js';
import { listUnitsWithDefaultEvaluation } from '../../../core/feedback/unit-default-evaluations.js';
import { accessibleUnits, memberUnits } from '../../../core/locations/units.js';
import type { Evaluation } from '../../../db/schema.js';
import { unitFor } from '../access.js';
import { looponIds } from '../face-ids.js';
import type { LooponApp, LooponDeps } from '../context.js';
import { presentEvaluation, presentUnit } from '../presenters.js';
import { EvaluationSchema, UnitIdParams, UnitSchema, errors } from '../schemas.js';

/** Units (hotels, restaurants, ships, chains) and their evaluations. */
export async function unitRoutes(app: LooponApp, { db }: LooponDeps): Promise<void> {
  app.get(
    '/units',
    {
      schema: {
        summary: 'List the units this client may access',
        querystring: Type.Object({ propertyCode: Type.Optional(Type.String({ description: 'only the unit with this property code' })) }),
        response: { 200: Type.Array(UnitSchema), ...errors(400, 403) },
      },
    },
    async (request) => {
      let units = accessibleUnits(await listUnitsWithDefaultEvaluation(db, request.grant.accountId), request.grant.unitIds);
      const ids = await looponIds(db, request.grant.accountId);
      // An empty ?propertyCode= (a form field left blank) searches for nothing: the full list.
      const code = request.query.propertyCode?.trim();
      if (code) units = units.filter((u) => u.property_code === code);
      return units.map((u) => presentUnit(u, ids));
    },
  );

  // Loopon documents /units/{unitId}; its own demo client calls /unit/{unitId}.
  for (const path of ['/units/:unitId', '/unit/:unitId']) {
    app.get(path, { schema: { summary: 'Get a unit', params: UnitIdParams, response: { 200: UnitSchema, ...errors(403, 404) } } }, async (request) => {
      const { unit, ids } = await unitFor(db, request, request.params.unitId);
      return presentUnit(unit, ids);
    });
  }

  app.get(
    '/units/:unitId/evaluations',
    {
      schema: {
        summary: 'List the evaluations of a unit (for a chain: those of its units)',
        params: UnitIdParams,
        response: { 200: Type.Array(EvaluationSchema), ...errors(403, 404) },
      },
    },
    async (request) => {
      const { unit, units } = await unitFor(db, request, request.params.unitId);
      const byId = new Map<number, Evaluation>();
      for (const u of [unit, ...(unit.kind === 'chain' ? memberUnits(units, unit) : [])]) {
        for (const e of await listEvaluationsForLocation(db, request.grant.accountId, u.id)) byId.set(e.id, e);
      }
      return [...byId.values()].sort((a, b) => a.id - b.id).map((e) => presentEvaluation(e, unit.default_evaluation_id));
    },
  );
}
