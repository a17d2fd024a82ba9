import { originSlots } from './origin-slots.js';
import { performance } from 'node:perf_hooks';
import { createHmac } from 'node:crypto';
import type { Db } from '../../db/database.js';
import type { Delivery } from '../../db/schema.js';
import { inWriteTransaction } from '../../db/write-transaction.js';
import { LeaseLost, postponeJob, RetryAt } from '../jobs/job-lease.js';
import type { JobHandler } from '../jobs/job-worker.js';
import type { OutboundClient } from '../outbound/http-client.js';
import { parseJson } from '../shared/json.js';
import type { SecretBox } from '../shared/secret-box.js';
import { listStayCallbacks } from '../stays/stay-callbacks.js';
import { setWebhookEnabled, webhookTarget } from '../webhooks/subscriptions.js';
import { abandonDelivery, findDelivery, recordAttempt } from '../outbox/deliveries.js';
import { finishAttempt, loadDelivery, type LoadedDelivery } from '../outbox/delivery-batches.js';
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

/**
 * Standard Webhooks' signature (what the standardwebhooks package's Webhook.sign computes:
 * `v1,` and base64 of HMAC-SHA256 over `<id>.<timestamp in s>.<body>`, keyed with the secret after
 * `whsec_`, base64-decoded), with node:crypto's native HMAC instead of the package's JavaScript
 * SHA-256, which cost more than the rest of a delivery's request.
 */
export interface WebhookSigner {
  sign(messageId: string, timestampS: number, body: string): string;
}

export function webhookSigner(secret: string): WebhookSigner | undefined {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  if (key.length === 0) return undefined;
  return { sign: (messageId, timestampS, body) => `v1,${createHmac('sha256', key).update(`${messageId}.${timestampS}.${body}`).digest('base64')}` };
}

/** What signs a webhook's requests: its opened secret, by the sealed value (opening it is dear). */
type Signers = Map<string, WebhookSigner | undefined>;

function signerFor(deps: DeliveryHandlerDeps, signers: Signers, sealed: string): WebhookSigner | undefined {
  if (signers.has(sealed)) return signers.get(sealed);
  const secret = deps.secrets.open(sealed);
  const signer = secret === undefined ? undefined : webhookSigner(secret);
  if (signers.size >= 1000) signers.clear();
  signers.set(sealed, signer);
  return signer;
}

/** The webhook subscription of a delivery as loaded with it (delivery-batches.ts), or read now. */
type WebhookNow = { url: string; enabled: boolean; signer: WebhookSigner | undefined } | undefined;

async function webhookNow(db: Db, deps: DeliveryHandlerDeps, signers: Signers, delivery: Delivery | LoadedDelivery): Promise<WebhookNow> {
  if ('webhook' in delivery) {
    const stored = delivery.webhook;
    return stored ? { url: stored.url, enabled: stored.enabled, signer: signerFor(deps, signers, stored.secretSealed) } : undefined;
  }
  const target = await webhookTarget(db, deps.secrets, delivery.account_id, delivery.subscription_id ?? 0);
  return target && { url: target.url, enabled: target.enabled, signer: target.secret === undefined ? undefined : webhookSigner(target.secret) };
}

