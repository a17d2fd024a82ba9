import { Type } from '@sinclair/typebox';
import { Nullable } from '../schemas.js';

/*
 * Shapes of Loopon's survey objects. The scraped document lost most field names; the names here
 * are derived from its descriptions (docs/compat.md lists them). Timestamps are ISO 8601 in Zulu
 * time, calendar dates YYYY-MM-DD.
 */

const Timestamp = Type.String({ description: 'ISO 8601 in Zulu time, e.g. 2017-11-20T01:42:41Z' });
const CalendarDate = Type.String({ description: 'YYYY-MM-DD, local at the property' });

export const QuestionOptionSchema = Type.Object({
  optionId: Type.Integer({ description: 'unique id of this answer option, as referred by Answer.answerOption' }),
  serialNumber: Type.Integer({ description: 'serial number of this option within the question' }),
  title: Type.String({ description: 'title as shown to the guest, in the base language of the survey' }),
  normalizedScore: Nullable(Type.Number({ description: 'normalised score in [0, 1] if this option counts as a rating' })),
  npsSegment: Nullable(Type.String({ description: 'promoter, passive or detractor, for "the ultimate question"' })),
});

export const QuestionSchema = Type.Object({
  questionId: Type.Integer(),
  sectionId: Type.Integer(),
  questionSetId: Type.Integer(),
  serialNumber: Type.Integer({ description: 'local id/serial number of the question within the question set' }),
  title: Type.String(),
  semanticId: Nullable(Type.Integer({ description: 'the meaning of the question, stable across question sets; 0 is the NPS question' })),
  departmentCode: Nullable(Type.String()),
  resourceCode: Nullable(Type.String()),
  facilityType: Nullable(Type.String()),
  type: Type.String({ description: 'text, radio (one option), checkbox (zero or more options) or number' }),
  options: Type.Array(QuestionOptionSchema),
});

export const SectionSchema = Type.Object({
  sectionId: Type.Integer(),
  serialNumber: Type.Integer(),
  questionSetId: Type.Integer(),
  title: Nullable(Type.String({ description: 'may be absent (null)' })),
  questions: Type.Array(QuestionSchema),
});

export const QuestionSetSchema = Type.Object({
  questionSetId: Type.Integer(),
  evaluationId: Type.Integer(),
  serialNumber: Type.Integer({ description: 'serial number of this question set within its evaluation' }),
  created: Timestamp,
  superseded: Nullable(Timestamp),
  sections: Type.Array(SectionSchema),
});

export const AnswerSchema = Type.Object({
  answerId: Type.Integer(),
  questionId: Type.Integer(),
  received: Timestamp,
  answerOption: Nullable(Type.Integer({ description: 'the chosen option of a radio question' })),
  answerOptions: Nullable(Type.Array(Type.Integer(), { description: 'the checked options of a checkbox question' })),
  answerText: Nullable(Type.String({ description: 'a free-text answer, or the decimal of a number question' })),
  score: Nullable(Type.Number({ description: 'score in [0, 1] if this answer represents a score' })),
});

export const AnswerDocumentSchema = Type.Object({
  answerDocumentId: Type.Integer(),
  unitId: Type.Integer(),
  evaluationId: Type.Integer(),
  propertyCode: Nullable(Type.String()),
  retention: Nullable(Type.String({ description: 'anonymous, thirtyDays or untilFurtherNotice' })),
  status: Type.String({ description: 'created, answered, bounced, clicked or blocked' }),
  guestName: Nullable(Type.String()),
  guestEmail: Nullable(Type.String()),
  reservationNumber: Nullable(Type.String()),
  loyaltyId: Nullable(Type.String()),
  source: Type.String({ description: 'poststay, prestay, instay, nextstay, public, manual or reputation' }),
  reputationSource: Nullable(Type.String({ description: 'the review site, when source is reputation' })),
  checkinDate: Nullable(CalendarDate),
  checkoutDate: Nullable(CalendarDate),
  sent: Nullable(Timestamp),
  responseRate: Nullable(Type.Number({ description: 'share of the visible questions answered, [0, 1]' })),
  answers: Type.Array(AnswerSchema),
  updated: Timestamp,
});

export const AnswerDocumentListSchema = Type.Object({
  answerDocuments: Type.Array(AnswerDocumentSchema),
  questionSets: Type.Array(QuestionSetSchema, { description: 'all question sets referred to by answers included in the results' }),
});

export const ScoreSchema = Type.Object({
  title: Type.String({ description: 'title of the question' }),
  score: Nullable(Type.Number({ description: 'NPS (-100..100) for the NPS question, else the average normalised score in percent' })),
  normalizedScore: Nullable(Type.Number({ description: 'average normalised score, 0 to 1' })),
  answerCount: Type.Integer(),
  promoterCount: Type.Optional(Type.Integer({ description: 'only for the NPS' })),
  passiveCount: Type.Optional(Type.Integer({ description: 'only for the NPS' })),
  detractorCount: Type.Optional(Type.Integer({ description: 'only for the NPS' })),
});

export const EvaluationParams = Type.Object({
  unitId: Type.String({ description: 'unit id' }),
  evaluationId: Type.Optional(Type.String({ description: 'evaluation id; absent in the /evaluation/ shorthand (the default evaluation)' })),
});

export const SourceQuery = {
  source: Type.Optional(Type.String({ description: 'comma-separated: email, public, manual, reputation, all' })),
  reputationSources: Type.Optional(Type.String({ description: 'comma-separated review sites; implies source=reputation' })),
};
