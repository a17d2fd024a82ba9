import { Type } from '@sinclair/typebox';
import { isCalendarDate, parseInstant } from '../../../core/feedback/dates.js';
import { getScopedAnswerDocument, listAnswerDocuments, type AnswerDocumentQuery } from '../../../core/feedback/list-answer-documents.js';
import { badRequest } from '../../../core/shared/errors.js';
import { pathId } from '../path-id.js';
import type { LooponApp, LooponDeps } from '../context.js';
import { errors } from '../schemas.js';
import { presentAnswerDocument, presentQuestionSet } from './answers-presenters.js';
import { AnswerDocumentListSchema, AnswerDocumentSchema, EvaluationParams, SourceQuery } from './answers-schemas.js';
import { evaluationPaths, scopedRequest } from './answers-scope.js';
import { readSourceFilter } from './feedback-query.js';

const DAY_MS = 86_400_000;

const ListQuery = Type.Object({
  checkoutMin: Type.Optional(Type.String({ description: 'earliest checkout date, YYYY-MM-DD' })),
  checkoutMax: Type.Optional(Type.String({ description: 'latest checkout date, YYYY-MM-DD' })),
  updatedMin: Type.Optional(Type.String({ description: 'only answers received (updated) at or after this ISO 8601 timestamp' })),
  updatedMax: Type.Optional(Type.String({ description: 'only answers received (updated) before this ISO 8601 timestamp' })),
  ...SourceQuery,
});

type ListQueryText = { checkoutMin?: string; checkoutMax?: string; updatedMin?: string; updatedMax?: string; source?: string; reputationSources?: string };

/** The filters of a list request; with no date filter at all, what arrived in the last 24 hours. */
function readListQuery(q: ListQueryText, now: number): AnswerDocumentQuery {
  const day = (value: string | undefined, field: string) => {
    if (value === undefined || value.trim() === '') return undefined;
    const text = value.trim();
    if (isCalendarDate(text)) return text;
    // A timestamp where a day is asked for (as the scores' dates accept): its UTC day.
    const ms = parseInstant(text);
    if (ms === undefined) throw badRequest(`${field} must be a date written YYYY-MM-DD`);
    return new Date(ms).toISOString().slice(0, 10);
  };
  const instant = (value: string | undefined, field: string) => {
    if (value === undefined || value.trim() === '') return undefined;
    const ms = parseInstant(value);
    if (ms === undefined) throw badRequest(`${field} must be an ISO 8601 timestamp such as 2019-01-01T00:00:00Z`);
    return ms;
  };
  const out: AnswerDocumentQuery = {
    checkoutMin: day(q.checkoutMin, 'checkoutMin'),
    checkoutMax: day(q.checkoutMax, 'checkoutMax'),
    updatedMin: instant(q.updatedMin, 'updatedMin'),
    updatedMax: instant(q.updatedMax, 'updatedMax'),
    filter: readSourceFilter(q.source, q.reputationSources, 'all'),
  };
  if (out.checkoutMin && out.checkoutMax && out.checkoutMin > out.checkoutMax) throw badRequest('checkoutMin is after checkoutMax');
  if (out.updatedMin !== undefined && out.updatedMax !== undefined && out.updatedMin > out.updatedMax) throw badRequest('updatedMin is after updatedMax');
  if ([out.checkoutMin, out.checkoutMax, out.updatedMin, out.updatedMax].every((v) => v === undefined)) out.updatedMin = now - DAY_MS;
  return out;
}

/** Complete survey operations: answer documents with their answers and question sets. */
export async function answerRoutes(app: LooponApp, { db }: LooponDeps): Promise<void> {
  for (const { path, hide } of evaluationPaths('/answerDocuments')) {
    app.get(
      path,
      {
        schema: {
          hide,
          summary: 'Get answer documents (default: those received in the last 24 hours)',
          description: 'All filters apply together. For a chain, the documents of its units with compatible evaluations.',
          params: EvaluationParams,
          querystring: ListQuery,
          response: { 200: AnswerDocumentListSchema, ...errors(400, 403, 404) },
        },
      },
      async (request) => {
        const { units, ids, scope } = await scopedRequest(db, request, request.params, 'read_answers');
        const page = await listAnswerDocuments(db, request.grant.accountId, scope, readListQuery(request.query, Date.now()));
        const unitsById = new Map(units.map((u) => [u.id, u]));
        return {
          answerDocuments: page.documents.map((d) => presentAnswerDocument(d.document, d.answers, unitsById, ids)),
          questionSets: page.questionSets.map((set) => presentQuestionSet(set, ids)),
        };
      },
    );
  }

  for (const { path, hide } of evaluationPaths('/answerDocuments/:answerDocumentId')) {
    app.get(
      path,
      {
        schema: {
          hide,
          summary: 'Get one answer document',
          params: Type.Composite([EvaluationParams, Type.Object({ answerDocumentId: Type.String() })]),
          response: { 200: AnswerDocumentSchema, ...errors(403, 404) },
        },
      },
      async (request) => {
        const { units, ids, scope } = await scopedRequest(db, request, request.params, 'read_answers');
        const id = pathId(request.params.answerDocumentId, 'answer document');
        const { document, answers } = await getScopedAnswerDocument(db, request.grant.accountId, scope, id);
        return presentAnswerDocument(document, answers, new Map(units.map((u) => [u.id, u])), ids);
      },
    );
  }
}
