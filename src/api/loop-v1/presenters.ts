import type { CustomField, Employee, Guest, Location, Loop, LoopActivity, LoopType } from '../../db/schema.js';
import type { QuestionSetTree } from '../../core/feedback/question-sets.js';
import type { Evaluation } from '../../db/schema.js';
import { parseJson, pickText, type I18nText } from '../../core/shared/json.js';
import { encodeId } from './ids.js';
import { type LoopIds, loopIdOf } from './face-ids.js';

/* Plain functions that render rows in the Loop API's shapes and ids. */

export function presentLocation(location: Location) {
  return {
    id: loopIdOf('location', location),
    shortcode: location.shortcode ?? '',
    title: parseJson<I18nText>(location.title, {}),
    ...(location.latitude !== null && location.longitude !== null ? { coords: { latitude: location.latitude, longitude: location.longitude } } : {}),
    ...(location.timezone ? { timezone: location.timezone } : {}),
  };
}

/** The location object embedded in a loop (Loop uses a flat title and geo [lng, lat] there). */
export function presentLoopLocation(location: Location) {
  return {
    id: loopIdOf('location', location),
    title: pickText(parseJson<I18nText>(location.title, {})),
    timezone: location.timezone,
    geo: location.latitude !== null && location.longitude !== null ? [location.longitude, location.latitude] : null,
    country: location.country,
    state: location.state,
    city: location.city,
    zipCode: location.zip_code,
    street_name: location.street_name,
    street_number: location.street_number,
  };
}

export function presentLoopType(loopType: LoopType) {
  return { id: loopIdOf('looptype', loopType), shortcode: loopType.shortcode, title: parseJson<I18nText>(loopType.title, {}) };
}

export function presentCustomField(field: CustomField) {
  return { id: loopIdOf('customfield', field), shortcode: field.shortcode, title: parseJson<I18nText>(field.title, {}), required: field.required === 1 };
}

/** `locationIds`: the Loop ids of the employee's locations (loopIdsOf). */
export function presentEmployee(employee: Employee, locationIds: LoopIds) {
  return {
    username: employee.username,
    name: employee.name ?? '',
    id: loopIdOf('employee', employee),
    permissions: parseJson<string[]>(employee.permissions, []),
    locations: parseJson<number[]>(employee.location_ids, []).map(locationIds),
    sms: employee.sms ?? '',
    email: employee.email ?? '',
  };
}

/** A guest as a Loop user account: no username, no permissions. */
export function presentGuestUser(guest: Guest) {
  return {
    username: '',
    name: guest.name ?? '',
    id: loopIdOf('guest', guest),
    permissions: [] as string[],
    locations: [] as string[],
    sms: guest.mobile ?? '',
    email: guest.email ?? '',
    type: 'guest',
  };
}

function presentActivity(activity: LoopActivity, loopHexId: string, guestIds: LoopIds) {
  return {
    id: encodeId('activity', activity.id),
    type: activity.type,
    date: activity.occurred_at,
    data: parseJson<Record<string, unknown>>(activity.data, {}),
    loop: loopHexId,
    system: activity.system === 1,
    automated: activity.automated === 1,
    confirmed: activity.confirmed === 1,
    person: {
      name: activity.person_name ?? '',
      type: activity.person_kind,
      id: activity.person_guest_id ? guestIds(activity.person_guest_id) : null,
    },
  };
}

/** `guestIds`: the Loop ids of the loop's creator and the guests of its activities (loopIdsOf). */
export function presentLoop(loop: Loop & { activities: LoopActivity[] }, location: Location, creatorLoopCount: number, guestIds: LoopIds) {
  const id = encodeId('loop', loop.id);
  const lastActivity = loop.activities[loop.activities.length - 1];
  return {
    id,
    title: loop.title,
    description: loop.description ?? '',
    summary: pickText(parseJson<I18nText>(location.title, {})),
    state: loop.state,
    creatorId: loop.creator_guest_id ? guestIds(loop.creator_guest_id) : null,
    creatorLoopCount,
    contactable: loop.contactable === 1,
    unread: loop.last_viewed_at === null || (lastActivity !== undefined && lastActivity.occurred_at > loop.last_viewed_at),
    activities: loop.activities.map((a) => presentActivity(a, id, guestIds)),
    loopMedium: loop.medium ?? loop.source ?? 'api',
    createDevice: loop.create_device ?? (loop.device_id ? `${loop.source ?? 'api'}:${loop.device_id}` : (loop.source ?? 'api')),
    created_on: loop.created_at,
    updated_on: loop.updated_at,
    lastViewed: loop.last_viewed_at,
    location: presentLoopLocation(location),
  };
}

/** A survey in Loop's shape; both spellings of the documented keys are sent (see docs/compat.md). */
export function presentSurvey(evaluation: Evaluation, tree: QuestionSetTree | undefined, locationIds: number[], locationLoopIds: LoopIds) {
  const questions = (tree?.sections ?? []).flatMap((s) => s.questions);
  return {
    id: loopIdOf('survey', evaluation),
    shortCode: evaluation.shortcode ?? '',
    shortcode: evaluation.shortcode ?? '',
    title: { en: evaluation.name },
    description: evaluation.description ?? '',
    locations: locationIds.map(locationLoopIds),
    questions: questions.map((q) => ({
      categoryId: loopIdOf('question', q),
      type: q.type,
      text: parseJson<I18nText>(q.title, {}),
      ...(q.placeholder ? { placeholder: parseJson<I18nText>(q.placeholder, {}) } : {}),
      ...(q.type === 'radio' || q.type === 'checkbox'
        ? { options: q.options.map((o) => ({ id: encodeId('option', o.id), text: parseJson<I18nText>(o.title, {}) })) }
        : {}),
    })),
    questionOrderRandomization: evaluation.question_order_randomized === 1,
    questionOrderRandomized: evaluation.question_order_randomized === 1,
  };
}
