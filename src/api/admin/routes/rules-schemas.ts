import { Type } from '@sinclair/typebox';
import { CONDITION_FIELDS } from '../../../core/journeys/conditions.js';
import { RULE_TRIGGERS } from '../../../core/shared/trigger-variables.js';
import { Id, Instant, Nullable } from '../schemas.js';

/** The admin API's shapes of journey rules, their explanations, templates and messages. */

const Conditions = Type.Unknown({
  description:
    'a test {"field", "op", "value"} or a combination {"all": [...]} / {"any": [...]} (a bare list is "all"). ' +
    `Fields: ${CONDITION_FIELDS.join(', ')}, guest.custom.<key>. Ops: eq, ne, in, not_in (value a list), gte, lte (numbers), exists, missing.`,
});
const Trigger = Type.String({ minLength: 1, maxLength: 100, description: `one of ${RULE_TRIGGERS.join(', ')}, or custom.<word>` });
const Timing = Type.Unknown({
  description:
    'when the e-mail leaves: {"type": "immediate"} (default), {"type": "delay", "minutes": 120} after the event, or ' +
    '{"type": "local_time", "time": "09:00", "daysAfter": 1} in the location time zone; then moved out of the account quiet hours',
});
const EmailAction = Type.Object(
  {
    type: Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('chat')], {
      description: 'email, sms (to the guest mobile), or chat (into the guest chat session at the stay location, opened if the guest has none)',
    }),
    template: Type.String({ minLength: 1, maxLength: 64, description: 'the name of the account template of that channel' }),
    fallbackLanguage: Type.Optional(Type.String({ maxLength: 20, description: 'the template language used when the guest has none of theirs (default en)' })),
    timing: Type.Optional(Timing),
  },
  { additionalProperties: false },
);
const PointsAction = Type.Object(
  {
    type: Type.Literal('add_loyalty_points'),
    points: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'the points added to the guest loyalty balance (an enrolled member)' }),
    concept: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'the concept of the earning operation (default "rule")' })),
    pointType: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'the point_type of the operation (default 0)' })),
  },
  { additionalProperties: false },
);
const SurveyAction = Type.Object(
  {
    type: Type.Literal('survey_invitation'),
    channel: Type.Union([Type.Literal('email'), Type.Literal('sms')]),
    template: Type.String({ minLength: 1, maxLength: 64, description: 'a template of that channel that uses {{ links.survey }}' }),
    fallbackLanguage: Type.Optional(Type.String({ maxLength: 20 })),
    surveyId: Type.Integer({ minimum: 1, description: 'the survey (an evaluation of the account) the link opens' }),
    source: Type.Optional(
      Nullable(
        Type.String({
          pattern: '^[a-z-]{1,32}$',
          description: 'the answer source; default from the trigger: checkout poststay, checkin instay, registered prestay',
        }),
      ),
    ),
    timing: Type.Optional(Timing),
  },
  { additionalProperties: false },
);
const RequestAction = Type.Object(
  {
    type: Type.Literal('open_request'),
    loopType: Type.Optional(Nullable(Type.String({ maxLength: 64, description: 'loop type shortcode; null: the account responseLoopType, else feedback' }))),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'default "Follow-up"' })),
    timing: Type.Optional(Timing),
  },
  { additionalProperties: false },
);
const WebhookAction = Type.Object(
  {
    type: Type.Literal('webhook'),
    webhookId: Type.Integer({ minimum: 1, description: 'a webhook subscription of the account: receives a signed rule.webhook event whatever its events' }),
  },
  { additionalProperties: false },
);
const Action = Type.Union([EmailAction, SurveyAction, RequestAction, WebhookAction, PointsAction], {
  description:
    'send an e-mail, SMS or chat message from a template, send a survey invitation, open a request (on feedback.received in the response transaction), call a webhook, or add loyalty points',
});

export const RuleSchema = Type.Object({
  id: Id,
  name: Type.String(),
  trigger: Type.String(),
  conditions: Conditions,
  action: Type.Object({
    type: Type.String({ description: 'email | sms | chat | survey_invitation | open_request | webhook | add_loyalty_points' }),
    template: Type.Optional(Type.String()),
    channel: Type.Optional(Type.String()),
    surveyId: Type.Optional(Type.Integer()),
    source: Type.Optional(Nullable(Type.String())),
    loopType: Type.Optional(Nullable(Type.String())),
    title: Type.Optional(Type.String()),
    webhookId: Type.Optional(Type.Integer()),
    fallbackLanguage: Type.Optional(Type.String()),
    timing: Timing,
    points: Type.Optional(Type.Integer()),
    concept: Type.Optional(Type.String()),
    pointType: Type.Optional(Type.Integer()),
  }),
  enabled: Type.Boolean(),
  builtin: Nullable(Type.String({ description: 'the default rule this is (survey-follow-up: its enabled flag is the account setting responsesCreateLoops)' })),
  createdAt: Instant,
  updatedAt: Instant,
});
export const RuleListSchema = Type.Object({ rules: Type.Array(RuleSchema) });

export const RuleInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    trigger: Trigger,
    conditions: Type.Optional(Conditions),
    action: Action,
    enabled: Type.Optional(Type.Boolean({ description: 'default true on create; unchanged on replace when absent' })),
  },
  { additionalProperties: false },
);

