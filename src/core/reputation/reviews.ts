import type { Selectable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Review, ReviewQuestion, ReviewRatingsTable } from '../../db/schema.js';

/*
 * Online reviews of a unit (or of a competitor) with their ratings per review question. A review
 * is keyed by its channel and the channel's own id, so importing it again updates it in place.
 */

export type ReviewRating = Selectable<ReviewRatingsTable>;

export interface RatingInput {
  questionId: number;
  /** on the channel's own scale (number questions) */
  score: number | null;
  /** on [0, 1] (number questions) */
  normalizedScore: number | null;
  /** the guest's words (text questions) or the chosen answer (enum questions) */
  text: string | null;
}

export interface ReviewInput {
  locationId: number;
  channel: string;
  externalId: string;
  reviewDate: string;
  stayDate: string | null;
  language: string | null;
  title: string | null;
  text: string | null;
  rating: number | null;
  normalizedRating: number | null;
  respondable: boolean;
  managementResponseDate: string | null;
  travelComposition: string | null;
  ratings: RatingInput[];
}

export interface ReviewWithRatings {
  review: Review;
  ratings: Array<{ rating: ReviewRating; question: ReviewQuestion }>;
}

const keyOf = (channel: string, externalId: string) => `${channel}\u0000${externalId}`;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Inserts or updates reviews (by channel + external id) and replaces their ratings, in a few
 * statements per call; run it inside the caller's transaction. A key given twice: the last wins.
 */
