import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { isPostgres, type Db } from '../../db/database.js';
import { prepared } from '../../db/prepared.js';
import type { Delivery, DeliveryAttempt, Job } from '../../db/schema.js';
import { afterCommit, inTrackedTransaction } from '../../db/write-transaction.js';
import { createJob, createLeasedJob, insertRowWithJob, type NewJobLease } from '../jobs/jobs.js';
import { conflict, notFound } from '../shared/errors.js';
import { heldDeliveryReason } from './example-hosts.js';

/*
 * The durable outbox: one delivery row per event that must reach one receiver, written in the
 * transaction of the change (rolled back with it, so nothing is sent for a change that did not
 * happen), and a job of kind DELIVERY_JOB_KIND that the one worker loop of background work claims
 * (core/jobs: lease, reclaim after a worker died) once the transaction has committed. Every
 * attempt is recorded in delivery_attempts.
 */

export const DELIVERY_JOB_KIND = 'outbox.delivery';
/** The schedule decides when a delivery is dead (retry-schedule.ts): the job's own limit is out of reach. */
const DELIVERY_MAX_ATTEMPTS = 1_000_000;

export type DeliveryTarget = { target: 'webhook'; subscriptionId: number } | { target: 'stay_callback'; stayId: number; clientId: number };

export interface NewDelivery {
  eventType: string;
  url: string;
  /** what the body is made of (a webhook's event, a stay callback's LooponEvent) */
  payload: unknown;
  /** who caused the event and the request that did (the write context); null when unknown */
  actor?: string | null;
  requestId?: string | null;
}

// Written in the transaction of every change someone subscribed to: compiled once (prepared.ts).
const insertDelivery = prepared(
  (
    db,
    accountId: number,
    target: string,
    subscriptionId: number | null,
    stayId: number | null,
    clientId: number | null,
    eventType: string,
    messageId: string,
    url: string,
    payload: string,
    actor: string | null,
    requestId: string | null,
    status: string,
    lastError: string | null,
    lifeStartedAt: number,
    nextAttemptAt: number | null,
    createdAt: number,
    updatedAt: number,
  ) =>
    db
      .insertInto('deliveries')
      .values({
        account_id: accountId,
        target,
        subscription_id: subscriptionId,
        stay_id: stayId,
        client_id: clientId,
        event_type: eventType,
        message_id: messageId,
        url,
        payload,
        actor,
        request_id: requestId,
        status,
        last_error: lastError,
        attempts: 0,
        life_started_at: lifeStartedAt,
        next_attempt_at: nextAttemptAt,
        created_at: createdAt,
        updated_at: updatedAt,
      })
      .returning('id'),
);

/**
 * Writes a delivery and its job in `trx`; returns the delivery's id. A delivery the account may not
 * send (the demo's to the documents' example hosts: example-hosts.ts) is written `held`, with the
 * reason in `last_error`, and gets no job.
 */
export async function enqueueDelivery(trx: Db, accountId: number, target: DeliveryTarget, delivery: NewDelivery, now = Date.now()): Promise<number> {
  const held = await heldDeliveryReason(trx, accountId, delivery.url);
  const subscriptionId = target.target === 'webhook' ? target.subscriptionId : null;
  const stayId = target.target === 'stay_callback' ? target.stayId : null;
  const clientId = target.target === 'stay_callback' ? target.clientId : null;
  const messageId = `msg_${randomUUID().replace(/-/g, '')}`;
  const payload = JSON.stringify(delivery.payload);
  const actor = delivery.actor ?? null;
  const requestId = delivery.requestId ?? null;
  // This process's worker takes the job as it is written (no claim) when the commit can be awaited and it has room.
  // A held delivery gets no job, so it takes no slot.
  const lease = !held && taker && inTrackedTransaction(trx) ? taker.leaseNew(DELIVERY_JOB_KIND) : undefined;
  if (!held && isPostgres(trx)) {
    // One statement for the delivery and its job (a round trip each otherwise).
    const rowInsert = sql`insert into deliveries (account_id, target, subscription_id, stay_id, client_id, event_type, message_id, url, payload,
        actor, request_id, status, attempts, life_started_at, next_attempt_at, created_at, updated_at)
      values (${accountId}, ${target.target}, ${subscriptionId}, ${stayId}, ${clientId}, ${delivery.eventType}, ${messageId}, ${delivery.url},
        ${payload}, ${actor}, ${requestId}, 'pending', 0, ${now}, ${now}, ${now}, ${now})
      returning id`;
    const created = await insertRowWithJob(
      trx,
      accountId,
      rowInsert,
      'deliveryId',
      { kind: DELIVERY_JOB_KIND, maxAttempts: DELIVERY_MAX_ATTEMPTS },
      lease,
      now,
    );
    afterEnqueue(trx, lease ? created.job : undefined);
    return created.rowId;
  }
  const { rows } = await insertDelivery(
    trx,
    accountId,
    target.target,
    subscriptionId,
    stayId,
    clientId,
    delivery.eventType,
    messageId,
    delivery.url,
    payload,
    actor,
    requestId,
    held ? 'held' : 'pending',
    held ?? null,
    now,
    held ? null : now,
    now,
    now,
  );
  const row = rows[0];
  const id = Number(row.id);
  if (held) return id;
  const job = { kind: DELIVERY_JOB_KIND, payload: { deliveryId: id }, maxAttempts: DELIVERY_MAX_ATTEMPTS };
  if (lease) {
    afterEnqueue(trx, await createLeasedJob(trx, accountId, job, lease, now));
    return id;
  }
  await createJob(trx, accountId, job, now);
  afterEnqueue(trx, undefined);
  return id;
}

