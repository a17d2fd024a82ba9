import { Type } from '@sinclair/typebox';
import type { LoopWithActivities } from '../../../core/requests/loop-changes.js';
import { parseJson } from '../../../core/shared/json.js';
import { Instant, Nullable } from '../schemas.js';

/*
 * A guest request (a loop) in the admin API's shape: GET /admin/v1/requests/{id}, the
 * request.opened and request.updated webhooks, and the staff realtime socket all show this.
 */

export const RequestActivitySchema = Type.Object({
  id: Type.Integer(),
  type: Type.String({ description: 'open, message, close, reopen' }),
  occurredAt: Instant,
  data: Type.Record(Type.String(), Type.Unknown(), { description: 'what the activity carries: {date, message?, description?, email?, sms?}' }),
  person: Type.Object({
    kind: Type.String({ description: 'customer, anonymous or employee' }),
    name: Nullable(Type.String()),
    guestId: Nullable(Type.Integer()),
  }),
});

export const RequestSchema = Type.Object({
  id: Type.Integer(),
  locationId: Type.Integer(),
  loopTypeId: Nullable(Type.Integer()),
  guestId: Nullable(Type.Integer({ description: 'the guest who opened it, when known' })),
  title: Nullable(Type.String()),
  description: Nullable(Type.String()),
  state: Type.String({ description: 'open or closed' }),
  source: Nullable(Type.String()),
  medium: Nullable(Type.String()),
  contactable: Type.Boolean(),
  customFields: Type.Record(Type.String(), Type.String()),
  answerDocumentId: Nullable(Type.Integer()),
  unread: Type.Boolean({ description: 'changed since staff last viewed it (or never viewed)' }),
  createdAt: Instant,
  updatedAt: Instant,
  lastViewedAt: Nullable(Instant),
  activities: Type.Array(RequestActivitySchema),
});

export function presentRequest(loop: LoopWithActivities) {
  const last = loop.activities[loop.activities.length - 1];
  return {
    id: Number(loop.id),
    locationId: loop.location_id,
    loopTypeId: loop.loop_type_id,
    guestId: loop.creator_guest_id,
    title: loop.title,
    description: loop.description,
    state: loop.state,
    source: loop.source,
    medium: loop.medium,
    contactable: loop.contactable === 1,
    customFields: parseJson<Record<string, string>>(loop.custom_fields, {}),
    answerDocumentId: loop.answer_document_id,
    unread: loop.last_viewed_at === null || (last !== undefined && last.occurred_at > loop.last_viewed_at),
    createdAt: Number(loop.created_at),
    updatedAt: Number(loop.updated_at),
    lastViewedAt: loop.last_viewed_at === null ? null : Number(loop.last_viewed_at),
    activities: loop.activities.map((a) => ({
      id: Number(a.id),
      type: a.type,
      occurredAt: Number(a.occurred_at),
      data: parseJson<Record<string, unknown>>(a.data, {}),
      person: { kind: a.person_kind, name: a.person_name, guestId: a.person_guest_id },
    })),
  };
}
