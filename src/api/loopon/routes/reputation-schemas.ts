import { Type } from '@sinclair/typebox';
import { PageQuery } from '../paging.js';
import { Nullable, UnitSchema } from '../schemas.js';

/*
 * Online Reputation shapes of the Loopon face. The scraped document lost the field names; these
 * names follow its descriptions in Loopon's camelCase (see docs/compat.md).
 */

export const ReviewQuestionSchema = Type.Object({
  key: Type.String({ description: 'unique key identifying this question' }),
  description: Type.String(),
  answerType: Type.Union([Type.Literal('number'), Type.Literal('text'), Type.Literal('enum')]),
  answerValues: Nullable(Type.Array(Type.String(), { description: 'the valid answers of an enum question; null otherwise' })),
});

export const ReviewRatingSchema = Type.Object({
  reviewQuestion: ReviewQuestionSchema,
  score: Nullable(Type.Number({ description: 'on the scale of the source; number questions only' })),
  normalizedScore: Nullable(Type.Number({ description: 'on [0, 1]; number questions only' })),
  textAnswer: Nullable(Type.String({ description: "the guest's text (text questions) or chosen answer (enum questions)" })),
});

export const ReviewSchema = Type.Object({
  reviewId: Type.Integer(),
  issueId: Nullable(Type.Integer({ description: 'the issue created for this review, if any' })),
  unit: UnitSchema,
  reviewDate: Type.String({ description: 'YYYY-MM-DD' }),
  stayDate: Nullable(Type.String({ description: 'YYYY-MM-DD; the 1st of the month when the source gives only a month' })),
  channel: Type.String({ description: 'the review channel, e.g. tripadvisor' }),
  language: Nullable(Type.String({ description: 'ISO 639-1' })),
  title: Nullable(Type.String()),
  text: Nullable(Type.String()),
  rating: Nullable(Type.Number({ description: 'overall rating as given on the channel' })),
  normalizedRating: Nullable(Type.Number({ description: 'overall rating on [0, 1]' })),
  respondable: Type.Boolean(),
  managementResponseDate: Nullable(Type.String({ description: 'YYYY-MM-DD of the latest management response' })),
  travelComposition: Nullable(Type.String()),
  ratings: Type.Array(ReviewRatingSchema),
});

export const ReputationResultSchema = Type.Object({
  date: Type.String({ description: 'YYYY-MM-DD' }),
  rank: Nullable(Type.Number({ description: 'rank on the source, or the average rank over sources' })),
  rankOf: Nullable(Type.Integer({ description: 'number of properties ranked against' })),
  score: Nullable(Type.Number({ description: 'Reputation Score on [0, 10]' })),
  normalizedScore: Nullable(Type.Number({ description: 'on [0, 1]' })),
});

export const UnitReputationSchema = Type.Object({
  unit: UnitSchema,
  result: ReputationResultSchema,
  competitiveSets: Type.Array(
    Type.Object({
      competitiveSetId: Type.Integer(),
      name: Type.String(),
      units: Type.Array(Type.Object({ unit: UnitSchema, result: ReputationResultSchema })),
    }),
  ),
});

export const ReviewsQuery = Type.Object({
  from: Type.Optional(Type.String({ description: 'YYYY-MM-DD: reviews whose reviewDate or managementResponseDate is on or after it' })),
  since: Type.Optional(Type.String({ description: 'synonym of from' })),
  to: Type.Optional(Type.String({ description: 'YYYY-MM-DD: reviewDate and managementResponseDate on or before it; default today' })),
  ...PageQuery,
});

export const ReputationQuery = Type.Object({
  date: Type.Optional(Type.String({ description: 'YYYY-MM-DD (default today)' })),
  source: Type.Optional(Type.String({ description: 'review source, e.g. tripadvisor; all sources when absent' })),
});
