import { Type } from '@sinclair/typebox';
import { getScopedQuestion, getScopedQuestionSet } from '../../../core/feedback/scoped-questions.js';
import { pathId } from '../path-id.js';
import { questionRowId } from '../face-ids.js';
import { notFound } from '../../../core/shared/errors.js';
import type { LooponApp, LooponDeps } from '../context.js';
import { errors } from '../schemas.js';
import { presentQuestion, presentQuestionSet } from './answers-presenters.js';
import { EvaluationParams, QuestionSchema, QuestionSetSchema } from './answers-schemas.js';
import { evaluationPaths, scopedRequest } from './answers-scope.js';

/** Question sets (versions of a survey) and single questions, as answers refer to them. */
export async function questionRoutes(app: LooponApp, { db }: LooponDeps): Promise<void> {
  for (const { path, hide } of evaluationPaths('/questionSet/:questionSetId')) {
    app.get(
      path,
      {
        schema: {
          hide,
          summary: 'Get a question set: the questions of a survey at one point in time',
          params: Type.Composite([EvaluationParams, Type.Object({ questionSetId: Type.String() })]),
          response: { 200: QuestionSetSchema, ...errors(403, 404) },
        },
      },
      async (request) => {
        const { scope, ids } = await scopedRequest(db, request, request.params, 'read_answers');
        const id = pathId(request.params.questionSetId, 'question set');
        return presentQuestionSet(await getScopedQuestionSet(db, request.grant.accountId, scope, id), ids);
      },
    );
  }

  for (const { path, hide } of evaluationPaths('/question/:questionId')) {
    app.get(
      path,
      {
        schema: {
          hide,
          summary: 'Get the definition of a question',
          params: Type.Composite([EvaluationParams, Type.Object({ questionId: Type.String() })]),
          response: { 200: QuestionSchema, ...errors(403, 404) },
        },
      },
      async (request) => {
        const { scope } = await scopedRequest(db, request, request.params, 'read_answers');
        const id = await questionRowId(db, request.grant.accountId, request.params.questionId);
        if (id === undefined) throw notFound('question');
        return presentQuestion(await getScopedQuestion(db, request.grant.accountId, scope, id));
      },
    );
  }
}
