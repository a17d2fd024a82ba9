import { sql } from 'kysely';
import { isPostgres, type Db } from '../../db/database.js';
import type { Answer, AnswerDocument } from '../../db/schema.js';
import { notFound } from '../shared/errors.js';
import { inScope, type FeedbackScope } from './evaluation-scope.js';
import { loadQuestionSetTrees, type QuestionSetTree } from './question-sets.js';
import type { SourceFilter } from './vocabulary.js';

/** Filters of a list of answer documents; all apply together (AND). */
export interface AnswerDocumentQuery {
  /** checkout dates, YYYY-MM-DD, inclusive */
  checkoutMin?: string;
  checkoutMax?: string;
  /** last update, epoch ms: updatedMin inclusive, updatedMax exclusive */
  updatedMin?: number;
  updatedMax?: number;
  filter: SourceFilter;
}

export interface AnswerDocumentPage {
  documents: Array<{ document: AnswerDocument; answers: Answer[] }>;
  /** every question set an answer of these documents refers to */
  questionSets: QuestionSetTree[];
}

const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

async function answersOf(db: Db, accountId: number, documentIds: number[]): Promise<Map<number, Answer[]>> {
  const byDocument = new Map<number, Answer[]>(documentIds.map((id) => [id, []]));
  for (const ids of chunks(documentIds)) {
    const rows = await db
      .selectFrom('answers')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('answer_document_id', 'in', ids)
      .orderBy('answer_document_id')
      .orderBy('id')
      .execute();
    for (const row of rows) byDocument.get(row.answer_document_id)?.push(row);
  }
  return byDocument;
}

/** The question sets (with sections, questions, options) that answers refer to, oldest first. */
export async function questionSetsOfAnswers(db: Db, accountId: number, answers: Answer[]): Promise<QuestionSetTree[]> {
  const setIds = new Set<number>();
  for (const ids of chunks([...new Set(answers.map((a) => a.question_id))])) {
    const rows = await db.selectFrom('questions').select('question_set_id').distinct().where('account_id', '=', accountId).where('id', 'in', ids).execute();
    for (const r of rows) setIds.add(r.question_set_id);
  }
  if (setIds.size === 0) return [];
  const sets = await db
    .selectFrom('question_sets')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', [...setIds])
    .orderBy('evaluation_id')
    .orderBy('serial')
    .execute();
  return loadQuestionSetTrees(db, accountId, sets);
}

/**
 * The answer documents of a scope that match every filter, oldest update first, with their
 * answers and the question sets those refer to (a document may span several).
 */
export async function listAnswerDocuments(db: Db, accountId: number, scope: FeedbackScope, q: AnswerDocumentQuery): Promise<AnswerDocumentPage> {
  if (scope.pairs.length === 0) return { documents: [], questionSets: [] };
  let query = db
    .selectFrom('answer_documents')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('location_id', 'in', scope.locationIds)
    .where('evaluation_id', 'in', scope.evaluationIds)
    .where('source', 'in', q.filter.sources);
  if (q.filter.reputationSources) query = query.where('reputation_source', 'in', q.filter.reputationSources);
  if (q.checkoutMin !== undefined) query = query.where('checkout_date', '>=', q.checkoutMin);
  if (q.checkoutMax !== undefined) query = query.where('checkout_date', '<=', q.checkoutMax);
  if (q.updatedMin !== undefined) query = query.where('updated_at', '>=', q.updatedMin);
  if (q.updatedMax !== undefined) query = query.where('updated_at', '<', q.updatedMax);
  const rows = (await query.orderBy('updated_at').orderBy('id').execute()).filter((d) => inScope(scope, d.location_id, d.evaluation_id));
  const answers = await answersOf(
    db,
    accountId,
    rows.map((d) => d.id),
  );
  const documents = rows.map((document) => ({ document, answers: answers.get(document.id) ?? [] }));
  return {
    documents,
    questionSets: await questionSetsOfAnswers(
      db,
      accountId,
      documents.flatMap((d) => d.answers),
    ),
  };
}

