import { Type } from '@sinclair/typebox';
import type { Config } from '../../../config/config.js';
import { getMessage, listMessages, MESSAGE_STATUSES, type MessageStatus } from '../../../core/messaging/messages.js';
import { deleteTemplate, listTemplates, saveTemplate } from '../../../core/messaging/templates.js';
import type { Message } from '../../../db/schema.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { BigId, IdParams, Instant, NoContent, errors } from '../schemas.js';
import { getMessagingSettings, updateMessagingSettings } from '../../../core/messaging/settings.js';
import { channelAddress, listSuppressions, removeSuppression, suppressAddress } from '../../../core/messaging/suppressions.js';
import { notFound } from '../../../core/shared/errors.js';
import {
  MessageDetailSchema,
  MessageSchema,
  MessagingSettingsInput,
  MessagingSettingsSchema,
  TemplateInputSchema,
  TemplateListSchema,
  TemplateParams,
  TemplateSchema,
} from './rules-schemas.js';

const templateTags = ['templates'];
const messageTags = ['messages'];

/** Why a queued message cannot leave now, or null. */
export function undeliverable(m: Pick<Message, 'status' | 'channel'>, config: Pick<Config, 'smtpUrl' | 'twilio'>): string | null {
  if (m.status !== 'queued') return null;
  if (m.channel === 'email' && !config.smtpUrl) return 'SMTP_URL is not set: the e-mail waits, queued, for a worker that has it';
  if (m.channel === 'sms' && !config.twilio) {
    return 'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set: the SMS waits, queued, for a worker that has them';
  }
  return null;
}

export const presentMessage = (m: Message, config: Pick<Config, 'smtpUrl' | 'twilio'>) => ({
  id: Number(m.id),
  guestId: m.guest_id,
  stayId: m.stay_id,
  ruleId: m.rule_id,
  template: m.template,
  channel: m.channel,
  language: m.language,
  recipient: m.recipient,
  status: m.status,
  dueAt: Number(m.due_at),
  undeliverable: undeliverable(m, config),
  attempts: m.attempts,
  lastError: m.last_error,
  subject: m.subject,
  expiresAt: Number(m.expires_at),
  createdAt: Number(m.created_at),
  updatedAt: Number(m.updated_at),
  sentAt: m.sent_at === null ? null : Number(m.sent_at),
  deliveryStatus: m.delivery_status ?? null,
  deliveryUpdatedAt: m.delivery_updated_at == null ? null : Number(m.delivery_updated_at),
});

const MessageIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });

