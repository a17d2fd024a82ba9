import type { Db } from '../../db/database.js';
import type { AnswerDocument, Answer } from '../../db/schema.js';
import { badRequest } from '../shared/errors.js';
import { findQuestions } from './question-sets.js';

/** Where feedback came from, in the feedback model's vocabulary. */
export type FeedbackSource = 'post-stay' | 'pre-stay' | 'in-stay' | 'next-stay' | 'public' | 'manual' | 'reputation';

/** One answer as a face hands it over: exactly one of option(s), text or number. */
export interface AnswerInput {
  questionId: number;
  optionId?: number;
  optionIds?: number[];
  text?: string;
  number?: number;
}

export interface AnswerDocumentInput {
  locationId: number;
  guestId?: number | null;
  stayId?: number | null;
  source: FeedbackSource;
  /** the channel as the client named it, e.g. Loop's "kiosk" */
  channel?: string | null;
  deviceId?: string | null;
  receivedAt?: number;
  guestName?: string | null;
  guestEmail?: string | null;
  answers: AnswerInput[];
}

/**
 * Stores a submitted survey as an answer document with its answers. The evaluation is the one
 * the answered questions belong to; every answer is checked against its question's type and
 * options, and a rating option's normalised score is copied onto the answer. Run in a transaction.
 */
export async function createAnswerDocument(db: Db, accountId: number, input: AnswerDocumentInput): Promise<{ document: AnswerDocument; answers: Answer[] }> {
  if (input.answers.length === 0) throw badRequest('at least one answer is required');
  const questionIds = [...new Set(input.answers.map((a) => a.questionId))];
  if (questionIds.length !== input.answers.length) throw badRequest('each question can be answered only once');
  const questions = await findQuestions(db, accountId, questionIds);
  const byId = new Map(questions.map((q) => [q.id, q]));
  const evaluationIds = new Set(questions.map((q) => q.evaluation_id));
  if (questions.length !== questionIds.length) throw badRequest('an answer refers to an unknown question');
  if (evaluationIds.size > 1) throw badRequest('all answers must belong to the same survey');
  const evaluationId = questions[0].evaluation_id;

  const rows = input.answers.map((a) => {
    const q = byId.get(a.questionId)!;
    const optionIds = new Set(q.options.map((o) => o.id));
    let score: number | null = null;
    if (q.type === 'radio' || q.type === 'bool') {
      if (a.optionId === undefined || !optionIds.has(a.optionId)) throw badRequest(`question ${q.serial}: choose one of its options`);
      score = q.options.find((o) => o.id === a.optionId)?.score ?? null;
    } else if (q.type === 'checkbox') {
      if (!a.optionIds || a.optionIds.some((id) => !optionIds.has(id))) throw badRequest(`question ${q.serial}: choose among its options`);
    } else if (q.type === 'number') {
      if (typeof a.number !== 'number' || !Number.isFinite(a.number)) throw badRequest(`question ${q.serial}: a number is required`);
    } else if (typeof a.text !== 'string') {
      throw badRequest(`question ${q.serial}: a text answer is required`);
    }
    return { q, a, score };
  });

  const now = Date.now();
  const receivedAt = input.receivedAt ?? now;
  const visible = await db
    .selectFrom('questions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('question_set_id', '=', questions[0].question_set_id)
    .executeTakeFirstOrThrow();
  const document = await db
    .insertInto('answer_documents')
    .values({
      account_id: accountId,
      evaluation_id: evaluationId,
      location_id: input.locationId,
      guest_id: input.guestId ?? null,
      stay_id: input.stayId ?? null,
      retention: null,
      status: 'answered',
      guest_name: input.guestName ?? null,
      guest_email: input.guestEmail ?? null,
      reservation: null,
      loyalty_id: null,
      source: input.source,
      channel: input.channel ?? null,
      device_id: input.deviceId ?? null,
      reputation_source: null,
      checkin_date: null,
      checkout_date: null,
      sent_at: null,
      response_rate: Math.min(1, Math.round((input.answers.length / Math.max(1, Number(visible.n))) * 100) / 100),
      received_at: receivedAt,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const answers = await db
    .insertInto('answers')
    .values(
      rows.map(({ q, a, score }) => ({
        account_id: accountId,
        answer_document_id: document.id,
        question_id: q.id,
        received_at: receivedAt,
        option_id: q.type === 'radio' || q.type === 'bool' ? (a.optionId ?? null) : null,
        option_ids: q.type === 'checkbox' ? JSON.stringify(a.optionIds ?? []) : null,
        text: q.type === 'text' ? (a.text ?? null) : null,
        number_value: q.type === 'number' ? (a.number ?? null) : null,
        score,
      })),
    )
    .returningAll()
    .execute();
  return { document, answers };
}

export async function findAnswerDocument(db: Db, accountId: number, id: number): Promise<AnswerDocument | undefined> {
  return db.selectFrom('answer_documents').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function listAnswers(db: Db, accountId: number, documentId: number): Promise<Answer[]> {
  return db.selectFrom('answers').selectAll().where('account_id', '=', accountId).where('answer_document_id', '=', documentId).orderBy('id').execute();
}
