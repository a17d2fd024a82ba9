import { Type, type Static } from '@sinclair/typebox';
import { Id, Instant, Nullable } from '../schemas.js';

/*
 * TypeBox schemas of the dashboards (scores, drill-down, reputation). Exported: the console takes
 * its TypeScript types from them (Static<typeof DashboardScoresSchema>...).
 */

export const CalendarDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a calendar date, YYYY-MM-DD' });
const IdList = Type.String({
  pattern: '^\\d+(,\\d+)*$',
  maxLength: 2000,
  description: 'comma-separated location ids; a chain stands for every unit below it; omitted: every unit of the account',
});
const SourceList = Type.String({
  pattern: '^[a-z-]+(,[a-z-]+)*$',
  maxLength: 200,
  description: 'comma-separated feedback sources (poststay, prestay, instay, nextstay, public, manual, reputation); omitted: all',
});
export const GroupBySchema = Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], {
  description: 'the trend periods: days, ISO weeks (Monday to Sunday) or calendar months',
});

export const DashboardScoresQuery = Type.Object(
  {
    from: Type.Optional({ ...CalendarDate, description: 'first day counted (checkout date, else the UTC day the answer came); default: 29 days before `to`' }),
    to: Type.Optional({ ...CalendarDate, description: 'last day counted, inclusive; default: today (UTC)' }),
    locationIds: Type.Optional(IdList),
    sources: Type.Optional(SourceList),
    groupBy: Type.Optional({ ...GroupBySchema, default: 'month' }),
  },
  { additionalProperties: false },
);

export const NpsFiguresSchema = Type.Object(
  {
    promoters: Type.Integer(),
    passives: Type.Integer(),
    detractors: Type.Integer(),
    responses: Type.Integer({ description: 'promoters + passives + detractors' }),
    nps: Nullable(Type.Integer({ minimum: -100, maximum: 100, description: '% promoters - % detractors, rounded half away from zero' })),
  },
  { description: 'answers to the NPS question (semantic id 0): 9-10 promoters, 7-8 passives, 0-6 detractors' },
);

export const QuestionFiguresSchema = Type.Object({
  semanticId: Type.Integer(),
  answerCount: Type.Integer(),
  scoredCount: Type.Integer({ description: 'answers that carry a score' }),
  average: Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'mean normalised score in [0, 1]; null without scored answers' })),
});

const figures = { nps: NpsFiguresSchema, questions: Type.Array(QuestionFiguresSchema, { description: 'by semantic id, ascending; only ids with answers' }) };
export const FiguresSchema = Type.Object(figures);

export const DashboardScoresSchema = Type.Object({
  from: CalendarDate,
  to: CalendarDate,
  groupBy: GroupBySchema,
  questions: Type.Array(Type.Object({ semanticId: Type.Integer(), title: Type.String({ description: 'the newest question with this semantic id' }) }), {
    description: 'every semantic id answered in the selection: questions are compared across surveys and versions by semantic id',
  }),
  total: FiguresSchema,
  periods: Type.Array(Type.Object({ start: CalendarDate, end: CalendarDate, ...figures }), {
    description: 'the trend: every period meeting the range, oldest first, clipped to it (empty periods included, with nps null)',
  }),
  byLocation: Type.Array(Type.Object({ locationId: Id, ...figures }), { description: 'every unit asked for (or with answers), by id' }),
  bySource: Type.Array(Type.Object({ source: Type.String(), ...figures }), { description: 'every source asked for (or with answers)' }),
  drillDown: Type.String({
    description: 'the path and query of the answer documents behind `total`; add semanticId, segment, or narrow locationIds/sources/from/to for a cell',
  }),
});
export type DashboardScores = Static<typeof DashboardScoresSchema>;