/** Message templates (per name, channel and language) and the guest messages of the account. */
export async function messagingRoutes(app: AdminApp, { db, config }: AdminDeps): Promise<void> {
  app.get(
    '/messaging/settings',
    {
      schema: {
        tags: templateTags,
        summary: 'Get the account messaging settings (quiet hours, e-mail From and Reply-To)',
        response: { 200: MessagingSettingsSchema, ...errors() },
      },
    },
    async (request) => getMessagingSettings(db, request.accountId),
  );

  app.put(
    '/messaging/settings',
    {
      schema: {
        tags: templateTags,
        summary: 'Set the account messaging settings (quiet hours, e-mail From and Reply-To)',
        description:
          'Keys not sent keep their value, null removes one. Quiet hours apply to messages queued from now on; From and Reply-To to e-mails sent from now on.',
        body: MessagingSettingsInput,
        response: { 200: MessagingSettingsSchema, ...errors(400) },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      return inWriteTransaction(db, (trx) => updateMessagingSettings(trx, accountId, request.body));
    },
  );

  const Suppression = Type.Object(
    { channel: Type.Union([Type.Literal('email'), Type.Literal('sms')]), address: Type.String({ minLength: 3, maxLength: 254 }) },
    { additionalProperties: false },
  );
  const SuppressionSchema = Type.Object({
    channel: Type.String(),
    address: Type.String(),
    reason: Type.String({ description: 'unsubscribed, refused or manual' }),
    createdAt: Instant,
  });

  app.get(
    '/messaging/suppressions',
    {
      schema: {
        tags: messageTags,
        summary: 'List suppressed addresses',
        description: 'Addresses that get no more messages of the channel: unsubscribed, refused for good (SMTP 5xx) or marked by staff.',
        response: { 200: Type.Object({ suppressions: Type.Array(SuppressionSchema) }), ...errors() },
      },
    },
    async (request) => ({ suppressions: await listSuppressions(db, request.accountId) }),
  );

  app.post(
    '/messaging/suppressions',
    {
      schema: {
        tags: messageTags,
        summary: 'Suppress an address (a manual mark)',
        body: Suppression,
        response: { 200: Type.Object({ channel: Type.String(), address: Type.String() }), ...errors(400) },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const channel = request.body.channel;
      const address = channelAddress(channel, request.body.address);
      await inWriteTransaction(db, (trx) => suppressAddress(trx, accountId, channel, address, 'manual'));
      return { channel, address };
    },
  );

  app.delete(
    '/messaging/suppressions',
    {
      schema: {
        tags: messageTags,
        summary: 'Let a suppressed address receive messages again',
        querystring: Suppression,
        response: { 204: NoContent, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const accountId = request.accountId;
      const channel = request.query.channel;
      const address = channelAddress(channel, request.query.address);
      const removed = await inWriteTransaction(db, (trx) => removeSuppression(trx, accountId, channel, address));
      if (!removed) throw notFound(`suppression of ${address}`);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/templates',
    {
      schema: {
        tags: templateTags,
        summary: 'List message templates',
        querystring: Type.Object({ name: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
        response: { 200: TemplateListSchema, ...errors() },
      },
    },
    async (request) => ({ templates: await listTemplates(db, request.accountId, { name: request.query.name }) }),
  );

  app.put(
    '/templates/:name/:channel/:language',
    {
      schema: {
        tags: templateTags,
        summary: 'Create or replace a message template',
        description:
          'A Liquid template (strict) for one name, channel (email) and language. It may use only the variables its trigger provides ' +
          '(guest.firstName, guest.lastName, guest.name, guest.email, guest.mobile, guest.language, guest.vipStatus, stay.checkinDate, ' +
          'stay.checkoutDate, stay.room, stay.bookingReference, stay.status, location.name, links.unsubscribe, event.type, event.occurredAt): ' +
          'anything else is a 400 naming it.',
        params: TemplateParams,
        body: TemplateInputSchema,
        response: { 200: TemplateSchema, ...errors(400) },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      return inWriteTransaction(db, (trx) => saveTemplate(trx, accountId, { ...request.params, ...request.body }));
    },
  );

  app.delete(
    '/templates/:id',
    { schema: { tags: templateTags, summary: 'Delete a message template', params: IdParams, response: { 204: NoContent, ...errors(404) } } },
    async (request, reply) => {
      const accountId = request.accountId;
      await inWriteTransaction(db, (trx) => deleteTemplate(trx, accountId, request.params.id));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/messages',
    {
      schema: {
        tags: messageTags,
        summary: 'List guest messages',
        description: 'Newest first; `before` pages. A queued message says in `undeliverable` why it cannot leave now.',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Union(MESSAGE_STATUSES.map((s) => Type.Literal(s)))),
            guestId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
            before: Type.Optional(BigId),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ messages: Type.Array(MessageSchema) }), ...errors(400) },
      },
    },
    async (request) => {
      const { status, guestId, limit, before } = request.query;
      const rows = await listMessages(db, request.accountId, { status: status as MessageStatus | undefined, guestId, limit, before });
      return { messages: rows.map((m) => presentMessage(m, config)) };
    },
  );

  app.get(
    '/messages/:id',
    { schema: { tags: messageTags, summary: 'Get a guest message, as sent', params: MessageIdParams, response: { 200: MessageDetailSchema, ...errors(404) } } },
    async (request) => {
      const m = await getMessage(db, request.accountId, request.params.id);
      return { ...presentMessage(m, config), html: m.body_html, text: m.body_text };
    },
  );
}
