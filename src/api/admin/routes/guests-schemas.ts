import { Type } from '@sinclair/typebox';
import { Id, Instant, Nullable } from '../schemas.js';

/* TypeBox schemas of the admin API's guests: profiles, keys, match records, merges and splits. */

export const KeyText = Type.String({ minLength: 1, maxLength: 400, description: 'an external key written <source>:<value>, e.g. loop:F-1234' });
const Email = Type.String({ format: 'email', maxLength: 254 });
const Mobile = Type.String({ minLength: 1, maxLength: 32, description: "E.164, or a national number read in the location's (else the account's) country" });
const Text = (maxLength: number) => Type.String({ maxLength });
const CustomFields = Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.String({ maxLength: 2000 }), {
  description: 'merged key by key into the stored custom fields',
});

export const GuestSchema = Type.Object({
  id: Id,
  firstName: Nullable(Type.String()),
  lastName: Nullable(Type.String()),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  mobile: Nullable(Type.String()),
  language: Nullable(Type.String()),
  vipStatus: Nullable(Type.String()),
  groupName: Nullable(Type.String()),
  customFields: Type.Record(Type.String(), Type.String()),
  createdAt: Instant,
  updatedAt: Instant,
});

export const GuestKeySchema = Type.Object({ source: Type.String(), value: Type.String(), key: Type.String({ description: '<source>:<value>' }) });

export const MatchSchema = Type.Object(
  {
    rule: Type.String({ description: 'email or mobile: matched by that value; new: a new guest was made' }),
    source: Type.String({ description: 'who arrived (loop, loopon, admin...) or who split the guest off' }),
    identifier: Type.String({ description: 'the value that matched, or the known value that was not used' }),
    reason: Nullable(Type.String({ description: 'for new: why (name_conflict, blocked_email, shared_mobile, keyed_otherwise, split...)' })),
    count: Type.Integer({ description: 'how many arrivals took this decision' }),
    firstAt: Instant,
    lastAt: Instant,
  },
  { description: 'why an arrival went to this guest without an external key naming it' },
);

export const MergeSchema = Type.Object({
  id: Id,
  survivorId: Id,
  mergedId: Id,
  actor: Type.String(),
  createdAt: Instant,
  splitAt: Nullable(Instant),
  moved: Type.Record(Type.String(), Type.Integer(), { description: 'rows moved to the survivor, per table' }),
  filled: Type.Record(Type.String(), Type.Unknown(), { description: "the survivor's empty fields the merge filled, with their values" }),
});

export const IdentifierStatusSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('email'), Type.Literal('mobile')]),
    value: Type.String(),
    matches: Type.Boolean({ description: 'whether an arrival with this value may be matched to a guest' }),
    reason: Type.Optional(
      Type.Union([Type.Literal('blocked'), Type.Literal('shared'), Type.Literal('unparsable')], {
        description: 'blocked: on the blocklist; shared: held by more guests than the account limit; unparsable: no phone number',
      }),
    ),
  },
  { description: "one of the guest's values as identity resolution sees it now" },
);

export const GuestDetailSchema = Type.Object({
  ...GuestSchema.properties,
  requestedId: Type.Integer({ description: 'the id asked for: a merged-away id answers with its survivor' }),
  identifiers: Type.Array(IdentifierStatusSchema),
  keys: Type.Array(GuestKeySchema),
  matches: Type.Array(MatchSchema),
  merges: Type.Array(MergeSchema, { description: 'the merges this guest survived, latest first' }),
});

export const GuestListQuery = Type.Object(
  {
    email: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
    mobile: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    key: Type.Optional(KeyText),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'part of the name, first or last name, case-insensitive' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);

export const GuestListSchema = Type.Object({
  guests: Type.Array(GuestSchema),
  limit: Type.Integer(),
  offset: Type.Integer(),
  nextOffset: Nullable(Type.Integer({ description: 'the offset of the next page; null on the last page' })),
});

const profileFields = {
  firstName: Type.Optional(Nullable(Text(200))),
  lastName: Type.Optional(Nullable(Text(200))),
  name: Type.Optional(Nullable(Text(400))),
  email: Type.Optional(Nullable(Email)),
  mobile: Type.Optional(Nullable(Mobile)),
  language: Type.Optional(Nullable(Text(35))),
  vipStatus: Type.Optional(Nullable(Text(100))),
  groupName: Type.Optional(Nullable(Text(200))),
  customFields: Type.Optional(CustomFields),
};

export const GuestArrival = Type.Object(
  {
    ...profileFields,
    key: Type.Optional(KeyText),
    locationId: Type.Optional(Nullable(Id)),
  },
  { additionalProperties: false, description: 'an arrival: found by key, else e-mail, else mobile, or created' },
);

export const GuestPatch = Type.Object(profileFields, { additionalProperties: false, description: 'only the fields sent change; null clears' });

export const ArrivalResultSchema = Type.Object({
  guest: GuestSchema,
  created: Type.Boolean(),
  rule: Type.String({ description: 'key, email or mobile: how an existing guest was found; new: a guest was made' }),
  reason: Nullable(Type.String({ description: 'for new: why a known e-mail or mobile was not used' })),
});

export const MergeBody = Type.Object({ survivorId: Id, otherId: Id }, { additionalProperties: false });
export const MergeResultSchema = Type.Object({ merge: MergeSchema, survivor: GuestSchema });

export const SplitBody = Type.Object({ key: KeyText }, { additionalProperties: false });
export const SplitResultSchema = Type.Object({
  guest: GuestSchema,
  splitOff: GuestSchema,
  restoredMergeId: Nullable(Id),
  moved: Type.Record(Type.String(), Type.Integer(), { description: 'rows that went to splitOff, per table' }),
});
