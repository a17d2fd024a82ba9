import { Type, type TSchema } from '@sinclair/typebox';

/*
 * TypeBox schemas of the native admin API. Request bodies are strict (an unknown field is a 400,
 * so a typo is reported instead of silently ignored); responses list every field they render.
 */

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const Id = Type.Integer({ minimum: 1, maximum: 2147483647, description: 'integer id' });
export const IdParams = Type.Object({ id: Id });
/** An id of a 64-bit table (messages, audit entries, events): any integer JavaScript holds exactly. */
export const BigId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'integer id' });
export const Instant = Type.Integer({ description: 'epoch milliseconds' });
export const Shortcode = Type.String({ minLength: 1, maxLength: 100, description: 'stable key used by integrations' });

export const I18n = Type.Record(Type.String(), Type.String(), { description: 'text by language, e.g. {"en": "Lobby"}' });
export const I18nInput = Type.Union([Type.String({ minLength: 1 }), I18n], {
  description: 'a plain string (stored as English) or text by language, e.g. {"en": "Lobby", "fr": "Hall"}',
});

export const ErrorBody = Type.Object(
  { error: Type.Object({ code: Type.String(), message: Type.String() }) },
  { description: 'what went wrong; code is a stable machine id' },
);

/**
 * Error responses declared on every route; the codes are the ones the handlers can produce. 401
 * (no credential) and 403 (a staff member's role does not allow the call, or a session call
 * without its CSRF token) can answer every route.
 */
export function errors(...statuses: Array<400 | 401 | 404 | 409 | 413 | 429>) {
  const out: Record<number, typeof ErrorBody> = { 401: ErrorBody, 403: ErrorBody };
  for (const status of statuses) out[status] = ErrorBody;
  return out;
}

export const NoContent = Type.Null({ description: 'no content' });

/* ---- account ---- */

export const AccountSettingsSchema = Type.Object({
  responsesCreateLoops: Type.Optional(Type.Boolean({ description: 'Loop face: a survey response also opens a loop' })),
  responseLoopType: Type.Optional(Type.String({ description: 'shortcode of the loop type used for those loops' })),
  defaultCountry: Type.Optional(Type.String({ description: 'ISO 3166 alpha-2: national phone numbers are read in this country when their location has none' })),
  sharedIdentifierLimit: Type.Optional(
    Type.Integer({ description: 'an e-mail or mobile held by more distinct guests than this never matches a guest automatically (default 3)' }),
  ),
  clientQuotaPerMinute: Type.Optional(
    Type.Integer({
      description: 'the most API calls one client credential (Loop authToken, Loopon OAuth client) may make per minute on an instance; absent: no quota',
    }),
  ),
  guestRetentionMonths: Type.Optional(Type.Integer({ description: 'retention: a guest with no activity for this many months is erased; absent: kept' })),
  chatRetentionDays: Type.Optional(Type.Integer({ description: 'retention: chat messages and photos older than this many days are deleted; absent: kept' })),
  deliveryLogDays: Type.Optional(Type.Integer({ description: 'retention: finished deliveries and their attempts are kept this many days; absent: 30' })),
});

export const AccountSchema = Type.Object({
  id: Id,
  slug: Type.String(),
  name: Type.String(),
  settings: AccountSettingsSchema,
  createdAt: Instant,
});

export const AccountPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    settings: Type.Optional(
      Type.Object(
        {
          responsesCreateLoops: Type.Optional(Nullable(Type.Boolean())),
          responseLoopType: Type.Optional(Nullable(Shortcode)),
          defaultCountry: Type.Optional(Nullable(Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166 alpha-2, e.g. "CA"' }))),
          sharedIdentifierLimit: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1000 }))),
          clientQuotaPerMinute: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'null: no quota' }))),
          guestRetentionMonths: Type.Optional(Nullable(Type.Integer({ minimum: 3, maximum: 240, description: 'null: guests are kept' }))),
          chatRetentionDays: Type.Optional(Nullable(Type.Integer({ minimum: 7, maximum: 3650, description: 'null: chat history is kept' }))),
          deliveryLogDays: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 365, description: 'null: the default, 30 days' }))),
        },
        { additionalProperties: false, description: 'keys to change; null removes a key' },
      ),
    ),
  },
  { additionalProperties: false },
);

