import { Type, type TSchema } from '@sinclair/typebox';
import { EVENT_TYPES, TEST_EVENT_TYPE } from '../../core/shared/event-types.js';
import type { Guest } from '../../db/schema.js';
import { presentGuest, presentMerge } from './routes/guests-present.js';
import { presentRequest, RequestSchema } from './routes/requests-present.js';
import type { LoopWithActivities } from '../../core/requests/loop-changes.js';

/*
 * The `data` of a webhook delivery: the affected object in the admin API's shape. Guests are
 * presented as GET /admin/v1/guests/{id} shows them, requests as GET /admin/v1/requests/{id}; the other objects (no admin endpoint of their
 * own yet) as their stored columns in camelCase, JSON columns parsed.
 */

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** A stored row in camelCase; JSON text columns (payload, data, custom_fields, moved) parsed. */
function presentRow(row: unknown): unknown {
  if (Array.isArray(row)) return row.map(presentRow);
  if (row === null || typeof row !== 'object') return row;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row as Record<string, unknown>)) {
    let v = value;
    if (typeof v === 'string' && /^(payload|data|custom_fields|moved)$/.test(key)) {
      try {
        v = JSON.parse(v);
      } catch {
        // not JSON: kept as text
      }
    }
    out[camel(key)] = typeof v === 'object' && v !== null ? presentRow(v) : v;
  }
  return out;
}

/** The `data` of an event of `type` from what the event stored. */
export function presentEventData(type: string, data: unknown): unknown {
  if (data === null || typeof data !== 'object') return data;
  switch (type) {
    case 'guest.created':
    case 'guest.updated':
      return presentGuest(data as Guest);
    case 'guest.merged': {
      const merged = data as Parameters<typeof presentMerge>[0] & { survivor: Guest };
      return { ...presentMerge(merged), survivor: presentGuest(merged.survivor) };
    }
    case 'request.opened':
    case 'request.updated':
      return presentRequest(data as LoopWithActivities);
    case TEST_EVENT_TYPE:
      return data;
    default:
      return presentRow(data);
  }
}