/** Once the transaction commits: this process's worker runs the job it leased, or the workers are woken for a queued one. */
function afterEnqueue(trx: Db, leased: Job | undefined): void {
  if (leased) {
    const adopt = taker?.adopt;
    afterCommit(trx, () => (adopt ? adopt(leased) : undefined));
    return;
  }
  if (!afterCommit(trx, queued)) nudgeSoon();
}

/** The worker of this process, which may take deliveries as they are written (serve.ts). */
export interface DeliveryTaker {
  leaseNew(kind: string): NewJobLease | undefined;
  adopt(job: Job): void;
}
let taker: DeliveryTaker | undefined;

/** Registers (or with undefined removes) this process's worker as the taker of new deliveries. */
export function takeNewDeliveries(worker: DeliveryTaker | undefined): void {
  taker = worker;
}

/*
 * Waking the workers when a delivery was queued, so it goes out at once rather than at a worker's
 * next poll. In a transaction of inWriteTransaction, once it has committed (afterCommit): this
 * process's worker claims at once, and serve.ts tells the other instances (a NOTIFY on
 * PostgreSQL). Otherwise (a transaction opened some other way) the worker is woken shortly after,
 * twice: a claim cannot see an uncommitted row, so an early wake costs one empty claim and the
 * delivery waits for the poll at worst: never sent before its commit.
 */
let listener: (() => void) | undefined;
let nudging = false;

/** Registers what to do once a delivery was queued and committed (serve.ts); undefined removes it. */
export function onDeliveryQueued(wake: (() => void) | undefined): void {
  listener = wake;
}

function queued(): void {
  listener?.();
}

function nudgeSoon(): void {
  if (!listener || nudging) return;
  nudging = true;
  const wake = () => listener?.();
  setImmediate(() => {
    nudging = false;
    wake();
    // A PostgreSQL transaction that commits a little later: a second look.
    setTimeout(wake, 25).unref();
  });
}

/** `held`: recorded, never sent (example-hosts.ts) */
export type DeliveryStatus = 'pending' | 'delivered' | 'dead' | 'held';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'dead', 'held'];

