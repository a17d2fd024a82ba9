import type { Db } from '../../db/database.js';
import { parseJson, pickText, type I18nText } from '../shared/json.js';
import { inScope, type FeedbackScope } from './evaluation-scope.js';
import type { SourceFilter } from './vocabulary.js';

/** Semantic id of "How likely is it that you would recommend ...": the NPS question. */
export const NPS_SEMANTIC_ID = 0;

export interface DateRange {
  /** first checkout day counted, YYYY-MM-DD */
  start: string;
  /** last checkout day counted, inclusive */
  end: string;
}

export interface ScoreResult {
  title: string;
  /** answers to questions with the semantic id */
  answerCount: number;
  /** average normalised score [0, 1] of the answers that carry one; null without any */
  normalizedScore: number | null;
  /** for semantic id 0 the NPS (% promoters - % detractors), else the normalised score in percent; rounded */
  score: number | null;
  promoterCount: number;
  passiveCount: number;
  detractorCount: number;
}

/** The title of the newest question with the semantic id in the scope's evaluations; undefined when none has it. */
async function questionTitle(db: Db, accountId: number, scope: FeedbackScope, semanticId: number): Promise<string | undefined> {
  const question = scope.evaluationIds.length
    ? await db
        .selectFrom('questions')
        .innerJoin('question_sets', 'question_sets.id', 'questions.question_set_id')
        .select('questions.title')
        .where('questions.account_id', '=', accountId)
        .where('question_sets.evaluation_id', 'in', scope.evaluationIds)
        .where('questions.semantic_id', '=', semanticId)
        .orderBy('question_sets.id', 'desc')
        .orderBy('questions.id')
        .limit(1)
        .executeTakeFirst()
    : undefined;
  if (!question) return undefined;
  return pickText(parseJson<I18nText>(question.title, {}));
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
/** Rounds half away from zero, so an NPS of -12.5 is -13 as +12.5 is 13. */
const roundHalfAway = (value: number) => Math.sign(value) * Math.round(Math.abs(value));

/**
 * The score of the questions with a semantic id over a checkout-date range, from the rollups:
 * sums of (unit, evaluation) groups, keeping those the scope pairs (a chain's hotels with their
 * compatible evaluations). NPS = (promoters - detractors) / (promoters + passives + detractors).
 * Undefined when no question of the scope's evaluations has the semantic id.
 */
export async function readScore(
  db: Db,
  accountId: number,
  scope: FeedbackScope,
  semanticId: number,
  range: DateRange,
  filter: SourceFilter,
): Promise<ScoreResult | undefined> {
  const title = await questionTitle(db, accountId, scope, semanticId);
  if (title === undefined) return undefined;
  const empty = { title, answerCount: 0, normalizedScore: null, score: null, promoterCount: 0, passiveCount: 0, detractorCount: 0 };
  if (scope.locationIds.length === 0) return empty;
  let query = db
    .selectFrom('score_rollups')
    .select((eb) => [
      'location_id',
      'evaluation_id',
      eb.fn.sum<number>('answer_count').as('answers'),
      eb.fn.sum<number>('scored_count').as('scored'),
      eb.fn.sum<number>('score_sum').as('score_sum'),
      eb.fn.sum<number>('promoters').as('promoters'),
      eb.fn.sum<number>('passives').as('passives'),
      eb.fn.sum<number>('detractors').as('detractors'),
    ])
    .where('account_id', '=', accountId)
    .where('location_id', 'in', scope.locationIds)
    .where('semantic_id', '=', semanticId)
    .where('day', '>=', range.start)
    .where('day', '<=', range.end)
    .where('evaluation_id', 'in', scope.evaluationIds)
    .where('source', 'in', filter.sources);
  if (filter.reputationSources) query = query.where('reputation_source', 'in', filter.reputationSources);
  const groups = await query.groupBy(['location_id', 'evaluation_id']).execute();

  const sum = { answers: 0, scored: 0, scoreSum: 0, promoters: 0, passives: 0, detractors: 0 };
  for (const g of groups) {
    if (!inScope(scope, g.location_id, g.evaluation_id)) continue;
    sum.answers += Number(g.answers);
    sum.scored += Number(g.scored);
    sum.scoreSum += Number(g.score_sum);
    sum.promoters += Number(g.promoters);
    sum.passives += Number(g.passives);
    sum.detractors += Number(g.detractors);
  }
  const normalized = sum.scored > 0 ? sum.scoreSum / sum.scored : null;
  const segmented = sum.promoters + sum.passives + sum.detractors;
  let score: number | null;
  if (semanticId === NPS_SEMANTIC_ID) score = segmented > 0 ? roundHalfAway((100 * (sum.promoters - sum.detractors)) / segmented) + 0 : null;
  else score = normalized === null ? null : Math.round(100 * normalized);
  return {
    title,
    answerCount: sum.answers,
    normalizedScore: normalized === null ? null : round(normalized, 4),
    score,
    promoterCount: sum.promoters,
    passiveCount: sum.passives,
    detractorCount: sum.detractors,
  };
}
