import type { WriteContext } from '../shared/write-context.js';
import { stayCallbackTargets, type StayCallbackTarget } from './stay-callbacks.js';
import { enqueueDelivery } from '../outbox/deliveries.js';

/*
 * Loopon stay callbacks: every chatMessage, guestConnect and guestDisconnect event of a stay goes,
 * through the outbox, to the stayCallback of each API client that registered one for that stay.
 * Typing indicators never do (the spec: "only sent on WebSocket"), nor error events.
 */

/** The LooponEvent types a stay callback receives. */
export const STAY_CALLBACK_EVENT_TYPES: readonly string[] = ['chatMessage', 'guestConnect', 'guestDisconnect'];

export interface StayCallbackEvent {
  stayId: number;
  /** the LooponEvent exactly as the guest app sees it ({sessionId, created, type, ...}); POSTed verbatim */
  event: { type: string } & Record<string, unknown>;
  /** the stay's callbacks, when the caller read them in this transaction already (else they are read here) */
  targets?: readonly StayCallbackTarget[];
}

/**
 * Call in the transaction that stores a chat event of a stay: records one delivery per registered
 * stay callback (none when no API client registered one, or for a type callbacks do not receive),
 * sent after the transaction commits. Returns the ids of the deliveries.
 */
export async function enqueueStayCallbacks(ctx: WriteContext, { stayId, event, targets: known }: StayCallbackEvent, now = Date.now()): Promise<number[]> {
  const { trx, accountId, actor, requestId } = ctx;
  if (!STAY_CALLBACK_EVENT_TYPES.includes(event.type)) return [];
  const targets = known ?? (await stayCallbackTargets(trx, accountId, stayId));
  const ids: number[] = [];
  for (const target of targets) {
    ids.push(
      await enqueueDelivery(
        trx,
        accountId,
        { target: 'stay_callback', stayId, clientId: target.clientId },
        { eventType: event.type, url: target.url, payload: event, actor, requestId },
        now,
      ),
    );
  }
  return ids;
}