/* ---- locations ---- */

const locationFields = {
  shortcode: Nullable(Shortcode),
  kind: Type.Union([Type.Literal('location'), Type.Literal('chain')], { description: 'a chain groups locations' }),
  parentId: Nullable(Id),
  propertyCode: Nullable(Type.String({ maxLength: 100, description: 'PMS property code' })),
  timezone: Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Madrid' })),
  latitude: Nullable(Type.Number({ minimum: -90, maximum: 90 })),
  longitude: Nullable(Type.Number({ minimum: -180, maximum: 180 })),
  country: Nullable(Type.String({ maxLength: 100 })),
  state: Nullable(Type.String({ maxLength: 100 })),
  city: Nullable(Type.String({ maxLength: 100 })),
  zipCode: Nullable(Type.String({ maxLength: 20 })),
  streetName: Nullable(Type.String({ maxLength: 200 })),
  streetNumber: Nullable(Type.String({ maxLength: 20 })),
  defaultEvaluationId: Nullable(Id),
  reviewLinks: Nullable(
    Type.Array(
      Type.Object(
        { name: Type.String({ minLength: 1, maxLength: 100 }), url: Type.String({ minLength: 1, maxLength: 2000 }) },
        { additionalProperties: false },
      ),
      {
        maxItems: 10,
        description: 'Review sites offered to a guest who would recommend the location (NPS 9-10) after a survey; null or [] clears them',
      },
    ),
  ),
};

export const LocationSchema = Type.Object({
  id: Id,
  shortcode: Nullable(Type.String()),
  title: I18n,
  kind: Type.String(),
  parentId: Nullable(Id),
  propertyCode: Nullable(Type.String()),
  timezone: Nullable(Type.String()),
  latitude: Nullable(Type.Number()),
  longitude: Nullable(Type.Number()),
  country: Nullable(Type.String()),
  state: Nullable(Type.String()),
  city: Nullable(Type.String()),
  zipCode: Nullable(Type.String()),
  streetName: Nullable(Type.String()),
  streetNumber: Nullable(Type.String()),
  defaultEvaluationId: Nullable(Id),
  reviewLinks: Type.Array(Type.Object({ name: Type.String(), url: Type.String() })),
  createdAt: Instant,
  updatedAt: Instant,
});
export const LocationListSchema = Type.Object({ locations: Type.Array(LocationSchema) });

export const LocationCreate = Type.Object({ title: I18nInput, ...Type.Partial(Type.Object(locationFields)).properties }, { additionalProperties: false });

export const LocationPatch = Type.Partial(LocationCreate, { additionalProperties: false });

/* ---- loop types and custom fields ---- */

export const LoopTypeSchema = Type.Object({ id: Id, shortcode: Type.String(), title: I18n, createdAt: Instant });
export const LoopTypeListSchema = Type.Object({ loopTypes: Type.Array(LoopTypeSchema) });
export const LoopTypeCreate = Type.Object({ shortcode: Shortcode, title: I18nInput }, { additionalProperties: false });

export const CustomFieldSchema = Type.Object({ id: Id, shortcode: Type.String(), title: I18n, required: Type.Boolean(), createdAt: Instant });
export const CustomFieldListSchema = Type.Object({ customFields: Type.Array(CustomFieldSchema) });
export const CustomFieldCreate = Type.Object(
  { shortcode: Shortcode, title: I18nInput, required: Type.Optional(Type.Boolean({ default: false })) },
  { additionalProperties: false },
);

/* ---- employees ---- */

export const EmployeeSchema = Type.Object({
  id: Id,
  username: Type.String(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  sms: Nullable(Type.String()),
  permissions: Type.Array(Type.String()),
  locationIds: Type.Array(Id),
  createdAt: Instant,
});
export const EmployeeListSchema = Type.Object({ employees: Type.Array(EmployeeSchema) });

export const EmployeeCreate = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100 }),
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 254 }))),
    sms: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 32, description: 'mobile number' }))),
    permissions: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { description: 'e.g. create, comment, close' })),
    locationIds: Type.Optional(Type.Array(Id, { description: 'locations the employee works at' })),
  },
  { additionalProperties: false },
);

/* ---- credentials ---- */

