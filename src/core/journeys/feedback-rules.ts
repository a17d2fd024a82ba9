import type { Guest, Loop, LoopActivity } from '../../db/schema.js';
import { findGuestRow } from '../guests/guests.js';
import { findLocation } from '../locations/locations.js';
import { FEEDBACK_TRIGGER } from '../shared/trigger-variables.js';
import type { WriteContext } from '../shared/write-context.js';
import { fireRules } from './fire-rules.js';
import { ruleFacts, type RuleSubject } from './rule-context.js';
import { applies } from './rule-engine.js';
import { rulesFor } from './rules.js';

/** A survey response just stored, as the rules on feedback.received see it. */
export interface SurveyResponse {
  locationId: number;
  answerDocumentId: number;
  /** the guest who answered, when known */
  guestId: number | null;
  /** where it came from (kiosk, tablet, app...), kept as the request's source and medium */
  channel: string;
  deviceId?: string | null;
  /** when it was given (epoch ms); default now */
  receivedAt?: number;
  /** the free-text answers, in order; they become the request's description */
  texts: Array<string | null>;
}

/** A response without a guest: the facts and variables of a guest that has none of them. */
function anonymousGuest(accountId: number): Guest {
  return {
    id: 0,
    account_id: accountId,
    first_name: null,
    last_name: null,
    name: null,
    email: null,
    mobile: null,
    language: null,
    vip_status: null,
    group_name: null,
    custom_fields: '{}',
    created_at: 0,
    updated_at: 0,
    merged_into_id: null,
    loop_id: null,
    version: 0,
    details: '{}',
  };
}

/**
 * Runs the account's rules on a survey response, in the transaction that stored it (every face
 * that stores responses calls this): a request the rules open (the default follow-up rule,
 * default-rules.ts) is opened here and returned, so the face can answer with it; every other
 * action is written to the outbox. Fires at most once per response.
 */
export async function runFeedbackRules(
  ctx: WriteContext,
  response: SurveyResponse,
  now = Date.now(),
): Promise<(Loop & { activities: LoopActivity[] }) | undefined> {
  const { trx, accountId } = ctx;
  const rules = await rulesFor(trx, accountId, [FEEDBACK_TRIGGER], now);
  if (rules.length === 0) return undefined;
  const guest = (response.guestId ? await findGuestRow(trx, accountId, response.guestId) : undefined) ?? anonymousGuest(accountId);
  const receivedAt = response.receivedAt ?? now;
  const subject: RuleSubject = {
    event: {
      id: 0,
      type: FEEDBACK_TRIGGER,
      occurred_at: receivedAt,
      stay_id: null,
      location_id: response.locationId,
      guest_id: guest.id,
      payload: JSON.stringify({ answerDocumentId: response.answerDocumentId, channel: response.channel }),
    },
    guest,
    stay: null,
    location: (await findLocation(trx, accountId, response.locationId)) ?? null,
  };
  const facts = ruleFacts(subject);
  const firing = rules.filter((rule) => applies(rule, subject, facts));
  const texts = response.texts.filter((t): t is string => Boolean(t?.trim()));
  const fired = await fireRules(trx, accountId, firing, subject, now, {
    dedupeKey: `feedback:${response.answerDocumentId}`,
    ctx,
    feedback: { answerDocumentId: response.answerDocumentId, channel: response.channel, deviceId: response.deviceId ?? null, texts },
  });
  return fired.requests[0];
}