/** One answer document of the scope with its answers; 404 when the scope does not hold it. */
export async function getScopedAnswerDocument(
  db: Db,
  accountId: number,
  scope: FeedbackScope,
  id: number,
): Promise<{ document: AnswerDocument; answers: Answer[] }> {
  const document = await db.selectFrom('answer_documents').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (!document || !inScope(scope, document.location_id, document.evaluation_id)) throw notFound('answer document');
  return { document, answers: (await answersOf(db, accountId, [id])).get(id) ?? [] };
}

/** Filters of the dashboards' drill-down: the answer documents behind a figure. */
export interface DrillDownQuery {
  /** the rollups' day (checkout date, else the UTC day received), YYYY-MM-DD, inclusive */
  from: string;
  to: string;
  /** null: every location */
  locationIds: number[] | null;
  /** null: every source */
  sources: string[] | null;
  /** only documents with an answer to a question of this semantic id */
  semanticId?: number;
  /** only documents whose NPS answer (semantic id 0) is in this segment */
  segment?: 'promoter' | 'passive' | 'detractor';
  /** documents with a smaller id than this (the cursor of the page before) */
  before?: number;
  limit: number;
}

/**
 * The answer documents behind a dashboard figure, newest (highest id) first, with their answers
 * and question sets: the same days, locations and sources the scores count, and optionally one
 * question or one NPS segment. `next` is the cursor of the following page, null on the last one.
 */
export async function listDrillDownDocuments(db: Db, accountId: number, q: DrillDownQuery): Promise<AnswerDocumentPage & { next: number | null }> {
  if (q.locationIds?.length === 0 || q.sources?.length === 0) return { documents: [], questionSets: [], next: null };
  const receivedDay = isPostgres(db)
    ? sql<string>`to_char(to_timestamp(received_at / 1000.0) at time zone 'UTC', 'YYYY-MM-DD')`
    : sql<string>`strftime('%Y-%m-%d', received_at / 1000, 'unixepoch')`;
  // Checkout dates first (indexable), then the documents without one by the day received.
  let query = db
    .selectFrom('answer_documents')
    .selectAll()
    .where('account_id', '=', accountId)
    .where((eb) =>
      eb.or([
        eb.and([eb('checkout_date', '>=', q.from), eb('checkout_date', '<=', q.to)]),
        eb.and([eb('checkout_date', 'is', null), eb(receivedDay, '>=', q.from), eb(receivedDay, '<=', q.to)]),
      ]),
    );
  if (q.locationIds) query = query.where('location_id', 'in', q.locationIds);
  if (q.sources) query = query.where('source', 'in', q.sources);
  if (q.before !== undefined) query = query.where('id', '<', q.before);
  if (q.semanticId !== undefined) {
    const semanticId = q.semanticId;
    query = query.where('id', 'in', (eb) =>
      eb
        .selectFrom('answers')
        .innerJoin('questions', 'questions.id', 'answers.question_id')
        .select('answers.answer_document_id')
        .where('answers.account_id', '=', accountId)
        .where('questions.semantic_id', '=', semanticId),
    );
  }
  if (q.segment) {
    const [low, high] = q.segment === 'promoter' ? [9, 10] : q.segment === 'passive' ? [7, 8] : [0, 6];
    const segment = q.segment;
    query = query.where('id', 'in', (eb) =>
      eb
        .selectFrom('answers')
        .innerJoin('questions', 'questions.id', 'answers.question_id')
        .leftJoin('question_options', 'question_options.id', 'answers.option_id')
        .select('answers.answer_document_id')
        .where('answers.account_id', '=', accountId)
        .where('questions.semantic_id', '=', 0)
        .where((w) =>
          w.or([
            w('question_options.nps_segment', '=', segment),
            w.and([w('question_options.nps_segment', 'is', null), w('answers.number_value', '>=', low), w('answers.number_value', '<=', high)]),
          ]),
        ),
    );
  }
  const rows = await query
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const answers = await answersOf(
    db,
    accountId,
    page.map((d) => d.id),
  );
  const documents = page.map((document) => ({ document, answers: answers.get(document.id) ?? [] }));
  return {
    documents,
    questionSets: await questionSetsOfAnswers(
      db,
      accountId,
      documents.flatMap((d) => d.answers),
    ),
    next: rows.length > q.limit ? page[page.length - 1].id : null,
  };
}
