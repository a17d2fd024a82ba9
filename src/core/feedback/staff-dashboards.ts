import type { Db } from '../../db/database.js';
import { parseJson, pickText, type I18nText } from '../shared/json.js';
import { addDays } from './dates.js';
import { answerSegment } from './score-rollups.js';
import type { FeedbackSource } from './vocabulary.js';

/*
 * What the staff console's dashboards read: the daily score rollups (sums per location, day,
 * source and semantic id; the console computes NPS and averages per period from them) and the
 * answer documents behind a figure, for drill-down. Read-only.
 */

export interface StaffFeedbackFilter {
  /** first and last day counted (checkout day, else the day received), YYYY-MM-DD, inclusive */
  from: string;
  to: string;
  /** none: every location */
  locationIds?: number[];
  /** none: every source */
  sources?: FeedbackSource[];
}

export interface DailyRollup {
  day: string;
  locationId: number;
  source: string;
  semanticId: number;
  answers: number;
  scored: number;
  scoreSum: number;
  promoters: number;
  passives: number;
  detractors: number;
}

/** The rollups of the filter summed over evaluations and review sites, by day, location, source and semantic id. */
export async function readDailyRollups(db: Db, accountId: number, f: StaffFeedbackFilter): Promise<DailyRollup[]> {
  if (f.locationIds?.length === 0 || f.sources?.length === 0) return [];
  let query = db
    .selectFrom('score_rollups')
    .select((eb) => [
      'day',
      'location_id',
      'source',
      'semantic_id',
      eb.fn.sum<number>('answer_count').as('answers'),
      eb.fn.sum<number>('scored_count').as('scored'),
      eb.fn.sum<number>('score_sum').as('score_sum'),
      eb.fn.sum<number>('promoters').as('promoters'),
      eb.fn.sum<number>('passives').as('passives'),
      eb.fn.sum<number>('detractors').as('detractors'),
    ])
    .where('account_id', '=', accountId)
    .where('day', '>=', f.from)
    .where('day', '<=', f.to);
  if (f.locationIds) query = query.where('location_id', 'in', f.locationIds);
  if (f.sources) query = query.where('source', 'in', f.sources);
  const rows = await query
    .groupBy(['day', 'location_id', 'source', 'semantic_id'])
    .orderBy('day')
    .orderBy('location_id')
    .orderBy('source')
    .orderBy('semantic_id')
    .execute();
  return rows.map((r) => ({
    day: r.day,
    locationId: r.location_id,
    source: r.source,
    semanticId: r.semantic_id,
    answers: Number(r.answers),
    scored: Number(r.scored),
    scoreSum: Number(r.score_sum),
    promoters: Number(r.promoters),
    passives: Number(r.passives),
    detractors: Number(r.detractors),
  }));
}

/** The title of the newest question of each semantic id (the account's questions). */
export async function semanticQuestionTitles(db: Db, accountId: number, semanticIds: number[]): Promise<Array<{ semanticId: number; title: string }>> {
  if (semanticIds.length === 0) return [];
  const rows = await db
    .selectFrom('questions')
    .select(['semantic_id', 'title', 'id'])
    .where('account_id', '=', accountId)
    .where('semantic_id', 'in', semanticIds)
    .orderBy('id', 'desc')
    .execute();
  const titles = new Map<number, string>();
  for (const r of rows) if (r.semantic_id !== null && !titles.has(r.semantic_id)) titles.set(r.semantic_id, pickText(parseJson<I18nText>(r.title, {})));
  return [...titles].map(([semanticId, title]) => ({ semanticId, title })).sort((a, b) => a.semanticId - b.semanticId);
}

export interface StaffAnswerDocument {
  id: number;
  locationId: number;
  evaluationId: number;
  guestId: number | null;
  guestName: string | null;
  source: string;
  reputationSource: string | null;
  checkoutDate: string | null;
  receivedAt: number;
  answers: Array<{
    questionId: number;
    question: string;
    semanticId: number | null;
    option: string | null;
    text: string | null;
    number: number | null;
    score: number | null;
    segment: string | null;
  }>;
}

const dayStartMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/**
 * The answer documents a dashboard figure counts (same day rule as the rollups: the checkout
 * day, else the day received), newest first, with their answers in words.
 */
export async function listStaffAnswerDocuments(
  db: Db,
  accountId: number,
  f: StaffFeedbackFilter & { limit: number; offset: number },
): Promise<{ documents: StaffAnswerDocument[]; total: number }> {
  if (f.locationIds?.length === 0 || f.sources?.length === 0) return { documents: [], total: 0 };
  const fromMs = dayStartMs(f.from);
  const toMs = dayStartMs(addDays(f.to, 1));
  let base = db
    .selectFrom('answer_documents')
    .where('account_id', '=', accountId)
    .where((eb) =>
      eb.or([
        eb.and([eb('checkout_date', '>=', f.from), eb('checkout_date', '<=', f.to)]),
        eb.and([eb('checkout_date', 'is', null), eb('received_at', '>=', fromMs), eb('received_at', '<', toMs)]),
      ]),
    );
  if (f.locationIds) base = base.where('location_id', 'in', f.locationIds);
  if (f.sources) base = base.where('source', 'in', f.sources);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const docs = await base.selectAll().orderBy('received_at', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute();
  if (docs.length === 0) return { documents: [], total: Number(total) };
  const answers = await db
    .selectFrom('answers')
    .innerJoin('questions', 'questions.id', 'answers.question_id')
    .leftJoin('question_options', 'question_options.id', 'answers.option_id')
    .select([
      'answers.answer_document_id',
      'answers.question_id',
      'answers.text',
      'answers.number_value',
      'answers.score',
      'questions.title as question_title',
      'questions.semantic_id',
      'questions.serial',
      'question_options.title as option_title',
      'question_options.nps_segment',
    ])
    .where('answers.account_id', '=', accountId)
    .where(
      'answers.answer_document_id',
      'in',
      docs.map((d) => d.id),
    )
    .orderBy('answers.answer_document_id')
    .orderBy('answers.id')
    .execute();
  const byDoc = new Map<number, StaffAnswerDocument['answers']>();
  for (const a of answers) {
    const list = byDoc.get(a.answer_document_id) ?? [];
    list.push({
      questionId: a.question_id,
      question: pickText(parseJson<I18nText>(a.question_title, {})),
      semanticId: a.semantic_id,
      option: a.option_title === null ? null : pickText(parseJson<I18nText>(a.option_title, {})),
      text: a.text,
      number: a.number_value === null ? null : Number(a.number_value),
      score: a.score === null ? null : Number(a.score),
      segment: answerSegment(a.semantic_id, a.nps_segment, a.number_value === null ? null : Number(a.number_value)),
    });
    byDoc.set(a.answer_document_id, list);
  }
  return {
    total: Number(total),
    documents: docs.map((d) => ({
      id: d.id,
      locationId: d.location_id,
      evaluationId: d.evaluation_id,
      guestId: d.guest_id,
      guestName: d.guest_name,
      source: d.source,
      reputationSource: d.reputation_source,
      checkoutDate: d.checkout_date,
      receivedAt: Number(d.received_at),
      answers: byDoc.get(d.id) ?? [],
    })),
  };
}
