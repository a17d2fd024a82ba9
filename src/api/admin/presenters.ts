import type { AccountSettings } from '../../core/accounts/accounts.js';
import { reviewLinksOf } from '../../core/locations/locations.js';
import type { QuestionSetTree } from '../../core/feedback/question-sets.js';
import { parseJson, type I18nText } from '../../core/shared/json.js';
import type { Account, CustomField, Employee, Evaluation, Location, LoopType, QuestionSet } from '../../db/schema.js';

/* Plain functions that render rows in the admin API's shapes: camelCase, integer ids, epoch ms. */

const i18n = (text: string | null): I18nText => parseJson<I18nText>(text, {});

/** The account with its parsed settings (settings live in a JSON column). */
export function presentAccount(account: Account, settings: AccountSettings) {
  return { id: account.id, slug: account.slug, name: account.name, settings, createdAt: account.created_at };
}

/** A location with every column, ids as integers and the title as an i18n map. */
export function presentLocation(location: Location) {
  return {
    id: location.id,
    shortcode: location.shortcode,
    title: i18n(location.title),
    kind: location.kind,
    parentId: location.parent_id,
    propertyCode: location.property_code,
    timezone: location.timezone,
    latitude: location.latitude,
    longitude: location.longitude,
    country: location.country,
    state: location.state,
    city: location.city,
    zipCode: location.zip_code,
    streetName: location.street_name,
    streetNumber: location.street_number,
    defaultEvaluationId: location.default_evaluation_id,
    reviewLinks: reviewLinksOf(location),
    createdAt: location.created_at,
    updatedAt: location.updated_at,
  };
}

/** A loop type; the title is stored as JSON text and rendered as a map. */
export function presentLoopType(loopType: LoopType) {
  return { id: loopType.id, shortcode: loopType.shortcode, title: i18n(loopType.title), createdAt: loopType.created_at };
}

/** A custom field; `required` is stored as 0/1 and rendered as a boolean. */
export function presentCustomField(field: CustomField) {
  return { id: field.id, shortcode: field.shortcode, title: i18n(field.title), required: field.required === 1, createdAt: field.created_at };
}

/** An employee; permissions and locations are stored as JSON arrays. */
export function presentEmployee(employee: Employee) {
  return {
    id: employee.id,
    username: employee.username,
    name: employee.name,
    email: employee.email,
    sms: employee.sms,
    permissions: parseJson<string[]>(employee.permissions, []),
    locationIds: parseJson<number[]>(employee.location_ids, []),
    createdAt: employee.created_at,
  };
}

/** A survey in lists: its metadata and which version of its questions is in use. */
export function presentSurveySummary(evaluation: Evaluation, locationIds: number[], current: QuestionSet | undefined) {
  return {
    id: evaluation.id,
    shortcode: evaluation.shortcode,
    name: evaluation.name,
    description: evaluation.description,
    questionOrderRandomized: evaluation.question_order_randomized === 1,
    locationIds,
    questionSetSerial: current?.serial ?? null,
    createdAt: evaluation.created_at,
  };
}

/** One version of a survey's questions, with ids for sections, questions and options. */
export function presentQuestionSet(tree: QuestionSetTree) {
  return {
    id: tree.set.id,
    serial: tree.set.serial,
    createdAt: tree.set.created_at,
    supersededAt: tree.set.superseded_at,
    sections: tree.sections.map((section) => ({
      id: section.id,
      serial: section.serial,
      title: i18n(section.title),
      questions: section.questions.map((q) => ({
        id: q.id,
        serial: q.serial,
        type: q.type,
        title: i18n(q.title),
        placeholder: q.placeholder === null ? null : i18n(q.placeholder),
        semanticId: q.semantic_id,
        departmentCode: q.department_code,
        resourceCode: q.resource_code,
        facilityType: q.facility_type,
        options: q.options.map((o) => ({ id: o.id, serial: o.serial, title: i18n(o.title), score: o.score, npsSegment: o.nps_segment })),
      })),
    })),
  };
}

/** A survey with the question set in use. */
export function presentSurvey(evaluation: Evaluation, locationIds: number[], tree: QuestionSetTree | undefined) {
  return { ...presentSurveySummary(evaluation, locationIds, tree?.set), questionSet: tree ? presentQuestionSet(tree) : null };
}
