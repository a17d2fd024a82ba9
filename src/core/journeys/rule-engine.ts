import type { Db } from '../../db/database.js';
import { atEndOfWrite, type EndOfWrite } from '../../db/write-transaction.js';
import type { Guest, Location, Stay } from '../../db/schema.js';
import { findGuestRow } from '../guests/guests.js';
import { cachedLocation } from '../locations/location-cache.js';
import { missingRecipient, recipientOf } from '../messaging/channels.js';
import { conditionsHold, evaluateConditions, type Facts, type TestResult } from './conditions.js';
import { fireRuleBatch, type RuleFiring } from './fire-rules.js';
import { actionChannel } from './rule-actions.js';
import { ruleFacts, type RuleSubject } from './rule-context.js';
import { rulesFor, type RuleView } from './rules.js';
import type { LoyaltyTrigger } from '../shared/trigger-variables.js';

export { LOYALTY_POINTS_JOB_KIND, type LoyaltyPointsJob } from './fire-rules.js';

/*
 * The rules engine on the hot path: every journey event recorded (journey-events.ts) is matched,
 * in the transaction that records it, against the account's enabled rules (cached: an account
 * without rules pays no query). A rule whose trigger and conditions hold fires at most once per
 * de-duplication key (the stay; the event itself when there is none): a PMS that resends checkin
 * does not welcome the guest twice. Its action is a queued message (messaging/messages.ts), sent
 * after commit. Which rules fire is decided on the rows as the event's write has them; the firings
 * are written at the end of that write's transaction, with those of the other writes of its group
 * commit (fireAtEndOfWrite). Feedback rules fire at once (feedback-rules.ts): the response that
 * caused them answers with the request they opened.
 */

export interface EventSubject {
  event: RuleSubject['event'];
  /** the rows the recording command has at hand (read here when not given) */
  guest?: Guest;
  stay?: Stay | null;
}

/**
 * The triggers an event counts as: its own type, and for a status change the journey step it
 * means (a Loopon stay moving to instay is a checkin, to poststay a checkout), so one rule serves
 * every face and the stay's key keeps them from firing twice.
 */
export function triggersOf(event: Pick<RuleSubject['event'], 'type' | 'payload'>): string[] {
  if (event.type !== 'stay.status_changed') return [event.type];
  let to: unknown;
  try {
    to = (JSON.parse(event.payload) as { to?: unknown }).to;
  } catch {
    to = undefined;
  }
  if (to === 'instay') return [event.type, 'stay.checked_in'];
  if (to === 'poststay') return [event.type, 'stay.checked_out'];
  return [event.type];
}

export const dedupeKeyOf = (event: RuleSubject['event']) => (event.stay_id !== null ? `stay:${event.stay_id}` : `event:${event.id}`);

export interface RuleDecision {
  rule: RuleView;
  triggered: boolean;
  conditionsHeld: boolean;
  tests: TestResult[];
  /** why the rule does not act although triggered and its conditions hold, if so */
  blocked: string | null;
}

/** Whether `rule` applies to the subject (trigger, conditions, a recipient): no side effect. */
export function decide(rule: RuleView, subject: RuleSubject, facts: Facts = ruleFacts(subject)): RuleDecision {
  const triggered = triggersOf(subject.event).includes(rule.trigger);
  const { held, tests } = triggered ? evaluateConditions(rule.conditions, facts) : { held: false, tests: [] };
  const blocked = triggered && held ? blockedBy(rule, subject) : null;
  return { rule, triggered, conditionsHeld: held, tests, blocked };
}

/**
 * Whether `rule` fires for the subject: what decide answers as conditionsHeld && !blocked, without
 * the test records (the hot path: every event, every rule of its triggers).
 */
export function applies(rule: RuleView, subject: RuleSubject, facts: Facts): boolean {
  return triggersOf(subject.event).includes(rule.trigger) && conditionsHold(rule.conditions, facts) && blockedBy(rule, subject) === null;
}

/** What the subject lacks for the rule's action (a recipient, a guest, a location), or null. */
function blockedBy(rule: RuleView, subject: RuleSubject): string | null {
  const { action } = rule;
  const locationId = subject.stay?.location_id ?? subject.event.location_id;
  const channel = actionChannel(action);
  // guest id 0: an anonymous survey response (feedback-rules.ts)
  if (subject.guest.id === 0 && action.type !== 'open_request' && action.type !== 'webhook') return 'the response names no guest';
  if (channel) return recipientOf(channel, subject.guest, locationId) ? null : missingRecipient(channel);
  if (action.type === 'open_request' && !locationId) return 'the event names no location (a request is opened at a location)';
  return null;
}