export async function upsertReviews(db: Db, accountId: number, inputs: ReviewInput[]): Promise<void> {
  const byKey = new Map<string, ReviewInput>();
  for (const input of inputs) byKey.set(keyOf(input.channel, input.externalId), input);
  const unique = [...byKey.values()];
  if (unique.length === 0) return;
  const now = Date.now();
  for (const part of chunks(unique, 200)) {
    await db
      .insertInto('reviews')
      .values(
        part.map((r) => ({
          account_id: accountId,
          location_id: r.locationId,
          external_id: r.externalId,
          issue_id: null,
          review_date: r.reviewDate,
          stay_date: r.stayDate,
          channel: r.channel,
          language: r.language,
          title: r.title,
          text: r.text,
          rating_raw: r.rating,
          rating_normalized: r.normalizedRating,
          respondable: r.respondable ? 1 : 0,
          management_response_date: r.managementResponseDate,
          travel_composition: r.travelComposition,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['account_id', 'channel', 'external_id']).doUpdateSet((eb) => ({
          location_id: eb.ref('excluded.location_id'),
          review_date: eb.ref('excluded.review_date'),
          stay_date: eb.ref('excluded.stay_date'),
          language: eb.ref('excluded.language'),
          title: eb.ref('excluded.title'),
          text: eb.ref('excluded.text'),
          rating_raw: eb.ref('excluded.rating_raw'),
          rating_normalized: eb.ref('excluded.rating_normalized'),
          respondable: eb.ref('excluded.respondable'),
          management_response_date: eb.ref('excluded.management_response_date'),
          travel_composition: eb.ref('excluded.travel_composition'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }

  // The ids of the rows just written, to replace their ratings.
  const ids = new Map<string, number>();
  for (const part of chunks(unique, 500)) {
    const rows = await db
      .selectFrom('reviews')
      .select(['id', 'channel', 'external_id'])
      .where('account_id', '=', accountId)
      .where('external_id', 'in', [...new Set(part.map((r) => r.externalId))])
      .execute();
    for (const row of rows) if (row.external_id !== null) ids.set(keyOf(row.channel, row.external_id), row.id);
  }
  const reviewIds = unique.map((r) => ids.get(keyOf(r.channel, r.externalId))!);
  for (const part of chunks(reviewIds, 500)) {
    await db.deleteFrom('review_ratings').where('account_id', '=', accountId).where('review_id', 'in', part).execute();
  }
  const ratings = unique.flatMap((r, i) =>
    r.ratings.map((rating) => ({
      account_id: accountId,
      review_id: reviewIds[i],
      question_id: rating.questionId,
      score_raw: rating.score,
      score_normalized: rating.normalizedScore,
      text: rating.text,
    })),
  );
  for (const part of chunks(ratings, 500)) await db.insertInto('review_ratings').values(part).execute();
}

export interface ReviewQuery {
  locationIds: number[];
  /** updated since: reviewDate or managementResponseDate on or after this day */
  from: string | null;
  /** updated up to: reviewDate and managementResponseDate (when there is one) on or before this day */
  to: string;
  offset: number;
  limit: number;
}

/** Reviews of the given units updated within the window, oldest review first, with their ratings. */
export async function listReviews(db: Db, accountId: number, query: ReviewQuery): Promise<ReviewWithRatings[]> {
  if (query.locationIds.length === 0) return [];
  let select = db
    .selectFrom('reviews')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('location_id', 'in', query.locationIds)
    .where('review_date', '<=', query.to)
    .where((eb) => eb.or([eb('management_response_date', 'is', null), eb('management_response_date', '<=', query.to)]));
  const from = query.from;
  if (from !== null) {
    select = select.where((eb) => eb.or([eb('review_date', '>=', from), eb('management_response_date', '>=', from)]));
  }
  const reviews = await select.orderBy('review_date').orderBy('id').limit(query.limit).offset(query.offset).execute();
  if (reviews.length === 0) return [];

  const rows = await db
    .selectFrom('review_ratings as r')
    .innerJoin('review_questions as q', (join) => join.onRef('q.id', '=', 'r.question_id').onRef('q.account_id', '=', 'r.account_id'))
    .select([
      'r.id',
      'r.account_id',
      'r.review_id',
      'r.question_id',
      'r.score_raw',
      'r.score_normalized',
      'r.text',
      'q.key',
      'q.description',
      'q.answer_type',
      'q.answer_values',
    ])
    .where('r.account_id', '=', accountId)
    .where(
      'r.review_id',
      'in',
      reviews.map((r) => r.id),
    )
    .orderBy('r.id')
    .execute();
  const byReview = new Map<number, ReviewWithRatings['ratings']>();
  for (const row of rows) {
    const list = byReview.get(row.review_id) ?? [];
    list.push({
      rating: {
        id: row.id,
        account_id: row.account_id,
        review_id: row.review_id,
        question_id: row.question_id,
        score_raw: row.score_raw,
        score_normalized: row.score_normalized,
        text: row.text,
      },
      question: {
        id: row.question_id,
        account_id: row.account_id,
        key: row.key,
        description: row.description,
        answer_type: row.answer_type,
        answer_values: row.answer_values,
      },
    });
    byReview.set(row.review_id, list);
  }
  return reviews.map((review) => ({ review, ratings: byReview.get(review.id) ?? [] }));
}

export interface ReviewStats {
  locationId: number;
  channel: string;
  count: number;
  /** reviews with a normalised rating */
  rated: number;
  /** mean normalised rating in [0, 1]; null without rated reviews */
  averageRating: number | null;
}

/** Review counts and mean normalised ratings per unit and channel, by review date in [from, to]. */
export async function reviewStats(db: Db, accountId: number, locationIds: number[], range: { from: string; to: string }): Promise<ReviewStats[]> {
  if (locationIds.length === 0) return [];
  const rows = await db
    .selectFrom('reviews')
    .select((eb) => [
      'location_id',
      'channel',
      eb.fn.countAll<number>().as('n'),
      eb.fn.count<number>('rating_normalized').as('rated'),
      eb.fn.avg<number>('rating_normalized').as('average'),
    ])
    .where('account_id', '=', accountId)
    .where('location_id', 'in', locationIds)
    .where('review_date', '>=', range.from)
    .where('review_date', '<=', range.to)
    .groupBy(['location_id', 'channel'])
    .orderBy('location_id')
    .orderBy('channel')
    .execute();
  return rows.map((r) => ({
    locationId: r.location_id,
    channel: r.channel,
    count: Number(r.n),
    rated: Number(r.rated),
    averageRating: r.average === null ? null : Math.round(Number(r.average) * 10_000) / 10_000,
  }));
}

/** The newest reviews of the units by review date in [from, to], at most `limit`, with their ratings' raw rows omitted. */
export async function latestReviews(db: Db, accountId: number, locationIds: number[], range: { from: string; to: string }, limit: number): Promise<Review[]> {
  if (locationIds.length === 0 || limit === 0) return [];
  return db
    .selectFrom('reviews')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('location_id', 'in', locationIds)
    .where('review_date', '>=', range.from)
    .where('review_date', '<=', range.to)
    .orderBy('review_date', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