export async function findDelivery(db: Db, accountId: number, id: number): Promise<Delivery | undefined> {
  return db.selectFrom('deliveries').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

/** The account's deliveries, newest first, optionally of one status; `before` pages by id. */
export async function listDeliveries(db: Db, accountId: number, opts: { status?: DeliveryStatus; limit?: number; before?: number } = {}): Promise<Delivery[]> {
  let query = db.selectFrom('deliveries').selectAll().where('account_id', '=', accountId);
  if (opts.status) query = query.where('status', '=', opts.status);
  if (opts.before !== undefined) query = query.where('id', '<', opts.before);
  return query
    .orderBy('id', 'desc')
    .limit(opts.limit ?? 50)
    .execute();
}

export async function listDeliveryAttempts(db: Db, accountId: number, deliveryId: number): Promise<DeliveryAttempt[]> {
  return db.selectFrom('delivery_attempts').selectAll().where('account_id', '=', accountId).where('delivery_id', '=', deliveryId).orderBy('id').execute();
}

/**
 * Gives a dead (or delivered) delivery a new life: pending again, due now, retried for another
 * 24 h, with the same webhook-id (receivers de-duplicate on it). A pending one is a 409: its job
 * is still scheduled, and a second job would send it twice.
 */
export async function replayDelivery(trx: Db, accountId: number, id: number, now = Date.now()): Promise<Delivery> {
  const delivery = await findDelivery(trx, accountId, id);
  if (!delivery) throw notFound(`delivery ${id}`);
  if (delivery.status === 'pending') throw conflict(`delivery ${id} is still pending: it is retried on its schedule`);
  if (delivery.status === 'held') throw conflict(`delivery ${id} is held and is never sent (${delivery.last_error})`);
  const updated = await trx
    .updateTable('deliveries')
    .set({ status: 'pending', life_started_at: now, next_attempt_at: now, updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('status', 'in', ['delivered', 'dead'])
    .returningAll()
    .executeTakeFirst();
  if (!updated) throw conflict(`delivery ${id} is still pending: it is retried on its schedule`);
  await createJob(trx, accountId, { kind: DELIVERY_JOB_KIND, payload: { deliveryId: id }, maxAttempts: DELIVERY_MAX_ATTEMPTS }, now);
  return updated;
}

export interface AttemptRecord {
  at: number;
  statusCode: number | null;
  latencyMs: number;
  delivered: boolean;
  error: string | null;
  excerpt: string | null;
}

/**
 * Records an attempt and where it leaves the delivery: delivered, pending until `nextAt`, or dead
 * (nextAt null after a failure). Written only while the delivery is still pending.
 */
export async function recordAttempt(trx: Db, delivery: Delivery, attempt: AttemptRecord, nextAt: number | null): Promise<void> {
  await trx
    .insertInto('delivery_attempts')
    .values({
      account_id: delivery.account_id,
      delivery_id: delivery.id,
      attempted_at: attempt.at,
      status_code: attempt.statusCode,
      latency_ms: attempt.latencyMs,
      outcome: attempt.delivered ? 'delivered' : 'failed',
      error: attempt.error,
      response_excerpt: attempt.excerpt,
    })
    .execute();
  const status: DeliveryStatus = attempt.delivered ? 'delivered' : nextAt === null ? 'dead' : 'pending';
  await trx
    .updateTable('deliveries')
    .set((eb) => ({
      status,
      attempts: eb('attempts', '+', 1),
      next_attempt_at: status === 'pending' ? nextAt : null,
      last_error: attempt.delivered ? null : attempt.error,
      delivered_at: attempt.delivered ? attempt.at : null,
      updated_at: attempt.at,
    }))
    .where('account_id', '=', delivery.account_id)
    .where('id', '=', delivery.id)
    .execute();
}

/** Ends a delivery without an attempt (its subscription or callback is gone or disabled). */
export async function abandonDelivery(trx: Db, delivery: Delivery, reason: string, now = Date.now()): Promise<void> {
  await trx
    .updateTable('deliveries')
    .set({ status: 'dead', next_attempt_at: null, last_error: reason, updated_at: now })
    .where('account_id', '=', delivery.account_id)
    .where('id', '=', delivery.id)
    .execute();
}

/** How long finished deliveries (delivered or dead) and their attempts are kept unless the account says otherwise. */
export const KEEP_FINISHED_DELIVERIES_MS = 30 * 86_400_000;

/**
 * Deletes the account's delivered, dead and held deliveries last changed before `before`, with
 * their attempts, at most `limit` of them (the retention pass, core/retention, calls it per account
 * with the account's setting). Safe to run twice or at once on several instances.
 */
export async function sweepDeliveries(db: Db, accountId: number, before: number, limit = 1000): Promise<number> {
  const old = await db
    .selectFrom('deliveries')
    .select('id')
    .where('account_id', '=', accountId)
    .where('status', 'in', ['delivered', 'dead', 'held'])
    .where('updated_at', '<', before)
    .limit(limit)
    .execute();
  const ids = old.map((d) => d.id);
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    await db.deleteFrom('delivery_attempts').where('account_id', '=', accountId).where('delivery_id', 'in', part).execute();
    await db.deleteFrom('deliveries').where('account_id', '=', accountId).where('id', 'in', part).execute();
  }
  return ids.length;
}
