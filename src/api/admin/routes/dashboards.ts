import { readDashboardScores, type GroupBy } from '../../../core/feedback/dashboard-scores.js';
import { addDays, isCalendarDate, utcDay } from '../../../core/feedback/dates.js';
import { listDrillDownDocuments } from '../../../core/feedback/list-answer-documents.js';
import { rollupDay } from '../../../core/feedback/score-rollups.js';
import { readFeedbackSource } from '../../../core/feedback/vocabulary.js';
import { listCompetitiveSets } from '../../../core/locations/competitive-sets.js';
import { findLocation, listLocations } from '../../../core/locations/locations.js';
import { descendantsOf, listUnits } from '../../../core/locations/units.js';
import { latestReviews, reviewStats } from '../../../core/reputation/reviews.js';
import { reputationSeries } from '../../../core/reputation/snapshots.js';
import { normalizeSource } from '../../../core/reputation/values.js';
import { badRequest, notFound } from '../../../core/shared/errors.js';
import { parseJson, pickText, type I18nText } from '../../../core/shared/json.js';
import type { Db } from '../../../db/database.js';
import type { Answer, AnswerDocument, Location } from '../../../db/schema.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { errors } from '../schemas.js';
import {
  DashboardReputationSchema,
  DashboardScoresQuery,
  DashboardScoresSchema,
  DrillDownQuerySchema,
  DrillDownSchema,
  ReputationQuerySchema,
} from './dashboards-schemas.js';

const tags = ['dashboards'];
/** The longest range a dashboard reads (days), and the most periods a trend has. */
const MAX_DAYS = 3 * 366;

/** [from, to] from the query: defaults to the 30 days up to today (UTC); a 400 when wrong. */
export function readRange(from: string | undefined, to: string | undefined, now = Date.now()): { from: string; to: string } {
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (value !== undefined && !isCalendarDate(value)) throw badRequest(`${name} must be a real date written YYYY-MM-DD`);
  }
  const end = to ?? utcDay(now);
  const start = from ?? addDays(end, -29);
  if (start > end) throw badRequest('from must be on or before to');
  if (addDays(start, MAX_DAYS) <= end) throw badRequest(`a dashboard covers at most ${MAX_DAYS} days`);
  return { from: start, to: end };
}

/** The units the ids stand for (a chain: every non-chain unit below it); a 400 naming an unknown id. */
async function readLocationIds(db: Db, accountId: number, text: string | undefined): Promise<number[] | null> {
  if (text === undefined) return null;
  const units = await listUnits(db, accountId);
  const out = new Set<number>();
  for (const id of [...new Set(text.split(',').map(Number))]) {
    const unit = units.find((u) => u.id === id);
    if (!unit) throw badRequest(`locationIds: location ${id} is not a unit of this account`);
    if (unit.kind !== 'chain') out.add(id);
    else for (const d of descendantsOf(units, id)) if (d.kind !== 'chain') out.add(d.id);
  }
  return [...out].sort((a, b) => a - b);
}

function readSources(text: string | undefined): string[] | null {
  if (text === undefined) return null;
  return [...new Set(text.split(',').map((s) => readFeedbackSource(s, 'sources')))];
}

function drillDownPath(range: { from: string; to: string }, locationIds: string | undefined, sources: string | undefined): string {
  const params = new URLSearchParams({ from: range.from, to: range.to });
  if (locationIds !== undefined) params.set('locationIds', locationIds);
  if (sources !== undefined) params.set('sources', sources);
  return `/admin/v1/dashboards/answer-documents?${params.toString().replaceAll('%2C', ',')}`;
}

interface QuestionFacts {
  semanticId: number | null;
  title: string;
  options: Map<number, { title: string; segment: 'promoter' | 'passive' | 'detractor' | null }>;
}

function presentDocument(document: AnswerDocument, answers: Answer[], questions: Map<number, QuestionFacts>) {
  return {
    id: document.id,
    evaluationId: document.evaluation_id,
    locationId: document.location_id,
    guestId: document.guest_id,
    stayId: document.stay_id,
    status: document.status,
    source: document.source,
    reputationSource: document.reputation_source,
    guestName: document.guest_name,
    checkoutDate: document.checkout_date,
    day: rollupDay(document),
    receivedAt: document.received_at,
    answers: answers.map((a) => {
      const question = questions.get(a.question_id);
      const option = a.option_id === null ? undefined : question?.options.get(a.option_id);
      return {
        id: a.id,
        questionId: a.question_id,
        semanticId: question?.semanticId ?? null,
        question: question?.title ?? '',
        optionId: a.option_id,
        option: option?.title ?? null,
        segment: option?.segment ?? null,
        optionIds: a.option_ids === null ? null : parseJson<number[]>(a.option_ids, []),
        text: a.text,
        numberValue: a.number_value,
        score: a.score,
      };
    }),
  };
}

const titleOf = (l: Location) => pickText(parseJson<I18nText>(l.title, {}));

