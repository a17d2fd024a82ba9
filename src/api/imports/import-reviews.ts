import { listLocations } from '../../core/locations/locations.js';
import { answerValuesOf, listReviewQuestions } from '../../core/reputation/review-questions.js';
import { upsertReviews, type RatingInput, type ReviewInput } from '../../core/reputation/reviews.js';
import { normalizeSource } from '../../core/reputation/values.js';
import type { Db } from '../../db/database.js';
import type { ReviewQuestion } from '../../db/schema.js';
import { allOrLineByLine, runImport, unitFinder, type ImportOptions, type ImportSource } from './import-batches.js';
import type { ImportResult } from './json-lines.js';
import { checkNumber, checkText, RecordError, RecordFields } from './record-fields.js';

/*
 * Imports reviews from JSON lines (one review per line; format in docs/import.md). A review is
 * keyed by channel + externalId: importing the same file again updates, never duplicates.
 */

const REVIEW_FIELDS = [
  'unitId',
  'propertyCode',
  'channel',
  'externalId',
  'reviewDate',
  'stayDate',
  'language',
  'title',
  'text',
  'rating',
  'normalizedRating',
  'respondable',
  'managementResponseDate',
  'travelComposition',
  'ratings',
] as const;
const RATING_FIELDS = ['question', 'score', 'normalizedScore', 'textAnswer'] as const;
const LANGUAGE = /^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/;

function readRatings(value: unknown, questions: Map<string, ReviewQuestion>): RatingInput[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new RecordError('ratings must be an array');
  const seen = new Set<string>();
  return value.map((item, i) => {
    const where = `ratings[${i}]`;
    let fields: RecordFields;
    try {
      fields = new RecordFields(item, RATING_FIELDS);
    } catch (err) {
      throw new RecordError(`${where}: ${(err as Error).message}`);
    }
    const key = fields.text('question', { required: true, max: 100 });
    const question = questions.get(key);
    if (!question) throw new RecordError(`${where}.question: no review question has key "${key}"`);
    if (seen.has(key)) throw new RecordError(`${where}.question: "${key}" is rated twice`);
    seen.add(key);
    const score = checkNumber(fields.raw('score'), `${where}.score`, { min: 0 });
    const normalizedScore = checkNumber(fields.raw('normalizedScore'), `${where}.normalizedScore`, { min: 0, max: 1 });
    const textAnswer = fields.has('textAnswer') ? checkText(fields.raw('textAnswer'), `${where}.textAnswer`, 10000) : null;
    if (question.answer_type === 'number') {
      if (textAnswer !== null) throw new RecordError(`${where}: "${key}" is a number question; give score, not textAnswer`);
      if (score === null) throw new RecordError(`${where}.score is required for the number question "${key}"`);
      return { questionId: question.id, score, normalizedScore, text: null };
    }
    if (score !== null || normalizedScore !== null)
      throw new RecordError(`${where}: "${key}" is a ${question.answer_type} question; give textAnswer, not a score`);
    if (textAnswer === null) throw new RecordError(`${where}.textAnswer is required for the ${question.answer_type} question "${key}"`);
    const allowed = answerValuesOf(question);
    if (allowed && !allowed.includes(textAnswer))
      throw new RecordError(`${where}.textAnswer must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`);
    return { questionId: question.id, score: null, normalizedScore: null, text: textAnswer };
  });
}

/** Imports reviews (JSON lines) into the account; each line is checked, good lines are upserted. */
export async function importReviews(db: Db, accountId: number, records: ImportSource, opts: ImportOptions = {}): Promise<ImportResult> {
  const findUnit = unitFinder(await listLocations(db, accountId));
  const questions = new Map((await listReviewQuestions(db, accountId)).map((q) => [q.key, q]));
  return runImport<ReviewInput>(
    db,
    records,
    {
      read(value) {
        const fields = new RecordFields(value, REVIEW_FIELDS);
        const unit = findUnit(fields);
        const channel = normalizeSource(fields.text('channel', { required: true, max: 100 }));
        const numericId = fields.raw('externalId');
        const externalId = typeof numericId === 'number' ? String(numericId) : fields.text('externalId', { required: true, max: 255 });
        const reviewDate = fields.date('reviewDate', true);
        const managementResponseDate = fields.date('managementResponseDate');
        if (managementResponseDate !== null && managementResponseDate < reviewDate) throw new RecordError('managementResponseDate cannot be before reviewDate');
        const language = fields.text('language', { max: 20 });
        if (language !== null && !LANGUAGE.test(language)) throw new RecordError('language must be an ISO 639-1 code such as en or sv');
        return {
          locationId: unit.id,
          channel,
          externalId,
          reviewDate,
          stayDate: fields.date('stayDate'),
          language,
          title: fields.text('title', { max: 1000 }),
          text: fields.text('text', { max: 100000 }),
          rating: fields.number('rating', { min: 0 }),
          normalizedRating: fields.number('normalizedRating', { min: 0, max: 1 }),
          respondable: fields.bool('respondable', false),
          managementResponseDate,
          travelComposition: fields.text('travelComposition', { max: 100 }),
          ratings: readRatings(fields.raw('ratings'), questions),
        };
      },
      write: allOrLineByLine((trx, items) => upsertReviews(trx, accountId, items)),
    },
    opts,
  );
}
