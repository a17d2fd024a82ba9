import { Type, type Static } from '@sinclair/typebox';
import { FEEDBACK_SOURCES, type FeedbackSource } from '../../../core/feedback/vocabulary.js';
import { listStaffAnswerDocuments, readDailyRollups, semanticQuestionTitles, type StaffFeedbackFilter } from '../../../core/feedback/staff-dashboards.js';
import { badRequest } from '../../../core/shared/errors.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { Id, Instant, Nullable, errors } from '../schemas.js';

const tags = ['feedback'];
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const MAX_DAYS = 731;

const FilterQuery = {
  from: Day,
  to: Day,
  locationIds: Type.Optional(Type.String({ pattern: '^\\d+(,\\d+)*$', maxLength: 4000, description: 'comma-separated location ids; none: every location' })),
  sources: Type.Optional(Type.String({ maxLength: 200, description: `comma-separated, of: ${FEEDBACK_SOURCES.join(', ')}; none: every source` })),
};
const RollupQuery = Type.Object(FilterQuery, { additionalProperties: false });
const DocumentQuery = Type.Object(
  {
    ...FilterQuery,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);

export const DailyRollupSchema = Type.Object({
  day: Type.String(),
  locationId: Id,
  source: Type.String(),
  semanticId: Type.Integer({ description: '0: the NPS question' }),
  answers: Type.Integer(),
  scored: Type.Integer({ description: 'answers that carry a normalised score' }),
  scoreSum: Type.Number({ description: 'sum of the normalised scores [0, 1]' }),
  promoters: Type.Integer(),
  passives: Type.Integer(),
  detractors: Type.Integer(),
});
export const FeedbackRollupsSchema = Type.Object({
  rollups: Type.Array(DailyRollupSchema),
  questions: Type.Array(Type.Object({ semanticId: Type.Integer(), title: Type.String() })),
});

export const StaffAnswerDocumentSchema = Type.Object({
  id: Id,
  locationId: Id,
  evaluationId: Id,
  guestId: Nullable(Id),
  guestName: Nullable(Type.String()),
  source: Type.String(),
  reputationSource: Nullable(Type.String()),
  checkoutDate: Nullable(Type.String()),
  receivedAt: Instant,
  answers: Type.Array(
    Type.Object({
      questionId: Id,
      question: Type.String(),
      semanticId: Nullable(Type.Integer()),
      option: Nullable(Type.String()),
      text: Nullable(Type.String()),
      number: Nullable(Type.Number()),
      score: Nullable(Type.Number()),
      segment: Nullable(Type.String()),
    }),
  ),
});
export const StaffAnswerDocumentListSchema = Type.Object({ documents: Type.Array(StaffAnswerDocumentSchema), total: Type.Integer() });

function readFilter(q: Static<typeof RollupQuery>): StaffFeedbackFilter {
  const from = Date.parse(`${q.from}T00:00:00Z`);
  const to = Date.parse(`${q.to}T00:00:00Z`);
  if (Number.isNaN(from) || Number.isNaN(to)) throw badRequest('from and to must be real dates, YYYY-MM-DD');
  if (to < from) throw badRequest('to is before from');
  if ((to - from) / 86_400_000 >= MAX_DAYS) throw badRequest(`at most ${MAX_DAYS} days at once`);
  const sources = q.sources?.split(',').map((s) => s.trim());
  for (const s of sources ?? []) if (!(FEEDBACK_SOURCES as readonly string[]).includes(s)) throw badRequest(`unknown source "${s}"`);
  return {
    from: q.from,
    to: q.to,
    locationIds: q.locationIds?.split(',').map(Number),
    sources: sources as FeedbackSource[] | undefined,
  };
}

/**
 * Feedback for the staff console's dashboards: daily score sums to chart and compare, and the
 * answer documents behind them. (A dashboards endpoint with server-side periods may replace the
 * first; see docs/compat.md.)
 */
export async function feedbackRoutes(app: AdminApp, { db }: AdminDeps): Promise<void> {
  app.get(
    '/feedback/rollups',
    {
      schema: {
        tags,
        summary: 'Daily score sums by location, source and question',
        description:
          'Sums of the score rollups (every evaluation, review sites together) per day (the checkout day, else the day received), location, ' +
          `source and semantic id, for at most ${MAX_DAYS} days. NPS = (promoters - detractors) / (promoters + passives + detractors); ` +
          'a question score = scoreSum / scored.',
        querystring: RollupQuery,
        response: { 200: FeedbackRollupsSchema, ...errors(400) },
      },
    },
    async (request) => {
      const rollups = await readDailyRollups(db, request.accountId, readFilter(request.query));
      const questions = await semanticQuestionTitles(db, request.accountId, [...new Set(rollups.map((r) => r.semanticId))]);
      return { rollups, questions };
    },
  );

  app.get(
    '/answer-documents',
    {
      schema: {
        tags,
        summary: 'List answer documents with their answers',
        description: 'The documents the dashboards count for these days, locations and sources, newest first, with their answers in words.',
        querystring: DocumentQuery,
        response: { 200: StaffAnswerDocumentListSchema, ...errors(400) },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, ...rest } = request.query;
      return listStaffAnswerDocuments(db, request.accountId, { ...readFilter(rest), limit, offset });
    },
  );
}