const TestSchema = Type.Object({
  field: Type.String(),
  op: Type.String(),
  value: Type.Optional(Type.Unknown()),
  actual: Type.Unknown({ description: 'the value the event had' }),
  held: Type.Boolean(),
});

export const DryRunSchema = Type.Object({
  ruleId: Id,
  results: Type.Array(
    Type.Object({
      eventId: Type.Integer(),
      type: Type.String(),
      guestId: Type.Integer(),
      stayId: Nullable(Type.Integer()),
      occurredAt: Instant,
      wouldFire: Type.Boolean(),
      language: Nullable(Type.String()),
      reason: Type.String(),
      tests: Type.Array(TestSchema),
    }),
  ),
});

export const ExplanationSchema = Type.Object({
  event: Type.Object({
    id: Type.Integer(),
    type: Type.String(),
    countsAs: Type.Array(Type.String(), { description: 'the triggers this event is (a status change to instay is also stay.checked_in)' }),
    guestId: Type.Integer(),
    stayId: Nullable(Type.Integer()),
    occurredAt: Instant,
  }),
  rules: Type.Array(
    Type.Object({
      ruleId: Id,
      name: Type.String(),
      enabled: Type.Boolean(),
      trigger: Type.String(),
      fired: Type.Boolean(),
      outcome: Nullable(Type.String({ description: 'what the firing recorded: queued, or skipped: <why>' })),
      messageId: Nullable(Type.Integer()),
      reason: Type.String(),
      tests: Type.Array(TestSchema),
    }),
  ),
});

export const PreviewInput = Type.Object(
  {
    guestId: Type.Integer({ minimum: 1, maximum: 2147483647 }),
    language: Type.Optional(Type.String({ maxLength: 20, description: 'render in this language instead of the guest one (falls back as a send would)' })),
  },
  { additionalProperties: false },
);

export const PreviewSchema = Type.Object({
  to: Nullable(Type.String()),
  language: Type.String(),
  subject: Type.String(),
  html: Type.String(),
  text: Type.String(),
  unsubscribeUrl: Type.String(),
});

export const TemplateSchema = Type.Object({
  id: Id,
  name: Type.String(),
  channel: Type.String(),
  language: Type.String(),
  trigger: Type.String(),
  subject: Nullable(Type.String()),
  body: Type.String(),
  validForMinutes: Type.Integer(),
  createdAt: Instant,
  updatedAt: Instant,
});
export const TemplateListSchema = Type.Object({ templates: Type.Array(TemplateSchema) });

export const TemplateInputSchema = Type.Object(
  {
    trigger: Type.String({ minLength: 1, maxLength: 100, description: 'the trigger whose variables the template may use' }),
    subject: Type.Optional(Nullable(Type.String({ maxLength: 500, description: 'Liquid; required for e-mail' }))),
    body: Type.String({ minLength: 1, maxLength: 100_000, description: 'Liquid; HTML for e-mail (outputs are HTML-escaped)' }),
    validForMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400, description: 'a message not sent within this long is expired (default 1440)' })),
  },
  { additionalProperties: false },
);

export const TemplateParams = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  channel: Type.String({ minLength: 1, maxLength: 20 }),
  language: Type.String({ minLength: 1, maxLength: 20 }),
});

export const MessageSchema = Type.Object({
  id: Type.Integer(),
  guestId: Type.Integer(),
  stayId: Nullable(Type.Integer()),
  ruleId: Nullable(Type.Integer()),
  template: Type.String(),
  channel: Type.String(),
  language: Type.String(),
  recipient: Type.String(),
  status: Type.String({ description: 'queued, sent, failed, expired or cancelled' }),
  dueAt: Instant,
  undeliverable: Nullable(Type.String({ description: 'why a queued message cannot leave now (SMTP_URL, or the Twilio settings for SMS, are not set)' })),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  subject: Nullable(Type.String({ description: 'as sent' })),
  expiresAt: Instant,
  createdAt: Instant,
  updatedAt: Instant,
  sentAt: Nullable(Instant),
  deliveryStatus: Nullable(
    Type.String({ description: 'SMS: the last delivery state the provider reported (queued, sent, delivered, undelivered, failed...)' }),
  ),
  deliveryUpdatedAt: Nullable(Instant),
});

export const MessageDetailSchema = Type.Intersect([MessageSchema, Type.Object({ html: Nullable(Type.String()), text: Nullable(Type.String()) })]);

const QuietHoursSchema = Type.Object(
  {
    start: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, local time of the location' }),
    end: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM; earlier than start: the next day' }),
  },
  { additionalProperties: false },
);
const Sender = (what: string) =>
  Nullable(Type.String({ maxLength: 254, description: `${what}: one address, "Name <desk@hotel.example>" or desk@hotel.example` }));
export const MessagingSettingsSchema = Type.Object(
  {
    quietHours: Nullable(QuietHoursSchema),
    from: Sender('the From of the account guest e-mails (null: MAIL_FROM; the SMTP envelope sender stays MAIL_FROM)'),
    replyTo: Sender('the Reply-To of the account guest e-mails (null: none)'),
  },
  { additionalProperties: false, description: 'no rule message leaves during the quiet hours; one due then waits for their end' },
);
export const MessagingSettingsInput = Type.Partial(MessagingSettingsSchema, {
  additionalProperties: false,
  description: 'keys not sent keep their value; null removes one',
});