/** The request of a delivery, or why it can no longer be sent. */
async function buildRequest(
  db: Db,
  deps: DeliveryHandlerDeps,
  delivery: Delivery | LoadedDelivery,
  now: number,
  signers: Signers = new Map(),
): Promise<Request | { abandon: string }> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Openstay-Webhooks/1',
    'webhook-id': delivery.message_id,
    'webhook-timestamp': String(Math.floor(now / 1000)),
  };
  if (delivery.target === 'webhook') {
    const target = await webhookNow(db, deps, signers, delivery);
    if (!target) return { abandon: 'the webhook subscription was deleted' };
    if (!target.enabled) return { abandon: 'the webhook subscription is disabled' };
    if (target.signer === undefined) return { abandon: 'the signing secret cannot be opened with SECRET_KEY or SECRET_KEY_PREVIOUS' };
    const stored = parseJson<{ data?: unknown }>(delivery.payload, {});
    const data = deps.presentData ? deps.presentData(delivery.event_type, stored.data) : stored.data;
    const body = JSON.stringify({ type: delivery.event_type, timestamp: new Date(delivery.created_at).toISOString(), data });
    headers['webhook-signature'] = target.signer.sign(delivery.message_id, Math.floor(now / 1000), body);
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

interface Sent {
  statusCode: number | null;
  excerpt: string | null;
  error: string | null;
  latencyMs: number;
  delivered: boolean;
  /** 410 Gone from a webhook's receiver: its subscription is disabled */
  gone: boolean;
  /** the next attempt after a failure, null when delivered or dead */
  nextAt: number | null;
}

/** Sends the request once (never inside a transaction) and says where that leaves the delivery. */
async function send(deps: DeliveryHandlerDeps, delivery: Delivery, request: Request, now: number): Promise<Sent> {
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
  return { statusCode, excerpt, error, latencyMs, delivered, gone, nextAt };
}

/** Records an attempt on its own (410 Gone also disables the subscription), in one write transaction. */
async function recordAlone(db: Db, delivery: Delivery, sent: Sent, now: number): Promise<void> {
  const { statusCode, latencyMs, delivered, error, excerpt } = sent;
  await inWriteTransaction(db, async (trx) => {
    await recordAttempt(trx, delivery, { at: now, statusCode, latencyMs, delivered, error, excerpt }, sent.nextAt);
    if (sent.gone) await setWebhookEnabled(trx, delivery.account_id, delivery.subscription_id!, false, 'the receiver answered 410 Gone', now + latencyMs);
  });
}

type AttemptResult = { outcome: 'delivered' | 'failed' | 'skipped'; nextAt: number | null; error?: string };

function result(sent: Sent): AttemptResult {
  return sent.delivered ? { outcome: 'delivered', nextAt: null } : { outcome: 'failed', nextAt: sent.nextAt, error: sent.error ?? undefined };
}

/** Makes one attempt of the delivery and records it; returns whether it was delivered and when to try next. */
export async function attemptDelivery(db: Db, deps: DeliveryHandlerDeps, accountId: number, deliveryId: number, now = Date.now()): Promise<AttemptResult> {
  const delivery = await findDelivery(db, accountId, deliveryId);
  if (delivery?.status !== 'pending') return { outcome: 'skipped', nextAt: null };
  const request = await buildRequest(db, deps, delivery, now);
  if ('abandon' in request) {
    await inWriteTransaction(db, (trx) => abandonDelivery(trx, delivery, request.abandon, now));
    return { outcome: 'skipped', nextAt: null };
  }
  const sent = await send(deps, delivery, request, now);
  await recordAlone(db, delivery, sent, now);
  return result(sent);
}

/**
 * The job handler of DELIVERY_JOB_KIND. The worker's claimed deliveries are read together and
 * their attempts recorded together with their jobs' ends (delivery-batches.ts); a failed attempt's
 * job is due again on the retry schedule. A 410, a skipped or an abandoned delivery take the
 * plain path (rare). A worker has `concurrency` deliveries in flight, at most `perOrigin` of them
 * to one receiver (scheme, host and port): a delivery beyond that waits up to SLOT_WAIT_MS for
 * one of them to end (a receiver that answers in milliseconds frees one long before), and is
 * otherwise put back, due a second later, without an attempt, so a slow receiver holds at most
 * `perOrigin` slots (and its waiters for a moment) while the others keep going.
 */
export function deliveryJobHandler(deps: DeliveryHandlerDeps & { concurrency?: number; perOrigin?: number }): JobHandler<{ deliveryId: number }> {
  const signers: Signers = new Map();
  const slots = originSlots(deps.perOrigin ?? DELIVERIES_PER_ORIGIN);
  return {
    concurrency: deps.concurrency ?? DELIVERY_CONCURRENCY,
    async run({ job, payload, db }) {
      const now = Date.now();
      const delivery = await loadDelivery(db, job.account_id, payload.deliveryId);
      if (delivery?.status !== 'pending') return;
      const request = await buildRequest(db, deps, delivery, now, signers);
      if ('abandon' in request) {
        await inWriteTransaction(db, (trx) => abandonDelivery(trx, delivery, request.abandon, now));
        return;
      }
      const origin = originOf(request.url);
      if (!(await slots.take(origin, SLOT_WAIT_MS))) {
        await postponeJob(db, job, Date.now() + POSTPONE_MS, Date.now());
        return 'ended';
      }
      let sent: Sent;
      try {
        sent = await send(deps, delivery, request, now);
      } finally {
        slots.release(origin);
      }
      if (sent.gone) {
        await recordAlone(db, delivery, sent, now);
        throw new RetryAt(null, `delivery ${payload.deliveryId}: ${sent.error}`);
      }
      const { statusCode, latencyMs, delivered, error, excerpt } = sent;
      const ended = await finishAttempt(db, { job, delivery, attempt: { at: now, statusCode, latencyMs, delivered, error, excerpt }, nextAt: sent.nextAt });
      if (!ended) throw new LeaseLost(job.id);
      return 'ended';
    },
  };
}

/** Deliveries in flight at once per worker (they mostly wait on receivers). */
export const DELIVERY_CONCURRENCY = 128;
/** Of those, at most this many to one receiver origin (the outbound client keeps as many connections to it). */
export const DELIVERIES_PER_ORIGIN = 64;
/** A delivery put back because its receiver has DELIVERIES_PER_ORIGIN in flight is due again this much later. */
const POSTPONE_MS = 1000;
/**
 * How long a delivery beyond its receiver's DELIVERIES_PER_ORIGIN waits in memory for a slot before
 * it is put back: putting back costs a write and a second, and a backlog to one fast receiver
 * (the claim takes more of its deliveries than it may send at once) would otherwise spend half its
 * claims on it (1,700 deliveries/s against 5,600 with no put-back, docs/performance.md).
 */
const SLOT_WAIT_MS = 250;

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
