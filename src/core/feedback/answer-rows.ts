import type { Insertable } from 'kysely';
import type { AnswersTable } from '../../db/schema.js';
import { badRequest } from '../shared/errors.js';
import type { findQuestions } from './question-sets.js';
import { answerSegment, type RollupAnswer } from './score-rollups.js';

/** A question with its options and evaluation, as findQuestions loads it. */
export type LoadedQuestion = Awaited<ReturnType<typeof findQuestions>>[number];

/** One answer as a face hands it over: exactly one of option(s), text or number. */
export interface AnswerInput {
  questionId: number;
  optionId?: number;
  optionIds?: number[];
  text?: string;
  number?: number;
  /** a normalised score in [0, 1] given by the source (e.g. a review site's rating); else derived */
  score?: number | null;
  /** when this answer was given; default: the document's time */
  receivedAt?: number;
}

export interface PreparedAnswer {
  row: Omit<Insertable<AnswersTable>, 'answer_document_id'>;
  rollup: RollupAnswer;
  questionSetId: number;
}

/**
 * Checks an answer against its question's type and options and turns it into an answers row.
 * The score is the one given, else the chosen option's normalised score, else for the NPS
 * question answered with a number 0-10 that number / 10.
 */
export function prepareAnswer(accountId: number, q: LoadedQuestion, a: AnswerInput, receivedAt: number): PreparedAnswer {
  const optionIds = new Set(q.options.map((o) => o.id));
  const where = `question ${q.id}`;
  let score: number | null = null;
  let option: LoadedQuestion['options'][number] | undefined;
  if (q.type === 'radio' || q.type === 'bool') {
    option = a.optionId !== undefined ? q.options.find((o) => o.id === a.optionId) : a.number !== undefined ? optionForValue(q, a.number) : undefined;
    if (!option) throw badRequest(`${where}: choose one of its options${a.number !== undefined ? ` (no option reads ${a.number})` : ''}`);
    score = option.score;
  } else if (q.type === 'checkbox') {
    if (!Array.isArray(a.optionIds) || a.optionIds.some((id) => !optionIds.has(id))) throw badRequest(`${where}: choose among its options`);
  } else if (q.type === 'number') {
    if (typeof a.number !== 'number' || !Number.isFinite(a.number)) throw badRequest(`${where}: a number is required`);
    if (q.semantic_id === 0 && a.number >= 0 && a.number <= 10) score = a.number / 10;
  } else if (typeof a.text !== 'string') {
    throw badRequest(`${where}: a text answer is required`);
  }
  if (a.score !== undefined && a.score !== null) {
    if (typeof a.score !== 'number' || !Number.isFinite(a.score) || a.score < 0 || a.score > 1) throw badRequest(`${where}: score must be between 0 and 1`);
    score = a.score;
  }
  const numberValue = q.type === 'number' ? (a.number ?? null) : null;
  return {
    questionSetId: q.question_set_id,
    rollup: { semanticId: q.semantic_id, score, segment: answerSegment(q.semantic_id, option?.nps_segment, numberValue) },
    row: {
      account_id: accountId,
      question_id: q.id,
      received_at: a.receivedAt ?? receivedAt,
      option_id: option ? option.id : null,
      option_ids: q.type === 'checkbox' ? JSON.stringify([...new Set(a.optionIds)]) : null,
      text: q.type === 'text' ? (a.text ?? null) : null,
      number_value: numberValue,
      score,
    },
  };
}

/**
 * The option a scale question's value names: a 0-10 NPS answer sent as the number 9 is the
 * option titled "9". Sources that export values rather than option ids (PMS exports, paper
 * surveys) can then be imported as they are.
 */
function optionForValue(q: LoadedQuestion, value: number): LoadedQuestion['options'][number] | undefined {
  if (!Number.isFinite(value)) return undefined;
  return q.options.find((o) => Object.values(JSON.parse(o.title) as Record<string, string>).some((t) => t.trim() !== '' && Number(t) === value));
}

/** Answers must name distinct questions of one evaluation; returns that evaluation. */
export function checkAnswerQuestions(answers: AnswerInput[], questions: LoadedQuestion[]): number | undefined {
  const questionIds = new Set(answers.map((a) => a.questionId));
  if (questionIds.size !== answers.length) throw badRequest('each question can be answered only once');
  if (questions.length !== questionIds.size) throw badRequest('an answer refers to an unknown question');
  const evaluationIds = new Set(questions.map((q) => q.evaluation_id));
  if (evaluationIds.size > 1) throw badRequest('all answers must belong to the same survey');
  return questions[0]?.evaluation_id;
}
