import { Type } from '@sinclair/typebox';
import {
  DELIVERY_STATUSES,
  enqueueDelivery,
  findDelivery,
  listDeliveries,
  listDeliveryAttempts,
  replayDelivery,
  type DeliveryStatus,
} from '../../../core/outbox/deliveries.js';
import { EVENT_TYPES, TEST_EVENT_TYPE } from '../../../core/shared/event-types.js';
import { notFound } from '../../../core/shared/errors.js';
import { createWebhook, deleteWebhook, getWebhook, listWebhooks, setWebhookEnabled } from '../../../core/webhooks/subscriptions.js';
import type { Delivery, DeliveryAttempt } from '../../../db/schema.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { Id, IdParams, Instant, NoContent, Nullable, errors } from '../schemas.js';

const webhookTags = ['webhooks'];
const deliveryTags = ['deliveries'];

export const WebhookSchema = Type.Object({
  id: Id,
  url: Type.String(),
  events: Type.Array(Type.String(), { description: 'event types, or ["*"] for every one' }),
  description: Nullable(Type.String()),
  enabled: Type.Boolean(),
  disabledReason: Nullable(Type.String({ description: 'why it was disabled (e.g. the receiver answered 410 Gone)' })),
  createdAt: Instant,
  updatedAt: Instant,
});
export const WebhookListSchema = Type.Object({ webhooks: Type.Array(WebhookSchema) });
export const CreatedWebhookSchema = Type.Intersect([
  WebhookSchema,
  Type.Object({ secret: Type.String({ description: 'the signing secret (whsec_...), shown this once; stored sealed' }) }),
]);
const WebhookCreate = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000, description: 'http(s); private and loopback addresses are refused unless ALLOW_PRIVATE_CALLBACK_URLS' }),
    events: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 50, description: `of: ${EVENT_TYPES.join(', ')}, or "*"` }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const AttemptSchema = Type.Object({
  id: Type.Integer(),
  attemptedAt: Instant,
  statusCode: Nullable(Type.Integer()),
  latencyMs: Type.Integer(),
  outcome: Type.String({ description: 'delivered or failed' }),
  error: Nullable(Type.String()),
  responseExcerpt: Nullable(Type.String({ description: 'the first KiB of the answer' })),
});
export const DeliverySchema = Type.Object({
  id: Type.Integer(),
  target: Type.String({ description: 'webhook or stay_callback' }),
  webhookId: Nullable(Type.Integer()),
  stayId: Nullable(Type.Integer()),
  clientId: Nullable(Type.Integer()),
  eventType: Type.String(),
  messageId: Type.String({ description: 'the webhook-id header: the same on every attempt' }),
  url: Type.String(),
  status: Type.String({ description: "pending, delivered, dead, or held (the demo account never sends to the documents' example hosts)" }),
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Instant),
  lastError: Nullable(Type.String()),
  createdAt: Instant,
  updatedAt: Instant,
  deliveredAt: Nullable(Instant),
  actor: Nullable(
    Type.String({ description: "who caused the event: 'api-client:<id>', 'api-token:loop', 'admin', 'staff:<id>', 'guest', 'cli:<user>' or 'system'" }),
  ),
  requestId: Nullable(Type.String({ description: 'the id of the request that caused the event (in the server log); null for jobs and the CLI' })),
});
export const DeliveryListSchema = Type.Object({ deliveries: Type.Array(DeliverySchema) });
export const DeliveryDetailSchema = Type.Intersect([DeliverySchema, Type.Object({ attemptLog: Type.Array(AttemptSchema) })]);

export const presentDelivery = (d: Delivery) => ({
  id: Number(d.id),
  target: d.target,
  webhookId: d.subscription_id,
  stayId: d.stay_id,
  clientId: d.client_id,
  eventType: d.event_type,
  messageId: d.message_id,
  url: d.url,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.next_attempt_at,
  lastError: d.last_error,
  createdAt: d.created_at,
  updatedAt: d.updated_at,
  deliveredAt: d.delivered_at,
  actor: d.actor,
  requestId: d.request_id,
});

export const presentAttempt = (a: DeliveryAttempt) => ({
  id: Number(a.id),
  attemptedAt: a.attempted_at,
  statusCode: a.status_code,
  latencyMs: a.latency_ms,
  outcome: a.outcome,
  error: a.error,
  responseExcerpt: a.response_excerpt,
});

const DeliveryIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });

/**
 * Native webhook subscriptions (signed Standard Webhooks deliveries of the account's domain
 * events, through the outbox) and the deliveries of the outbox: list, inspect attempts, replay.
 */