/**
 * The console's dashboards: scores (NPS and question averages by location, period and source,
 * from the rollups), the answer documents behind a figure, and reputation with competitive sets.
 */
export async function dashboardRoutes(app: AdminApp, { db }: AdminDeps): Promise<void> {
  app.get(
    '/dashboards/scores',
    {
      schema: {
        tags,
        summary: 'NPS and question scores by location, period and source',
        description:
          'Counts every answer document of the units and sources asked for whose day (checkout date, else the UTC day it was received) ' +
          'is in [from, to]: the NPS (semantic id 0) and the mean normalised score of each semantic id, in total, per unit, per source and ' +
          'per period (the trend). Read from the score rollups, never from the answers. `drillDown` lists the answer documents behind `total`.',
        querystring: DashboardScoresQuery,
        response: { 200: DashboardScoresSchema, ...errors(400) },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const range = readRange(request.query.from, request.query.to);
      const groupBy: GroupBy = request.query.groupBy ?? 'month';
      const locationIds = await readLocationIds(db, accountId, request.query.locationIds);
      const sources = readSources(request.query.sources);
      const scores = await readDashboardScores(db, accountId, { ...range, locationIds, sources, groupBy });
      return { ...range, groupBy, ...scores, drillDown: drillDownPath(range, request.query.locationIds, request.query.sources) };
    },
  );

  app.get(
    '/dashboards/answer-documents',
    {
      schema: {
        tags,
        summary: 'The answer documents behind a dashboard figure',
        description:
          'The same selection as /dashboards/scores (days, units, sources), optionally narrowed to documents answering a semantic id or ' +
          'with an NPS answer in one segment; newest first, paged by the `next` cursor.',
        querystring: DrillDownQuerySchema,
        response: { 200: DrillDownSchema, ...errors(400) },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const q = request.query;
      const range = readRange(q.from, q.to);
      const page = await listDrillDownDocuments(db, accountId, {
        ...range,
        locationIds: await readLocationIds(db, accountId, q.locationIds),
        sources: readSources(q.sources),
        semanticId: q.semanticId,
        segment: q.segment,
        before: q.before,
        limit: q.limit ?? 50,
      });
      const questions = new Map<number, QuestionFacts>();
      for (const set of page.questionSets)
        for (const section of set.sections)
          for (const question of section.questions)
            questions.set(question.id, {
              semanticId: question.semantic_id,
              title: pickText(parseJson<I18nText>(question.title, {})),
              options: new Map(
                question.options.map((o) => [
                  o.id,
                  { title: pickText(parseJson<I18nText>(o.title, {})), segment: o.nps_segment as 'promoter' | 'passive' | 'detractor' | null },
                ]),
              ),
            });
      return { documents: page.documents.map((d) => presentDocument(d.document, d.answers, questions)), next: page.next };
    },
  );

  app.get(
    '/dashboards/reputation',
    {
      schema: {
        tags,
        summary: 'Daily reputation and reviews of a unit and its competitive sets',
        description:
          "The unit's daily reputation (rank, score, normalised score; all review sites, or one with `source`) over [from, to], its review " +
          'counts and mean ratings per channel, its newest reviews, and the same figures for every member of its competitive sets.',
        querystring: ReputationQuerySchema,
        response: { 200: DashboardReputationSchema, ...errors(400, 404) },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const q = request.query;
      const range = readRange(q.from, q.to);
      const source = q.source === undefined ? null : normalizeSource(q.source);
      const unit = await findLocation(db, accountId, q.locationId);
      if (!unit || unit.kind === 'competitor') throw notFound(`location ${q.locationId}`);
      if (unit.kind === 'chain') throw badRequest('locationId names a chain; reputation is per unit');
      const sets = await listCompetitiveSets(db, accountId, [unit.id]);
      const ids = [...new Set([unit.id, ...sets.flatMap((s) => s.memberIds)])];
      const [locations, series, stats, latest] = await Promise.all([
        listLocations(db, accountId),
        reputationSeries(db, accountId, ids, range, source),
        reviewStats(db, accountId, ids, range),
        latestReviews(db, accountId, [unit.id], range, q.reviewsLimit ?? 20),
      ]);
      const figures = (id: number) => {
        const location = locations.find((l) => l.id === id);
        return {
          locationId: id,
          title: location ? titleOf(location) : '',
          kind: location?.kind ?? 'competitor',
          series: series.get(id) ?? [],
          reviews: stats.filter((s) => s.locationId === id).map(({ locationId: _, ...rest }) => rest),
        };
      };
      return {
        ...range,
        source,
        location: figures(unit.id),
        competitiveSets: sets.map(({ set, memberIds }) => ({ id: set.id, name: set.name, members: memberIds.map(figures) })),
        latestReviews: latest.map((r) => ({
          id: r.id,
          channel: r.channel,
          reviewDate: r.review_date,
          title: r.title,
          text: r.text,
          rating: r.rating_raw,
          normalizedRating: r.rating_normalized,
          language: r.language,
          managementResponseDate: r.management_response_date,
        })),
      };
    },
  );
}
