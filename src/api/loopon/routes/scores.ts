import { Type, type Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { NPS_SEMANTIC_ID, readScore } from '../../../core/feedback/scores.js';
import type { LooponApp, LooponDeps } from '../context.js';
import { errors } from '../schemas.js';
import { presentScore } from './answers-presenters.js';
import { EvaluationParams, ScoreSchema, SourceQuery } from './answers-schemas.js';
import { evaluationPaths, scopedRequest } from './answers-scope.js';
import { readDateRange, readSemanticId, readSourceFilter, unknownSemanticId } from './feedback-query.js';

const ScoreQuery = Type.Object({
  startDate: Type.Optional(Type.String({ description: 'first checkout date, YYYY-MM-DD; default endDate minus 30 days' })),
  endDate: Type.Optional(Type.String({ description: 'last checkout date, YYYY-MM-DD; default today' })),
  ...SourceQuery,
});

type ScoreRequest = FastifyRequest<{ Params: Static<typeof EvaluationParams>; Querystring: Static<typeof ScoreQuery> }>;

const description =
  'Dates refer to the checkout date of the guest (feedback without a stay counts on the day it was received). ' +
  'By default only e-mail/SMS survey answers count. For a chain, the aggregate of its units with compatible evaluations.';

/** Simple survey operations: the score of a semantic id, and the NPS. */
export async function scoreRoutes(app: LooponApp, { db }: LooponDeps): Promise<void> {
  // Checks in order: scopes and unit (403/404), evaluation (404), semantic id and dates (400).
  const handle = async (request: ScoreRequest, semantic: string) => {
    const { scope } = await scopedRequest(db, request, request.params, 'read_scores');
    const semanticId = readSemanticId(semantic);
    const range = readDateRange(request.query.startDate, request.query.endDate);
    const filter = readSourceFilter(request.query.source, request.query.reputationSources, 'email');
    const score = await readScore(db, request.grant.accountId, scope, semanticId, range, filter);
    if (!score) throw unknownSemanticId(semanticId);
    return presentScore(score, semanticId === NPS_SEMANTIC_ID);
  };

  for (const { path, hide } of evaluationPaths('/scores/nps')) {
    app.get(
      path,
      {
        schema: {
          hide,
          summary: 'Get the NPS score within an optional date range (default: the last 30 days)',
          description,
          params: EvaluationParams,
          querystring: ScoreQuery,
          response: { 200: ScoreSchema, ...errors(400, 403, 404) },
        },
      },
      async (request) => handle(request, String(NPS_SEMANTIC_ID)),
    );
  }

  for (const { path, hide } of evaluationPaths('/scores/:semanticId')) {
    app.get(
      path,
      {
        schema: {
          hide,
          summary: 'Get the score of the question with a semantic id within an optional date range',
          description: `${description} Semantic id 0 is the NPS. Other ids: score is the average normalised score in percent.`,
          params: Type.Composite([EvaluationParams, Type.Object({ semanticId: Type.String() })]),
          querystring: ScoreQuery,
          response: { 200: ScoreSchema, ...errors(400, 403, 404) },
        },
      },
      async (request) => handle(request, request.params.semanticId),
    );
  }
}