export const CredentialCreate = Type.Object(
  {
    kind: Type.Union([Type.Literal('loop'), Type.Literal('admin'), Type.Literal('loyalty')], {
      description: 'loop: a Loop face authToken; admin: a token for this API; loyalty: a static token of the Loyalty face (Authorization: Token)',
    }),
    label: Type.Optional(Type.String({ maxLength: 200 })),
    revokeExisting: Type.Optional(Type.Boolean({ description: 'revoke the live tokens of this kind first', default: false })),
  },
  { additionalProperties: false },
);

export const CredentialSchema = Type.Object({
  kind: Type.String(),
  token: Type.String({ description: 'shown once; only its hash is stored' }),
});

/* ---- surveys (evaluations) and their versioned question sets ---- */

export const QuestionType = Type.Union([Type.Literal('text'), Type.Literal('radio'), Type.Literal('checkbox'), Type.Literal('number'), Type.Literal('bool')], {
  description: 'text | radio | checkbox | number | bool',
});
export const NpsSegment = Type.Union([Type.Literal('promoter'), Type.Literal('passive'), Type.Literal('detractor')]);

export const OptionInput = Type.Object(
  {
    title: I18nInput,
    score: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 1, description: '0 (worst) to 1 (best)' }))),
    npsSegment: Type.Optional(Nullable(NpsSegment)),
  },
  { additionalProperties: false },
);

export const QuestionInput = Type.Object(
  {
    type: QuestionType,
    title: I18nInput,
    placeholder: Type.Optional(Nullable(I18nInput)),
    semanticId: Type.Optional(Nullable(Type.Integer({ minimum: 0, description: 'stable meaning across versions; 0 is the NPS question' }))),
    departmentCode: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    resourceCode: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    facilityType: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    options: Type.Optional(Type.Array(OptionInput, { description: 'choices of radio, checkbox and bool questions' })),
  },
  { additionalProperties: false },
);

export const SectionInput = Type.Object({ title: Type.Optional(I18nInput), questions: Type.Array(QuestionInput) }, { additionalProperties: false });

const surveyFields = {
  shortcode: Type.Optional(Nullable(Shortcode)),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  questionOrderRandomized: Type.Optional(Type.Boolean()),
  locationIds: Type.Optional(Type.Array(Id, { description: 'locations that use this survey; replaces the list' })),
};

export const SurveyCreate = Type.Object(
  {
    ...surveyFields,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    sections: Type.Array(SectionInput, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const SurveyPatch = Type.Object(
  {
    ...surveyFields,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    sections: Type.Optional(Type.Array(SectionInput, { minItems: 1, description: 'when sent, a new question set replaces the current one' })),
  },
  { additionalProperties: false },
);

export const OptionSchema = Type.Object({ id: Id, serial: Type.Integer(), title: I18n, score: Nullable(Type.Number()), npsSegment: Nullable(Type.String()) });

export const QuestionSchema = Type.Object({
  id: Id,
  serial: Type.Integer(),
  type: Type.String(),
  title: I18n,
  placeholder: Nullable(I18n),
  semanticId: Nullable(Type.Integer()),
  departmentCode: Nullable(Type.String()),
  resourceCode: Nullable(Type.String()),
  facilityType: Nullable(Type.String()),
  options: Type.Array(OptionSchema),
});

export const SectionSchema = Type.Object({ id: Id, serial: Type.Integer(), title: I18n, questions: Type.Array(QuestionSchema) });

export const QuestionSetSchema = Type.Object({
  id: Id,
  serial: Type.Integer({ description: '1 for the first version, then 2, 3...' }),
  createdAt: Instant,
  supersededAt: Nullable(Instant),
  sections: Type.Array(SectionSchema),
});

export const SurveySummarySchema = Type.Object({
  id: Id,
  shortcode: Nullable(Type.String()),
  name: Type.String(),
  description: Nullable(Type.String()),
  questionOrderRandomized: Type.Boolean(),
  locationIds: Type.Array(Id),
  questionSetSerial: Nullable(Type.Integer({ description: 'serial of the question set in use' })),
  createdAt: Instant,
});
export const SurveyListSchema = Type.Object({ surveys: Type.Array(SurveySummarySchema) });

export const SurveySchema = Type.Object({
  ...SurveySummarySchema.properties,
  questionSet: Nullable(QuestionSetSchema),
});
