import type { AnswerInput } from '../../../core/feedback/answer-documents.js';
import { findQuestions } from '../../../core/feedback/question-sets.js';
import { badRequest, notFound } from '../../../core/shared/errors.js';
import { parseJson, type I18nText } from '../../../core/shared/json.js';
import type { Db } from '../../../db/database.js';
import { decodeId } from '../ids.js';
import { loopRowId } from '../face-ids.js';
import { readBoolean } from '../parse.js';

type LoadedQuestion = Awaited<ReturnType<typeof findQuestions>>[number];

/**
 * Reads Loop survey responses ({categoryId, value}) into answers of the feedback model. A value
 * is read by the question's type: bool (true/false, "true"/"false"), text, number, radio (option
 * id or option text), checkbox (an array of those).
 */
export async function readSurveyResponses(db: Db, accountId: number, responses: Array<{ categoryId: string; value?: unknown }>): Promise<AnswerInput[]> {
  const ids: number[] = [];
  for (const [i, r] of responses.entries()) {
    const id = await loopRowId(db, accountId, 'question', r.categoryId);
    if (id === undefined) throw notFound(`question (categoryId) "${r.categoryId}" of responses[${i}]`);
    ids.push(id);
  }
  const questions = await findQuestions(db, accountId, ids);
  return responses.map((r, i) => {
    const q = questions.find((x) => x.id === ids[i]);
    if (!q) throw notFound(`question (categoryId) "${r.categoryId}" of responses[${i}]`);
    return readValue(q, r.value, `responses[${i}].value`);
  });
}

function readValue(q: LoadedQuestion, value: unknown, field: string): AnswerInput {
  if (value === undefined || value === null) throw badRequest(`${field} is required`);
  switch (q.type) {
    case 'bool': {
      const yes = readBoolean(value, field);
      if (yes === undefined) throw badRequest(`${field} must be true or false`);
      const option = q.options[yes ? 0 : 1];
      if (!option) throw badRequest(`${field}: the question has no ${yes ? 'yes' : 'no'} option`);
      return { questionId: q.id, optionId: option.id };
    }
    case 'text':
      if (typeof value !== 'string' && typeof value !== 'number') throw badRequest(`${field} must be text`);
      return { questionId: q.id, text: String(value) };
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw badRequest(`${field} must be a number`);
      return { questionId: q.id, number: n };
    }
    case 'radio':
      return { questionId: q.id, optionId: findOption(q, value, field) };
    case 'checkbox': {
      if (!Array.isArray(value)) throw badRequest(`${field} must be an array of options`);
      return { questionId: q.id, optionIds: value.map((v, i) => findOption(q, v, `${field}[${i}]`)) };
    }
    default:
      throw badRequest(`${field}: unsupported question type ${q.type}`);
  }
}

function findOption(q: LoadedQuestion, value: unknown, field: string): number {
  if (typeof value !== 'string' && typeof value !== 'number') throw badRequest(`${field} must be an option id or its text`);
  const id = decodeId('option', value);
  const text = String(value).trim().toLowerCase();
  const option =
    q.options.find((o) => o.id === id) ?? q.options.find((o) => Object.values(parseJson<I18nText>(o.title, {})).some((t) => t.trim().toLowerCase() === text));
  if (!option) throw badRequest(`${field} is not one of the question's options`);
  return option.id;
}
