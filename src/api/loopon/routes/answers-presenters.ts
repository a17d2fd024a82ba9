import type { QuestionSetTree } from '../../../core/feedback/question-sets.js';
import type { ScoreResult } from '../../../core/feedback/scores.js';
import { parseJson, pickText, type I18nText } from '../../../core/shared/json.js';
import type { Answer, AnswerDocument, Location, Question, QuestionOption } from '../../../db/schema.js';
import type { LooponIds } from '../face-ids.js';

/* Plain functions rendering the feedback model in the Loopon face's shapes. */

/** An instant as Loopon writes it: ISO 8601 in Zulu time, to the second. */
function formatInstant(ms: number): string;
function formatInstant(ms: number | null): string | null;
function formatInstant(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const text = (json: string) => pickText(parseJson<I18nText>(json, {}));

/** Loopon knows four question types; the Loop face's yes/no question is a radio question here. */
const looponType = (type: string) => (type === 'bool' ? 'radio' : type);

/** A QuestionOption; its normalised score and NPS segment say how it counts in scores. */
export function presentOption(o: QuestionOption) {
  return { optionId: o.id, serialNumber: o.serial, title: text(o.title), normalizedScore: o.score, npsSegment: o.nps_segment };
}

/** A Question with its options. */
export function presentQuestion(q: Question & { options: QuestionOption[] }) {
  return {
    questionId: q.loopon_id ?? q.id,
    sectionId: q.section_id,
    questionSetId: q.question_set_id,
    serialNumber: q.serial,
    title: text(q.title),
    semanticId: q.semantic_id,
    departmentCode: q.department_code,
    resourceCode: q.resource_code,
    facilityType: q.facility_type,
    type: looponType(q.type),
    options: q.options.map(presentOption),
  };
}

/** A QuestionSet: the whole survey at one point in time; a section without a title has title null. */
export function presentQuestionSet(tree: QuestionSetTree, ids: LooponIds) {
  return {
    questionSetId: tree.set.id,
    evaluationId: ids.evaluation(tree.set.evaluation_id),
    serialNumber: tree.set.serial,
    created: formatInstant(tree.set.created_at),
    superseded: formatInstant(tree.set.superseded_at),
    sections: tree.sections.map((s) => ({
      sectionId: s.id,
      serialNumber: s.serial,
      questionSetId: s.question_set_id,
      title: text(s.title) || null,
      questions: s.questions.map(presentQuestion),
    })),
  };
}

/** Only one of answerOption, answerOptions, answerText is set; a number answer is written as text. */
export function presentAnswer(a: Answer, ids: LooponIds) {
  return {
    answerId: a.id,
    questionId: ids.question(a.question_id),
    received: formatInstant(a.received_at),
    answerOption: a.option_id,
    answerOptions: a.option_ids === null ? null : parseJson<number[]>(a.option_ids, []),
    answerText: a.text ?? (a.number_value === null ? null : String(a.number_value)),
    score: a.score,
  };
}

/** An AnswerDocument; `unitsById` supplies the property code. */
export function presentAnswerDocument(d: AnswerDocument, answers: Answer[], unitsById: Map<number, Location>, ids: LooponIds) {
  return {
    answerDocumentId: d.id,
    unitId: ids.unit(d.location_id),
    evaluationId: ids.evaluation(d.evaluation_id),
    propertyCode: unitsById.get(d.location_id)?.property_code ?? null,
    retention: d.retention,
    status: d.status,
    guestName: d.guest_name,
    guestEmail: d.guest_email,
    reservationNumber: d.reservation,
    loyaltyId: d.loyalty_id,
    source: d.source,
    reputationSource: d.reputation_source,
    checkinDate: d.checkin_date,
    checkoutDate: d.checkout_date,
    sent: formatInstant(d.sent_at),
    responseRate: d.response_rate,
    answers: answers.map((a) => presentAnswer(a, ids)),
    updated: formatInstant(d.updated_at),
  };
}

/** A score as Loopon's examples show it; the segment counts only for the NPS. */
export function presentScore(s: ScoreResult, nps: boolean) {
  const base = { title: s.title, score: s.score, normalizedScore: s.normalizedScore, answerCount: s.answerCount };
  return nps ? { ...base, promoterCount: s.promoterCount, passiveCount: s.passiveCount, detractorCount: s.detractorCount } : base;
}