export async function webhookRoutes(app: AdminApp, { db, config, secrets, onJobQueued }: AdminDeps): Promise<void> {
  app.get(
    '/webhooks',
    {
      schema: {
        tags: webhookTags,
        summary: 'List webhook subscriptions',
        response: { 200: WebhookListSchema, ...errors() },
      },
    },
    async (request) => ({
      webhooks: await listWebhooks(db, request.accountId),
    }),
  );

  app.post(
    '/webhooks',
    {
      schema: {
        tags: webhookTags,
        summary: 'Create a webhook subscription',
        description: 'Answers with the signing secret, this once. The event types and their payloads are in the `webhooks` section of this document.',
        body: WebhookCreate,
        response: { 201: CreatedWebhookSchema, ...errors(400) },
      },
    },
    async (request, reply) => {
      const accountId = request.accountId;
      const { webhook, secret } = await inWriteTransaction(db, (trx) =>
        createWebhook(trx, secrets, accountId, request.body, { allowPrivate: config.allowPrivateCallbackUrls }),
      );
      return reply.status(201).send({ ...webhook, secret });
    },
  );

  app.get(
    '/webhooks/:id',
    { schema: { tags: webhookTags, summary: 'Get a webhook subscription', params: IdParams, response: { 200: WebhookSchema, ...errors(404) } } },
    async (request) => getWebhook(db, request.accountId, request.params.id),
  );

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app.post(
      `/webhooks/:id/${action}`,
      {
        schema: {
          tags: webhookTags,
          summary: `${action === 'enable' ? 'Enable' : 'Disable'} a webhook subscription`,
          params: IdParams,
          response: { 200: WebhookSchema, ...errors(404) },
        },
      },
      async (request) => {
        const accountId = request.accountId;
        return inWriteTransaction(db, (trx) =>
          setWebhookEnabled(trx, accountId, request.params.id, enabled, enabled ? null : 'disabled through the admin API'),
        );
      },
    );
  }

  app.delete(
    '/webhooks/:id',
    {
      schema: {
        tags: webhookTags,
        summary: 'Delete a webhook subscription',
        description: 'Its pending deliveries are abandoned.',
        params: IdParams,
        response: { 204: NoContent, ...errors(404) },
      },
    },
    async (request, reply) => {
      const accountId = request.accountId;
      await inWriteTransaction(db, (trx) => deleteWebhook(trx, accountId, request.params.id));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/webhooks/:id/test',
    {
      schema: {
        tags: webhookTags,
        summary: 'Send a test event',
        description: `Queues a \`${TEST_EVENT_TYPE}\` event for this subscription (enabled or not is checked when it is sent), delivered and recorded like any other.`,
        params: IdParams,
        response: { 202: Type.Object({ deliveryId: Type.Integer() }), ...errors(404) },
      },
    },
    async (request, reply) => {
      const accountId = request.accountId;
      const id = request.params.id;
      const deliveryId = await inWriteTransaction(db, async (trx) => {
        const webhook = await getWebhook(trx, accountId, id);
        const data = { webhookId: webhook.id, message: 'a test event from Openstay' };
        return enqueueDelivery(
          trx,
          accountId,
          { target: 'webhook', subscriptionId: webhook.id },
          { eventType: TEST_EVENT_TYPE, url: webhook.url, payload: { data } },
        );
      });
      onJobQueued?.();
      return reply.status(202).send({ deliveryId });
    },
  );

  app.get(
    '/deliveries',
    {
      schema: {
        tags: deliveryTags,
        summary: 'List deliveries',
        description: 'Newest first. `before` pages: pass the last id of the previous page.',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Union(DELIVERY_STATUSES.map((s) => Type.Literal(s)))),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
            before: Type.Optional(Type.Integer({ minimum: 1 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: DeliveryListSchema, ...errors(400) },
      },
    },
    async (request) => {
      const { status, limit, before } = request.query;
      return {
        deliveries: (await listDeliveries(db, request.accountId, { status: status as DeliveryStatus | undefined, limit, before })).map(presentDelivery),
      };
    },
  );

  app.get(
    '/deliveries/:id',
    {
      schema: {
        tags: deliveryTags,
        summary: 'Get a delivery with its attempts',
        params: DeliveryIdParams,
        response: { 200: DeliveryDetailSchema, ...errors(404) },
      },
    },
    async (request) => {
      const delivery = await findDelivery(db, request.accountId, request.params.id);
      if (!delivery) throw notFound(`delivery ${request.params.id}`);
      const attempts = await listDeliveryAttempts(db, request.accountId, delivery.id);
      return { ...presentDelivery(delivery), attemptLog: attempts.map(presentAttempt) };
    },
  );

  app.post(
    '/deliveries/:id/replay',
    {
      schema: {
        tags: deliveryTags,
        summary: 'Replay a delivery',
        description: 'A dead (or delivered) delivery is sent again, with the same webhook-id, and retried for another 24 h. A pending or held one is a 409.',
        params: DeliveryIdParams,
        response: { 202: DeliverySchema, ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const accountId = request.accountId;
      const delivery = await inWriteTransaction(db, (trx) => replayDelivery(trx, accountId, request.params.id));
      onJobQueued?.();
      return reply.status(202).send(presentDelivery(delivery));
    },
  );
}
