import { Type, type Static } from '@sinclair/typebox';
import { Id, Instant, Nullable } from '../schemas.js';

/*
 * TypeBox schemas of a guest's profile pages: the timeline across modules, the export of
 * everything held (a data-subject request) and the erasure. Exported for the console's types.
 */

export const TimelineKind = Type.Union(
  [
    Type.Literal('stay'),
    Type.Literal('stay.status_changed'),
    Type.Literal('journey.event'),
    Type.Literal('request'),
    Type.Literal('request.activity'),
    Type.Literal('chat.message'),
    Type.Literal('chat.event'),
    Type.Literal('survey.answer'),
    Type.Literal('review'),
    Type.Literal('loyalty.operation'),
    Type.Literal('message'),
    Type.Literal('guest.merged'),
    Type.Literal('guest.split'),
  ],
  { description: 'what the item is; `ref.type` names the object it links to' },
);

export const TimelineRefType = Type.Union(
  [
    Type.Literal('stay'),
    Type.Literal('journey_event'),
    Type.Literal('request'),
    Type.Literal('request_activity'),
    Type.Literal('chat_event'),
    Type.Literal('answer_document'),
    Type.Literal('loyalty_operation'),
    Type.Literal('message'),
    Type.Literal('merge'),
  ],
  { description: 'request: GET /admin/v1/requests/{id}; answer_document: the dashboards drill-down; chat_event: data.sessionId is the chat' },
);

export const TimelineItemSchema = Type.Object({
  at: Instant,
  kind: TimelineKind,
  summary: Type.String({ description: 'one line in English; the console may render its own text from kind and data' }),
  ref: Type.Object({ type: TimelineRefType, id: Id }),
  data: Type.Record(Type.String(), Type.Unknown(), { description: 'the fields of the item that matter for its kind (see the kind)' }),
});
export type TimelineItem = Static<typeof TimelineItemSchema>;

export const TimelineQuery = Type.Object(
  {
    before: Type.Optional(Type.String({ maxLength: 60, description: 'the `next` cursor of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const TimelineSchema = Type.Object({
  guestId: Id,
  requestedId: Type.Integer({ description: 'the id asked for: a merged-away id answers with its survivor' }),
  items: Type.Array(TimelineItemSchema, { description: 'newest first' }),
  next: Nullable(Type.String({ description: 'pass as `before` for the next page; null on the last page' })),
});

const Rows = (description: string) => Type.Array(Type.Object({}, { additionalProperties: true }), { description });

export const GuestExportSchema = Type.Object(
  {
    exportedAt: Instant,
    guest: Type.Object({ id: Id }, { additionalProperties: true, description: 'the profile row' }),
    mergedGuests: Rows('guests merged into this one (their rows are kept, answering as it)'),
    keys: Rows('external keys'),
    matches: Rows('identity-resolution decisions'),
    revisions: Rows('earlier revisions of the profile'),
    stays: Rows('stays'),
    journeyEvents: Rows('journey events'),
    requests: Rows('requests (loops) opened by the guest, with their activities'),
    chat: Type.Object({ sessions: Rows('chat sessions'), events: Rows('chat events') }),
    answerDocuments: Rows('answer documents with their answers'),
    loyalty: Type.Object({ members: Rows('loyalty membership (never the password hash)'), operations: Rows('loyalty operations') }),
    messages: Rows('e-mails and SMS queued or sent, with their delivery state'),
    merges: Rows('merges the guest took part in'),
  },
  { description: 'everything held about the guest, rows in camelCase with JSON columns parsed' },
);

export const EraseQuery = Type.Object(
  { force: Type.Optional(Type.Boolean({ description: "true: erase even when the guest's loyalty membership holds points (they are lost)" })) },
  { additionalProperties: false },
);

export const ErasureSchema = Type.Object({
  guestId: Type.Integer(),
  erased: Type.Boolean({ description: 'false: nothing was left to erase (already erased or deleted)' }),
  guestIds: Type.Array(Id, { description: 'the guest and the guests merged into it, all erased' }),
  removed: Type.Record(Type.String(), Type.Integer(), { description: 'rows removed or anonymised, per kind' }),
});
