import { enqueueDelivery } from '../outbox/deliveries.js';
import { subscribersOf } from '../webhooks/subscriptions.js';
import type { EventType } from '../shared/event-types.js';
import type { WriteContext } from '../shared/write-context.js';

/*
 * Domain events. A core command records what changed with recordEvent, in the transaction of the
 * change. The event is not stored as such: it becomes an outbox row (a delivery) only for each
 * enabled webhook subscription of the account that receives its type, so a write nobody listens
 * to costs one lookup in a per-process cache (webhooks/subscriptions.ts) and no statement. The
 * account, the actor and the request id come from the command's write context and are stored on
 * each delivery (who caused the event, shown by the admin API).
 */

export interface DomainEvent {
  type: EventType;
  /** the ids of what the event is about ({guestId}, {stayId, guestId}, ...) */
  subjects: Record<string, number | string | null>;
  /** the affected object as the command has it (a row); presented in the native API's shape when sent */
  data: unknown;
  at?: number;
}

/** What a webhook delivery stores of its event (rendered into {type, timestamp, data} when sent). */
export interface StoredEvent {
  subjects: DomainEvent['subjects'];
  data: unknown;
  actor: string | null;
  requestId: string | null;
}

/** Records `event` in the context's transaction: one delivery per subscription that must hear of it. */
export async function recordEvent(ctx: WriteContext, event: DomainEvent): Promise<void> {
  const { trx, accountId, actor, requestId } = ctx;
  const subscribers = await subscribersOf(trx, accountId, event.type);
  if (subscribers.length === 0) return;
  const at = event.at ?? Date.now();
  const payload: StoredEvent = { subjects: event.subjects, data: event.data, actor, requestId };
  for (const sub of subscribers) {
    await enqueueDelivery(
      trx,
      accountId,
      { target: 'webhook', subscriptionId: sub.id },
      { eventType: event.type, url: sub.url, payload, actor, requestId },
      at,
    );
  }
}
