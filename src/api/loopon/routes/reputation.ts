import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { findLocation, listLocations } from '../../../core/locations/locations.js';
import { accessibleUnits, descendantsOf, listUnits, memberUnits } from '../../../core/locations/units.js';
import { isInCompetitiveSetOf, listCompetitiveSets } from '../../../core/locations/competitive-sets.js';
import { isCalendarDate, normalizeSource, todayUtc } from '../../../core/reputation/values.js';
import { listReviewQuestions } from '../../../core/reputation/review-questions.js';
import { listReviews } from '../../../core/reputation/reviews.js';
import { reputationOn } from '../../../core/reputation/snapshots.js';
import { badRequest, isAppError } from '../../../core/shared/errors.js';
import type { Db } from '../../../db/database.js';
import type { Location } from '../../../db/schema.js';
import { requireScope, unitFor } from '../access.js';
import { pathId } from '../path-id.js';
import type { LooponApp, LooponDeps } from '../context.js';
import { presentUnit } from '../presenters.js';
import { type LooponIds, looponIds } from '../face-ids.js';
import { findLocationsRowId } from '../../../core/locations/face-ids.js';
import { readPage } from '../paging.js';
import { UnitIdParams, errors } from '../schemas.js';
import { presentResult, presentReview, presentReviewQuestion } from './reputation-presenters.js';
import { ReputationQuery, ReviewQuestionSchema, ReviewSchema, ReviewsQuery, UnitReputationSchema } from './reputation-schemas.js';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

interface ReviewUnit {
  location: Location;
  withPropertyCode: boolean;
}

/** Both scopes Online Reputation needs: basic (any use of the API) and read_public_reviews. */
function requireReviewScopes(request: FastifyRequest): void {
  requireScope(request, 'read_public_reviews');
}

/**
 * The units whose reviews a request may read: the unit (with everything below it, for a chain),
 * or a property in a competitive set of a unit the client may use (shown without property code).
 */
async function reviewUnits(db: Db, request: FastifyRequest, unitId: string): Promise<{ units: Map<number, ReviewUnit>; ids: LooponIds }> {
  try {
    const { unit, units, ids } = await unitFor(db, request, unitId);
    const all = unit.kind === 'chain' ? [unit, ...descendantsOf(units, unit.id)] : [unit];
    return { units: new Map(all.map((location) => [location.id, { location, withPropertyCode: true }])), ids };
  } catch (err) {
    if (!isAppError(err) || (err.status !== 403 && err.status !== 404)) throw err;
    const n = pathId(unitId, 'unit');
    const accountId = request.grant.accountId;
    const owners = accessibleUnits(await listUnits(db, accountId), request.grant.unitIds).map((u) => u.id);
    const id = await findLocationsRowId(db, accountId, 'location', 'loopon', n, n);
    const location = id === undefined ? undefined : await findLocation(db, accountId, id);
    if (!location || location.kind === 'chain' || !(await isInCompetitiveSetOf(db, accountId, location.id, owners))) throw err;
    return { units: new Map([[location.id, { location, withPropertyCode: false }]]), ids: await looponIds(db, accountId) };
  }
}

/** Online Reputation: review questions, reviews and the daily reputation score with competitive sets. */
export async function reputationRoutes(app: LooponApp, { db }: LooponDeps): Promise<void> {
  app.get(
    '/units/:unitId/review-questions',
    {
      schema: {
        summary: 'List the review questions reviews can have ratings for',
        params: UnitIdParams,
        response: { 200: Type.Array(ReviewQuestionSchema), ...errors(403, 404) },
      },
    },
    async (request) => {
      requireReviewScopes(request);
      await reviewUnits(db, request, request.params.unitId);
      return (await listReviewQuestions(db, request.grant.accountId)).map(presentReviewQuestion);
    },
  );

  app.get(
    '/units/:unitId/reviews',
    {
      schema: {
        summary: 'List the reviews of a unit (of every unit below a chain) updated in a date window',
        description:
          'Chronological by reviewDate (most recent last). from: reviewDate or managementResponseDate on or after it; ' +
          'to (default today): reviewDate and managementResponseDate on or before it. Paging: pageId from 0, pageSize (default 100, at most 1000).',
        params: UnitIdParams,
        querystring: ReviewsQuery,
        response: { 200: Type.Array(ReviewSchema), ...errors(400, 403, 404) },
      },
    },
    async (request) => {
      requireReviewScopes(request);
      const { units, ids } = await reviewUnits(db, request, request.params.unitId);
      const query = request.query;
      const from = query.from ?? query.since ?? null;
      if (from !== null && !isCalendarDate(from)) throw badRequest('The since date has an invalid format');
      const to = query.to ?? todayUtc();
      if (!isCalendarDate(to)) throw badRequest('The to date has an invalid format');
      const page = readPage(query, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
      if (page.beyondEnd) return [];
      const reviews = await listReviews(db, request.grant.accountId, {
        locationIds: [...units.keys()],
        from,
        to,
        offset: page.offset,
        limit: page.limit,
      });
      return reviews.map((r) => presentReview(r, units.get(r.review.location_id)!, ids));
    },
  );

  app.get(
    '/units/:unitId/reputation',
    {
      schema: {
        summary: 'Get the online reputation of a unit (of every unit in a chain) on a day, with its competitive sets',
        description: 'Always an array: one entry for a unit, one per property for a chain. Without source, the average of all sources.',
        params: UnitIdParams,
        querystring: ReputationQuery,
        response: { 200: Type.Array(UnitReputationSchema), ...errors(400, 403, 404) },
      },
    },
    async (request) => {
      requireReviewScopes(request);
      const accountId = request.grant.accountId;
      const { unit, units, ids: faceIds } = await unitFor(db, request, request.params.unitId);
      const date = request.query.date ?? todayUtc();
      if (!isCalendarDate(date)) throw badRequest('The date has an invalid format');
      const source = request.query.source === undefined ? null : normalizeSource(request.query.source) || null;

      const subjects = memberUnits(units, unit);
      const sets = await listCompetitiveSets(
        db,
        accountId,
        subjects.map((u) => u.id),
      );
      const byId = new Map((sets.length ? await listLocations(db, accountId) : subjects).map((l) => [l.id, l]));
      const ids = [...subjects.map((u) => u.id), ...sets.flatMap((s) => s.memberIds)];
      const results = await reputationOn(db, accountId, ids, date, source);
      return subjects.map((subject) => ({
        unit: presentUnit(subject, faceIds),
        result: presentResult(results.get(subject.id), date),
        competitiveSets: sets
          .filter((s) => s.set.location_id === subject.id)
          .map(({ set, memberIds }) => ({
            competitiveSetId: set.id,
            name: set.name,
            units: memberIds
              .filter((id) => byId.has(id))
              .map((id) => ({ unit: presentUnit(byId.get(id)!, faceIds, false), result: presentResult(results.get(id), date) })),
          })),
      }));
    },
  );
}
