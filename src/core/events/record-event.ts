import type { Db } from '../../db/database.js';
import { enqueueDelivery } from '../outbox/deliveries.js';
import { subscribersOf } from '../webhooks/subscriptions.js';
import type { EventType } from '../shared/event-types.js';

/*
 * Domain events. A core command records what changed with recordEvent, in the transaction of the
 * change. The event is not stored as such: it becomes an outbox row (a delivery) only for each
 * enabled webhook subscription of the account that receives its type, so a write nobody listens
 * to costs one lookup in a per-process cache (webhooks/subscriptions.ts) and no statement.
 */

export interface DomainEvent {
  accountId: number;
  type: EventType;
  /** the ids of what the event is about ({guestId}, {stayId, guestId}, ...) */
  subjects: Record<string, number | string | null>;
  /** the affected object as the command has it (a row); presented in the native API's shape when sent */
  data: unknown;
  /** who made the change: 'api-client:<id>', 'admin', 'staff:<id>', 'system' */
  actor?: string;
  requestId?: string;
  at?: number;
}

/** What a webhook delivery stores of its event (rendered into {type, timestamp, data} when sent). */
export interface StoredEvent {
  subjects: DomainEvent['subjects'];
  data: unknown;
  actor: string | null;
  requestId: string | null;
}

/** Records `event` in `trx`: one delivery per subscription that must hear of it. */
export async function recordEvent(trx: Db, event: DomainEvent): Promise<void> {
  const subscribers = await subscribersOf(trx, event.accountId, event.type);
  if (subscribers.length === 0) return;
  const at = event.at ?? Date.now();
  const payload: StoredEvent = { subjects: event.subjects, data: event.data, actor: event.actor ?? null, requestId: event.requestId ?? null };
  for (const sub of subscribers) {
    await enqueueDelivery(trx, event.accountId, { target: 'webhook', subscriptionId: sub.id }, { eventType: event.type, url: sub.url, payload }, at);
  }
}
