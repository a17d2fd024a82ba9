import { performance } from 'node:perf_hooks';
import { Webhook } from 'standardwebhooks';
import type { Db } from '../../db/database.js';
import type { Delivery } from '../../db/schema.js';
import { inWriteTransaction } from '../../db/write-transaction.js';
import { RetryAt } from '../jobs/job-lease.js';
import type { JobHandler } from '../jobs/job-worker.js';
import type { OutboundClient } from '../outbound/http-client.js';
import { parseJson } from '../shared/json.js';
import type { SecretBox } from '../shared/secret-box.js';
import { listStayCallbacks } from '../stays/stay-callbacks.js';
import { setWebhookEnabled, webhookTarget } from '../webhooks/subscriptions.js';
import { abandonDelivery, findDelivery, recordAttempt } from '../outbox/deliveries.js';
import { DEFAULT_SCHEDULE, nextAttemptAt, type RetrySchedule } from '../outbox/retry-schedule.js';

/*
 * One attempt of one delivery, run by the job worker (never inside a transaction: the request is
 * made, then its outcome is recorded in a write transaction of its own). Standard Webhooks
 * headers on every request: webhook-id (the delivery's, the same on every attempt), webhook-timestamp
 * (this attempt) and, for a webhook subscription, webhook-signature with its secret. A stay
 * callback carries the client's token as registered (Authorization: Basic|Bearer <token>).
 * A 2xx is success; anything else (a redirect included: it is not followed), a timeout or a
 * refused address is a failure retried on the schedule; 410 Gone disables the webhook subscription.
 */

export interface DeliveryHandlerDeps {
  secrets: SecretBox;
  client: OutboundClient;
  /** a webhook's `data` from what the event stored (the native API's presenters); default as stored */
  presentData?: (eventType: string, data: unknown) => unknown;
  /** the retry schedule (tests shorten it) */
  schedule?: RetrySchedule;
}

interface Request {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The request of a delivery, or why it can no longer be sent. */
async function buildRequest(db: Db, deps: DeliveryHandlerDeps, delivery: Delivery, now: number): Promise<Request | { abandon: string }> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Openstay-Webhooks/1',
    'webhook-id': delivery.message_id,
    'webhook-timestamp': String(Math.floor(now / 1000)),
  };
  if (delivery.target === 'webhook') {
    const target = await webhookTarget(db, deps.secrets, delivery.account_id, delivery.subscription_id ?? 0);
    if (!target) return { abandon: 'the webhook subscription was deleted' };
    if (!target.enabled) return { abandon: 'the webhook subscription is disabled' };
    if (target.secret === undefined) return { abandon: 'the signing secret cannot be opened with SECRET_KEY or SECRET_KEY_PREVIOUS' };
    const stored = parseJson<{ data?: unknown }>(delivery.payload, {});
    const data = deps.presentData ? deps.presentData(delivery.event_type, stored.data) : stored.data;
    const body = JSON.stringify({ type: delivery.event_type, timestamp: new Date(delivery.created_at).toISOString(), data });
    headers['webhook-signature'] = new Webhook(target.secret).sign(delivery.message_id, new Date(Math.floor(now / 1000) * 1000), body);
    return { url: target.url, headers, body };
  }
  const callbacks = await listStayCallbacks(db, deps.secrets, delivery.account_id, delivery.stay_id ?? 0);
  const callback = callbacks.find((c) => c.clientId === delivery.client_id);
  if (!callback) return { abandon: 'the stay callback was removed' };
  if (callback.tokenUnreadable) return { abandon: 'the callback token cannot be opened with SECRET_KEY or SECRET_KEY_PREVIOUS' };
  if (callback.auth !== 'none' && callback.authToken !== null)
    headers.authorization = `${callback.auth === 'basic' ? 'Basic' : 'Bearer'} ${callback.authToken}`;
  return { url: callback.url, headers, body: delivery.payload };
}

function describeError(err: unknown): string {
  const e = err as { name?: string; message?: string; code?: string; cause?: { message?: string; code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  const cause = e?.cause?.message ? `: ${e.cause.message}` : '';
  return `${e?.message ?? String(err)}${cause}`.slice(0, 1000);
}

/** Makes one attempt of the delivery; returns whether it was delivered and when to try next. */
export async function attemptDelivery(
  db: Db,
  deps: DeliveryHandlerDeps,
  accountId: number,
  deliveryId: number,
  now = Date.now(),
): Promise<{ outcome: 'delivered' | 'failed' | 'skipped'; nextAt: number | null; error?: string }> {
  const delivery = await findDelivery(db, accountId, deliveryId);
  if (delivery?.status !== 'pending') return { outcome: 'skipped', nextAt: null };
  const request = await buildRequest(db, deps, delivery, now);
  if ('abandon' in request) {
    await inWriteTransaction(db, (trx) => abandonDelivery(trx, delivery, request.abandon, now));
    return { outcome: 'skipped', nextAt: null };
  }
  let statusCode: number | null = null;
  let excerpt: string | null = null;
  let error: string | null = null;
  const started = performance.now();
  try {
    const response = await deps.client.post(request.url, request.headers, request.body);
    statusCode = response.status;
    excerpt = response.excerpt;
  } catch (err) {
    error = describeError(err);
  }
  const latencyMs = Math.round(performance.now() - started);
  const delivered = statusCode !== null && statusCode >= 200 && statusCode < 300;
  if (!delivered && error === null) error = `the receiver answered ${statusCode}`;
  const gone = statusCode === 410 && delivery.target === 'webhook';
  const end = now + latencyMs;
  const nextAt = delivered || gone ? null : nextAttemptAt(delivery.attempts + 1, delivery.life_started_at, end, deps.schedule ?? DEFAULT_SCHEDULE);
  await inWriteTransaction(db, async (trx) => {
    await recordAttempt(trx, delivery, { at: now, statusCode, latencyMs, delivered, error, excerpt }, nextAt);
    if (gone) await setWebhookEnabled(trx, accountId, delivery.subscription_id!, false, 'the receiver answered 410 Gone', end);
  });
  return delivered ? { outcome: 'delivered', nextAt: null } : { outcome: 'failed', nextAt, error: error ?? undefined };
}

/** The job handler of DELIVERY_JOB_KIND: a failed attempt is due again on the retry schedule. */
export function deliveryJobHandler(deps: DeliveryHandlerDeps): JobHandler<{ deliveryId: number }> {
  return {
    async run({ job, payload, db }) {
      const result = await attemptDelivery(db, deps, job.account_id, payload.deliveryId);
      if (result.outcome === 'failed') throw new RetryAt(result.nextAt, `delivery ${payload.deliveryId}: ${result.error}`);
    },
  };
}
