import { answerValuesOf } from '../../../core/reputation/review-questions.js';
import type { ReviewWithRatings } from '../../../core/reputation/reviews.js';
import type { ReputationResult } from '../../../core/reputation/snapshots.js';
import type { Location, ReviewQuestion } from '../../../db/schema.js';
import { presentUnit } from '../presenters.js';
import type { LooponIds } from '../face-ids.js';

/* Plain functions rendering reputation rows in the Loopon face's shapes. */

export function presentReviewQuestion(question: ReviewQuestion) {
  return {
    key: question.key,
    description: question.description,
    answerType: question.answer_type as 'number' | 'text' | 'enum',
    answerValues: answerValuesOf(question),
  };
}

/** A review; `unit` is the unit row and whether its property code may be shown (not for competitors). */
export function presentReview({ review, ratings }: ReviewWithRatings, unit: { location: Location; withPropertyCode: boolean }, ids: LooponIds) {
  return {
    reviewId: review.id,
    issueId: review.issue_id,
    unit: presentUnit(unit.location, ids, unit.withPropertyCode),
    reviewDate: review.review_date,
    stayDate: review.stay_date,
    channel: review.channel,
    language: review.language,
    title: review.title,
    text: review.text,
    rating: review.rating_raw,
    normalizedRating: review.rating_normalized,
    respondable: review.respondable === 1,
    managementResponseDate: review.management_response_date,
    travelComposition: review.travel_composition,
    ratings: ratings.map(({ rating, question }) => {
      const numeric = question.answer_type === 'number';
      return {
        reviewQuestion: presentReviewQuestion(question),
        score: numeric ? rating.score_raw : null,
        normalizedScore: numeric ? rating.score_normalized : null,
        textAnswer: numeric ? null : rating.text,
      };
    }),
  };
}

/** A day's reputation; a unit without data has every figure null. */
export function presentResult(result: ReputationResult | undefined, date: string) {
  return result ?? { date, rank: null, rankOf: null, score: null, normalizedScore: null };
}
