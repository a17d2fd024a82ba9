import type { Db } from '../../db/database.js';
import { recordEvent } from '../events/record-event.js';
import { runLoyaltyRules } from '../journeys/rule-engine.js';
import type { LoyaltyTrigger } from '../shared/trigger-variables.js';
import { writeContext } from '../shared/write-context.js';

/*
 * The programme's domain events (enrolled, points added, redeemed, expired, level changed): each is
 * recorded for webhooks and handed to the rules engine, in the transaction of the change, so what
 * the rules queue is rolled back with it.
 */

export interface LoyaltyEvent {
  type: LoyaltyTrigger;
  guestId: number;
  subjects: Record<string, number | string | null>;
  data: unknown;
  /** what the event is, once (a rule fires at most once per key) */
  key: string;
  at: number;
  actor?: string;
}

export async function recordLoyaltyEvent(trx: Db, accountId: number, event: LoyaltyEvent): Promise<void> {
  await recordEvent(writeContext(trx, accountId, event.actor), { type: event.type, subjects: event.subjects, data: event.data, at: event.at });
  await runLoyaltyRules(trx, accountId, { type: event.type, guestId: event.guestId, key: event.key, occurredAt: event.at, data: event.data }, event.at);
}
