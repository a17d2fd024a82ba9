import { Type, type Static } from '@sinclair/typebox';
import {
  createEvaluation,
  deleteEvaluation,
  evaluationLocationIds,
  getEvaluation,
  listEvaluations,
  updateEvaluation,
  type EvaluationInput,
} from '../../../core/feedback/evaluations.js';
import { currentQuestionSets, listQuestionSets } from '../../../core/feedback/list-question-sets.js';
import { currentQuestionSet, loadQuestionSetTrees } from '../../../core/feedback/question-sets.js';
import type { Db } from '../../../db/database.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { readSections } from '../input.js';
import { presentQuestionSet, presentSurvey, presentSurveySummary } from '../presenters.js';
import { IdParams, NoContent, QuestionSetSchema, SurveyCreate, SurveyPatch, SurveyListSchema, SurveySchema, errors } from '../schemas.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';

const tags = ['surveys'];

function readSurvey(body: Static<typeof SurveyPatch>): EvaluationInput {
  return {
    shortcode: body.shortcode,
    name: body.name,
    description: body.description,
    questionOrderRandomized: body.questionOrderRandomized,
    locationIds: body.locationIds,
    sections: body.sections ? readSections(body.sections) : undefined,
  };
}

/** A survey with its current question set, read with `db` (pass the transaction inside one). */
async function loadSurvey(db: Db, accountId: number, id: number) {
  const evaluation = await getEvaluation(db, accountId, id);
  const set = await currentQuestionSet(db, accountId, id);
  const [tree] = set ? await loadQuestionSetTrees(db, accountId, [set]) : [];
  const links = await evaluationLocationIds(db, accountId, [id]);
  return presentSurvey(evaluation, links.get(id) ?? [], tree);
}

/** Surveys (evaluations): metadata plus a versioned question set; a change of questions is a new version. */
export async function surveyRoutes(app: AdminApp, { db }: AdminDeps): Promise<void> {
  app.get('/surveys', { schema: { tags, summary: 'List surveys', response: { 200: SurveyListSchema, ...errors() } } }, async (request) => {
    const accountId = request.accountId;
    const evaluations = await listEvaluations(db, accountId);
    const ids = evaluations.map((e) => e.id);
    const links = await evaluationLocationIds(db, accountId, ids);
    const sets = await currentQuestionSets(db, accountId, ids);
    return {
      surveys: evaluations.map((e) =>
        presentSurveySummary(
          e,
          links.get(e.id) ?? [],
          sets.find((s) => s.evaluation_id === e.id),
        ),
      ),
    };
  });

  app.post(
    '/surveys',
    {
      schema: {
        tags,
        summary: 'Create a survey with its first question set',
        body: SurveyCreate,
        response: { 201: SurveySchema, ...errors(400, 409, 413) },
      },
    },
    async (request, reply) => {
      const accountId = request.accountId;
      const input = readSurvey(request.body);
      const survey = await inWriteTransaction(db, async (trx) => {
        const evaluation = await createEvaluation(trx, accountId, input);
        return loadSurvey(trx, accountId, evaluation.id);
      });
      return reply.status(201).send(survey);
    },
  );

  app.get(
    '/surveys/:id',
    { schema: { tags, summary: 'Get a survey with its current question set', params: IdParams, response: { 200: SurveySchema, ...errors(400, 404) } } },
    async (request) => loadSurvey(db, request.accountId, request.params.id),
  );

  app.patch(
    '/surveys/:id',
    {
      schema: {
        tags,
        summary: 'Change a survey',
        description:
          'Only the fields sent change. Sending sections creates a new question set (serial + 1) and supersedes the current one; ' +
          'answers already given keep pointing at the questions that were asked.',
        params: IdParams,
        body: SurveyPatch,
        response: { 200: SurveySchema, ...errors(400, 404, 409, 413) },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const input = readSurvey(request.body);
      return inWriteTransaction(db, async (trx) => {
        await updateEvaluation(trx, accountId, request.params.id, input);
        return loadSurvey(trx, accountId, request.params.id);
      });
    },
  );

  app.get(
    '/surveys/:id/question-sets',
    {
      schema: {
        tags,
        summary: "List a survey's question sets, oldest first",
        params: IdParams,
        response: { 200: Type.Object({ questionSets: Type.Array(QuestionSetSchema) }), ...errors(400, 404) },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      await getEvaluation(db, accountId, request.params.id);
      const sets = await listQuestionSets(db, accountId, request.params.id);
      return { questionSets: (await loadQuestionSetTrees(db, accountId, sets)).map(presentQuestionSet) };
    },
  );

  app.delete(
    '/surveys/:id',
    {
      schema: {
        tags,
        summary: 'Delete a survey',
        description: 'A survey that has responses is kept (409); otherwise its question sets go with it and locations using it by default lose that default.',
        params: IdParams,
        response: { 204: NoContent, ...errors(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const accountId = request.accountId;
      await inWriteTransaction(db, (trx) => deleteEvaluation(trx, accountId, request.params.id));
      return reply.status(204).send(null);
    },
  );
}
