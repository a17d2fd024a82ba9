import { Type } from '@sinclair/typebox';

/* Schemas shared by the Loop routes. Bodies are read tolerantly (see parse.ts). */

export const Hex24 = Type.String({ description: '24-hex id', examples: ['529652b0121d5fa206011a79'] });
export const I18n = Type.Record(Type.String(), Type.String(), { description: 'text by language, e.g. {"en": "..."}' });
export const StringOrNumber = Type.Union([Type.String(), Type.Number()]);

/*
 * Values kept in indexed columns (foreignId, e-mail, mobile, username) are bounded: a PostgreSQL
 * index entry holds at most about 2.7 kB, and no real key comes near 255 characters.
 */
export const MAX_KEY_LENGTH = 255;
export const KeyString = Type.String({ maxLength: MAX_KEY_LENGTH });
export const KeyOrNumber = Type.Union([KeyString, Type.Number()]);
export const BooleanLike = Type.Union([Type.Boolean(), Type.String(), Type.Number()], { description: 'true/false or "true"/"false"' });
export const CustomFieldsBody = Type.Union([Type.Array(Type.Record(Type.String(), Type.Any())), Type.Record(Type.String(), Type.Any())], {
  description: 'array of single-key objects, e.g. [{"guestID": "188551"}]',
});

export const AuthQuery = Type.Object({ authToken: Type.Optional(Type.String({ description: 'account API token' })) });

export const VersionParams = Type.Object({ version: Type.String({ description: 'API version, v1' }) });

export const ErrorBody = Type.Object({
  status: Type.Literal('Error'),
  code: Type.String(),
  message: Type.String(),
});

export const Success = Type.Object({ status: Type.Literal('Success') });
export const SuccessWithId = Type.Object({ status: Type.Literal('Success'), id: Hex24 });

/** Standard error responses, declared on every route. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  413: ErrorBody,
};

const Nullable = <T extends import('@sinclair/typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const LocationSchema = Type.Object({
  id: Hex24,
  shortcode: Type.String(),
  title: I18n,
  coords: Type.Optional(Type.Object({ latitude: Type.Number(), longitude: Type.Number() })),
  timezone: Type.Optional(Type.String()),
});

export const LoopTypeSchema = Type.Object({ id: Hex24, shortcode: Type.String(), title: I18n });

export const CustomFieldSchema = Type.Object({ id: Hex24, shortcode: Type.String(), title: I18n, required: Type.Boolean() });

export const UserSchema = Type.Object({
  username: Type.String(),
  name: Type.String(),
  id: Hex24,
  permissions: Type.Array(Type.String()),
  locations: Type.Array(Type.String()),
  sms: Type.String(),
  email: Type.String(),
  type: Type.Optional(Type.String()),
});

export const ActivitySchema = Type.Object({
  id: Hex24,
  type: Type.String(),
  date: Type.Number({ description: 'epoch milliseconds' }),
  data: Type.Record(Type.String(), Type.Any()),
  loop: Hex24,
  system: Type.Boolean(),
  automated: Type.Boolean(),
  confirmed: Type.Boolean(),
  person: Type.Object({ name: Type.String(), type: Type.String(), id: Nullable(Type.String()) }),
});

export const LoopLocationSchema = Type.Object({
  id: Hex24,
  title: Type.String(),
  timezone: Nullable(Type.String()),
  geo: Nullable(Type.Array(Type.Number())),
  country: Nullable(Type.String()),
  state: Nullable(Type.String()),
  city: Nullable(Type.String()),
  zipCode: Nullable(Type.String()),
  street_name: Nullable(Type.String()),
  street_number: Nullable(Type.String()),
});

export const LoopSchema = Type.Object({
  id: Hex24,
  title: Nullable(Type.String()),
  description: Type.String(),
  summary: Type.String(),
  state: Type.String(),
  creatorId: Nullable(Type.String()),
  creatorLoopCount: Type.Integer(),
  contactable: Type.Boolean(),
  unread: Type.Boolean(),
  activities: Type.Array(ActivitySchema),
  loopMedium: Type.String(),
  createDevice: Type.String(),
  created_on: Type.Number(),
  updated_on: Type.Number(),
  lastViewed: Nullable(Type.Number()),
  location: LoopLocationSchema,
});

export const SurveySchema = Type.Object({
  id: Hex24,
  shortCode: Type.String(),
  shortcode: Type.String(),
  title: I18n,
  description: Type.String(),
  locations: Type.Array(Type.String()),
  questions: Type.Array(
    Type.Object({
      categoryId: Hex24,
      type: Type.String({ description: 'bool, text, radio, checkbox or number' }),
      text: I18n,
      placeholder: Type.Optional(I18n),
      options: Type.Optional(Type.Array(Type.Object({ id: Hex24, text: I18n }))),
    }),
  ),
  questionOrderRandomization: Type.Boolean(),
  questionOrderRandomized: Type.Boolean(),
});