const GuestData = Type.Object({
  id: Type.Integer(),
  firstName: Type.Union([Type.String(), Type.Null()]),
  lastName: Type.Union([Type.String(), Type.Null()]),
  name: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  mobile: Type.Union([Type.String(), Type.Null()]),
  language: Type.Union([Type.String(), Type.Null()]),
  vipStatus: Type.Union([Type.String(), Type.Null()]),
  groupName: Type.Union([Type.String(), Type.Null()]),
  customFields: Type.Record(Type.String(), Type.String()),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
const Row = (description: string) => Type.Object({ id: Type.Integer() }, { additionalProperties: true, description });

const DATA_SCHEMAS: Record<string, TSchema> = {
  'guest.created': GuestData,
  'guest.updated': GuestData,
  'guest.merged': Type.Object(
    { id: Type.Integer(), survivorId: Type.Integer(), mergedId: Type.Integer(), survivor: GuestData },
    { additionalProperties: true },
  ),
  'guest.erased': Type.Object(
    {
      id: Type.Integer({ description: 'the erased guest' }),
      guestIds: Type.Array(Type.Integer(), { description: 'the erased guest and the guests merged into it' }),
      removed: Type.Record(Type.String(), Type.Integer(), { description: 'rows removed or anonymised, per kind' }),
    },
    { additionalProperties: true },
  ),
  'stay.registered': Row('the stay (its columns in camelCase: guestId, locationId, status, checkinDate, ...)'),
  'stay.status_changed': Row('the stay after the change, with previousStatus'),
  'journey.event': Row('the journey event (guestId, stayId, type, occurredAt, payload)'),
  'request.opened': RequestSchema,
  'request.updated': RequestSchema,
  'feedback.received': Type.Object({ document: Row('the answer document'), answers: Type.Array(Type.Object({}, { additionalProperties: true })) }),
  'chat.message': Row('the chat message'),
  'loyalty.enrolled': Row('the loyalty member (guestId, signinEmail, levelId, points, levelPoints; never the password)'),
  'loyalty.points_added': Row('the earning operation (guestId, points, levelPoints, pointType, expiresAt, remainingPoints)'),
  'loyalty.points_redeemed': Row('the redemption operation (guestId, points as a negative number)'),
  'loyalty.level_changed': Type.Object(
    { guestId: Type.Integer(), previousLevelId: Type.Union([Type.Integer(), Type.Null()]), levelId: Type.Union([Type.Integer(), Type.Null()]) },
    { additionalProperties: true },
  ),
  'loyalty.points_expired': Row('the lot that expired (guestId, expiredPoints as a negative number)'),
  'loyalty.email_requested': Type.Object(
    {
      id: Type.Integer({ description: 'the member (guest id)' }),
      guestId: Type.Integer(),
      kind: Type.String({ description: 'activation | welcome | password_reset' }),
      email: Type.String(),
      language: Type.Union([Type.String(), Type.Null()], { description: 'the template language chosen' }),
      messageId: Type.Union([Type.Integer(), Type.Null()], { description: 'the queued message, null when none was' }),
      notQueued: Type.Union([Type.String(), Type.Null()], { description: 'why no message was queued (no template, a suppressed address)' }),
    },
    { additionalProperties: true },
  ),
  'rule.webhook': Type.Object(
    {
      rule: Type.Object({ id: Type.Integer(), name: Type.String() }),
      event: Type.Object(
        {
          type: Type.String({ description: 'the trigger event (stay.checked_out, feedback.received, loyalty.points_added...)' }),
          occurredAt: Type.String({ format: 'date-time' }),
          guestId: Type.Union([Type.Integer(), Type.Null()]),
          stayId: Type.Union([Type.Integer(), Type.Null()]),
          locationId: Type.Union([Type.Integer(), Type.Null()]),
          journeyEventId: Type.Union([Type.Integer(), Type.Null()]),
          payload: Type.Object({}, { additionalProperties: true, description: 'what the event recorded' }),
        },
        { additionalProperties: true },
      ),
    },
    { additionalProperties: true },
  ),
  'import.completed': Type.Object(
    {
      kind: Type.String({ description: 'the import kind (contacts)' }),
      imported: Type.Integer({ description: 'lines imported' }),
      failedCount: Type.Integer({ description: 'lines refused (reported to the importer with their line numbers)' }),
      linesRead: Type.Integer(),
      completedAt: Type.Integer({ description: 'epoch ms' }),
    },
    { additionalProperties: true, description: 'sent once per import instead of guest.created / guest.updated / stay.registered per row' },
  ),
};

/**
 * The OpenAPI 3.1 `webhooks` section of the admin document: one entry per event type, each the
 * POST a subscription receives ({type, timestamp, data}, signed per Standard Webhooks).
 */
export function webhookDocs(): Record<string, unknown> {
  const entries = [...EVENT_TYPES, TEST_EVENT_TYPE].map((type) => {
    const data = DATA_SCHEMAS[type] ?? Type.Object({ webhookId: Type.Integer(), message: Type.String() });
    const body = Type.Object({
      type: Type.Literal(type),
      timestamp: Type.String({ format: 'date-time', description: 'when the event happened' }),
      data,
    });
    return [
      type,
      {
        post: {
          summary: type === TEST_EVENT_TYPE ? 'A test event (POST /webhooks/{id}/test)' : `The ${type} event`,
          description:
            'Sent to every enabled subscription of the account that lists this type (or "*"). Headers (Standard Webhooks): ' +
            '`webhook-id` (the same on every retry: de-duplicate on it), `webhook-timestamp` (seconds), `webhook-signature` ' +
            '(v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>"> with the subscription secret). Answer 2xx within 15 s; any other ' +
            'answer (redirects included) is retried with backoff for 24 h; 410 Gone disables the subscription.',
          requestBody: { content: { 'application/json': { schema: body } } },
          responses: { '200': { description: 'received' }, '410': { description: 'gone: the subscription is disabled' } },
        },
      },
    ];
  });
  return Object.fromEntries(entries);
}