export const DrillDownQuerySchema = Type.Object(
  {
    from: Type.Optional(CalendarDate),
    to: Type.Optional(CalendarDate),
    locationIds: Type.Optional(IdList),
    sources: Type.Optional(SourceList),
    semanticId: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: 'only documents answering a question with this semantic id' })),
    segment: Type.Optional(
      Type.Union([Type.Literal('promoter'), Type.Literal('passive'), Type.Literal('detractor')], {
        description: 'only documents whose NPS answer is in this segment',
      }),
    ),
    before: Type.Optional({ ...Id, description: 'the `next` cursor of the previous page' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const DrillAnswerSchema = Type.Object({
  id: Id,
  questionId: Id,
  semanticId: Nullable(Type.Integer()),
  question: Type.String({ description: "the question's title (English, else its first language)" }),
  optionId: Nullable(Id),
  option: Nullable(Type.String({ description: "the chosen option's title" })),
  segment: Nullable(
    Type.Union([Type.Literal('promoter'), Type.Literal('passive'), Type.Literal('detractor')], { description: 'the NPS segment of the chosen option' }),
  ),
  optionIds: Nullable(Type.Array(Id)),
  text: Nullable(Type.String()),
  numberValue: Nullable(Type.Number()),
  score: Nullable(Type.Number({ description: 'normalised score in [0, 1]' })),
});

export const DrillDocumentSchema = Type.Object({
  id: Id,
  evaluationId: Id,
  locationId: Id,
  guestId: Nullable(Id),
  stayId: Nullable(Id),
  status: Type.String(),
  source: Type.String(),
  reputationSource: Nullable(Type.String()),
  guestName: Nullable(Type.String()),
  checkoutDate: Nullable(CalendarDate),
  day: CalendarDate,
  receivedAt: Instant,
  answers: Type.Array(DrillAnswerSchema),
});

export const DrillDownSchema = Type.Object({
  documents: Type.Array(DrillDocumentSchema, { description: 'newest first' }),
  next: Nullable(Type.Integer({ description: 'pass as `before` for the next page; null on the last page' })),
});

export const ReputationQuerySchema = Type.Object(
  {
    locationId: { ...Id, description: 'the unit (not a chain) whose reputation is shown with its competitive sets' },
    from: Type.Optional({ ...CalendarDate, description: 'default: 29 days before `to`' }),
    to: Type.Optional({ ...CalendarDate, description: 'default: today (UTC)' }),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'one review site (e.g. tripadvisor); omitted: all sites' })),
    reviewsLimit: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, default: 20, description: 'how many of the newest reviews to include' })),
  },
  { additionalProperties: false },
);

export const ReputationPointSchema = Type.Object({
  date: CalendarDate,
  rank: Nullable(Type.Number()),
  rankOf: Nullable(Type.Integer()),
  score: Nullable(Type.Number({ description: "on the site's scale" })),
  normalizedScore: Nullable(Type.Number({ description: 'on [0, 1]' })),
});

const SeriesSchema = Type.Array(ReputationPointSchema, { description: 'days with a snapshot, oldest first' });

export const ReviewStatsSchema = Type.Object({
  channel: Type.String(),
  count: Type.Integer(),
  rated: Type.Integer(),
  averageRating: Nullable(Type.Number({ description: 'mean normalised rating in [0, 1]' })),
});

export const LocationReputationSchema = Type.Object({
  locationId: Id,
  title: Type.String(),
  kind: Type.String({ description: 'property kind, or competitor' }),
  series: SeriesSchema,
  reviews: Type.Array(ReviewStatsSchema, { description: 'reviews dated in the range, per channel' }),
});

export const ReviewSummarySchema = Type.Object({
  id: Id,
  channel: Type.String(),
  reviewDate: CalendarDate,
  title: Nullable(Type.String()),
  text: Nullable(Type.String()),
  rating: Nullable(Type.Number()),
  normalizedRating: Nullable(Type.Number()),
  language: Nullable(Type.String()),
  managementResponseDate: Nullable(CalendarDate),
});

export const DashboardReputationSchema = Type.Object({
  from: CalendarDate,
  to: CalendarDate,
  source: Nullable(Type.String()),
  location: LocationReputationSchema,
  competitiveSets: Type.Array(Type.Object({ id: Id, name: Type.String(), members: Type.Array(LocationReputationSchema) }), {
    description: "the location's competitive sets, each member with the same figures",
  }),
  latestReviews: Type.Array(ReviewSummarySchema, { description: "the location's newest reviews in the range" }),
});
export type DashboardReputation = Static<typeof DashboardReputationSchema>;
