import type { Db } from '../../db/database.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.js';
import type { ReviewQuestion } from '../../db/schema.js';
import { badRequest, conflict, notFound } from '../shared/errors.js';
import { parseJson } from '../shared/json.js';

/*
 * Review questions: the aspects a review can rate (cleanliness, location...) or answer in words.
 * They belong to the account, so every unit's reviews share one vocabulary across channels.
 */

export const ANSWER_TYPES = ['number', 'text', 'enum'] as const;
export type AnswerType = (typeof ANSWER_TYPES)[number];

export interface ReviewQuestionInput {
  key: string;
  description: string;
  answerType: AnswerType;
  /** the allowed answers of an `enum` question; null for the others */
  answerValues?: string[] | null;
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

function checkInput(input: ReviewQuestionInput): { key: string; description: string; values: string[] | null } {
  const key = input.key.trim();
  if (!KEY.test(key)) throw badRequest('key must be 1-100 letters, digits, "_", "-" or "." (e.g. "cleanliness")');
  const description = input.description.trim();
  if (!description) throw badRequest('description cannot be blank');
  if (!ANSWER_TYPES.includes(input.answerType)) throw badRequest('answerType must be number, text or enum');
  if (input.answerType !== 'enum') {
    if (input.answerValues?.length) throw badRequest('answerValues is only for questions of answerType enum');
    return { key, description, values: null };
  }
  const values = (input.answerValues ?? []).map((v) => v.trim());
  if (values.length === 0 || values.some((v) => !v)) throw badRequest('an enum question needs answerValues: a list of non-blank answers');
  if (new Set(values).size !== values.length) throw badRequest('answerValues must not repeat an answer');
  return { key, description, values };
}

/** Creates a review question; a key already in use is a 409. */
export async function createReviewQuestion(db: Db, accountId: number, input: ReviewQuestionInput): Promise<ReviewQuestion> {
  const { key, description, values } = checkInput(input);
  try {
    return await db
      .insertInto('review_questions')
      .values({ account_id: accountId, key, description, answer_type: input.answerType, answer_values: values ? JSON.stringify(values) : null })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`a review question with key "${key}" already exists`);
    throw err;
  }
}

/** The account's review questions, oldest first. */
export async function listReviewQuestions(db: Db, accountId: number): Promise<ReviewQuestion[]> {
  return db.selectFrom('review_questions').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
}

/** Deletes a question that no rating uses; one that reviews rate is kept (409), never lost. */
export async function deleteReviewQuestion(db: Db, accountId: number, id: number): Promise<void> {
  try {
    const result = await db.deleteFrom('review_questions').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound('review question');
  } catch (err) {
    if (isForeignKeyViolation(err)) throw conflict('reviews rate this question; it cannot be deleted');
    throw err;
  }
}

/** The allowed answers of an enum question (stored as JSON), else null. */
export function answerValuesOf(question: ReviewQuestion): string[] | null {
  return question.answer_type === 'enum' ? parseJson<string[]>(question.answer_values, []) : null;
}