/** Loads what a subject lacks for rules that are triggered: the guest and the location. */
export async function completeSubject(db: Db, accountId: number, s: EventSubject): Promise<RuleSubject | undefined> {
  const guest = s.guest ?? (await findGuestRow(db, accountId, s.event.guest_id));
  if (!guest) return undefined;
  const locationId = s.stay?.location_id ?? s.event.location_id;
  // cached: a rule's subject may show the location as it was a moment ago (location-cache.ts)
  const location: Location | null = locationId ? ((await cachedLocation(db, accountId, locationId)) ?? null) : null;
  return { event: s.event, guest, stay: s.stay ?? null, location };
}

/**
 * Runs the account's rules on a journey event just recorded, in its transaction: which rules fire
 * is decided now, on the rows as this write has them; their firings and actions are written at the
 * end of the transaction, together with those of the other writes of its group commit
 * (write-scope.ts), or now when `trx` is not a transaction of inWriteTransaction.
 */
export async function runRules(trx: Db, accountId: number, s: EventSubject, now = Date.now()): Promise<void> {
  const candidates = await rulesFor(trx, accountId, triggersOf(s.event), now);
  if (candidates.length === 0) return;
  const subject = await completeSubject(trx, accountId, s);
  if (!subject) return;
  const facts = ruleFacts(subject);
  await fireAtEndOfWrite(trx, {
    accountId,
    rules: candidates.filter((rule) => applies(rule, subject, facts)),
    subject,
    now,
    opts: { dedupeKey: dedupeKeyOf(subject.event) },
  });
}

type AccountFiring = RuleFiring & { accountId: number };

/**
 * Leaves the firing of the rules that apply to an event to the end of the write (write-scope.ts),
 * where the firings of every write of a SQLite group commit are written together; fires them now
 * when `trx` is not a transaction of inWriteTransaction.
 */
async function fireAtEndOfWrite(trx: Db, firing: AccountFiring): Promise<void> {
  if (firing.rules.length === 0) return;
  if (!atEndOfWrite(trx, firings, firing)) await fireRuleBatch(trx, firing.accountId, [firing]);
}

/** The firings left to the end of a write: one batch per account, in the order of the events. */
const firings: EndOfWrite<AccountFiring> = {
  async run(trx, left) {
    const byAccount = new Map<number, AccountFiring[]>();
    for (const firing of left) {
      const batch = byAccount.get(firing.accountId);
      if (batch) batch.push(firing);
      else byAccount.set(firing.accountId, [firing]);
    }
    for (const [accountId, batch] of byAccount) await fireRuleBatch(trx, accountId, batch);
  },
};

export interface LoyaltyRuleEvent {
  type: LoyaltyTrigger;
  guestId: number;
  /** what the event is, once: a rule fires at most once per key (`op:<operation id>`, ...) */
  key: string;
  occurredAt: number;
  data: unknown;
}

/**
 * Runs the account's rules on a loyalty domain event, in the transaction that records it (as
 * runRules does on journey events): these events are not on the journey timeline, so the subject
 * carries the event's type, time and data, and its key de-duplicates the firings.
 */
export async function runLoyaltyRules(trx: Db, accountId: number, e: LoyaltyRuleEvent, now = Date.now()): Promise<void> {
  const rules = await rulesFor(trx, accountId, [e.type], now);
  if (rules.length === 0) return;
  const event = {
    id: 0,
    type: e.type,
    occurred_at: e.occurredAt,
    stay_id: null,
    location_id: null,
    guest_id: e.guestId,
    payload: JSON.stringify(e.data ?? {}),
  };
  const subject = await completeSubject(trx, accountId, { event });
  if (!subject) return;
  const facts = ruleFacts(subject);
  await fireAtEndOfWrite(trx, {
    accountId,
    rules: rules.filter((rule) => applies(rule, subject, facts)),
    subject,
    now,
    opts: { dedupeKey: `loyalty:${e.key}` },
  });
}

/** Whether a rule already fired for the key of the event (explain and dry-run say so). */
export async function firedBefore(
  db: Db,
  accountId: number,
  ruleId: number,
  event: RuleSubject['event'],
): Promise<{ outcome: string; firedAt: number; eventId: number | null; messageId: number | null } | undefined> {
  const row = await db
    .selectFrom('rule_firings')
    .select(['outcome', 'fired_at', 'journey_event_id', 'message_id'])
    .where('account_id', '=', accountId)
    .where('rule_id', '=', ruleId)
    .where('dedupe_key', '=', dedupeKeyOf(event))
    .executeTakeFirst();
  if (!row) return undefined;
  return { outcome: row.outcome, firedAt: Number(row.fired_at), eventId: row.journey_event_id, messageId: row.message_id };
}
