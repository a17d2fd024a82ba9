import { Type } from '@sinclair/typebox';
import { evaluationLocationIds, findEvaluationByShortcode, listEvaluations, listEvaluationsForLocation } from '../../../core/feedback/evaluations.js';
import { currentQuestionSet, loadQuestionSetTrees } from '../../../core/feedback/question-sets.js';
import { notFound } from '../../../core/shared/errors.js';
import type { Db } from '../../../db/database.js';
import type { Evaluation } from '../../../db/schema.js';
import type { LoopApp, LoopDeps } from '../context.js';
import { presentSurvey } from '../presenters.js';
import { loopIdsOf } from '../face-ids.js';
import { SurveySchema, VersionParams, errorResponses } from '../schemas.js';
import { resolveLocation } from './resolve.js';

async function presentSurveys(db: Db, accountId: number, evaluations: Evaluation[]) {
  const sets = [];
  for (const e of evaluations) {
    const set = await currentQuestionSet(db, accountId, e.id);
    if (set) sets.push(set);
  }
  const trees = await loadQuestionSetTrees(db, accountId, sets);
  const links = await evaluationLocationIds(
    db,
    accountId,
    evaluations.map((e) => e.id),
  );
  const locationIds = await loopIdsOf(db, accountId, 'location', [...links.values()].flat());
  return evaluations.map((e) =>
    presentSurvey(
      e,
      trees.find((t) => t.set.evaluation_id === e.id),
      links.get(e.id) ?? [],
      locationIds,
    ),
  );
}

/** Surveys: list, by shortcode, by location (?location=<shortcode or id>). */
export async function surveyRoutes(app: LoopApp, { db }: LoopDeps): Promise<void> {
  app.get(
    '/surveys',
    {
      schema: {
        summary: 'List surveys, or the surveys of a location',
        params: VersionParams,
        querystring: Type.Object({
          authToken: Type.Optional(Type.String()),
          location: Type.Optional(Type.String({ description: 'location shortcode or id' })),
        }),
        response: { 200: Type.Object({ surveys: Type.Array(SurveySchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const ref = request.query.location?.trim();
      const evaluations = ref
        ? await listEvaluationsForLocation(db, accountId, (await resolveLocation(db, accountId, ref)).id)
        : await listEvaluations(db, accountId);
      return { surveys: await presentSurveys(db, accountId, evaluations) };
    },
  );

  app.get(
    '/surveys/:shortcode',
    {
      schema: {
        summary: 'Get a survey by its shortcode',
        params: Type.Object({ version: Type.String(), shortcode: Type.String() }),
        querystring: Type.Object({ authToken: Type.Optional(Type.String()) }),
        response: { 200: SurveySchema, ...errorResponses },
      },
    },
    async (request) => {
      const evaluation = await findEvaluationByShortcode(db, request.accountId, request.params.shortcode);
      if (!evaluation) throw notFound(`survey with shortcode "${request.params.shortcode}"`);
      const [survey] = await presentSurveys(db, request.accountId, [evaluation]);
      return survey;
    },
  );
}
