import type { Db } from '../../db/database.js';
import type { Guest, Location, Stay } from '../../db/schema.js';
import { findGuestRow } from '../guests/guests.js';
import { findLocation } from '../locations/locations.js';
import { languageChain, missingRecipient, recipientOf } from '../messaging/channels.js';
import { accountMessaging } from '../messaging/account-cache.js';
import { queueMessages } from '../messaging/messages.js';
import { dueAt } from '../messaging/timing.js';
import { evaluateConditions, type Facts, type TestResult } from './conditions.js';
import { ruleFacts, ruleVariables, subjectLanguage, type RuleSubject } from './rule-context.js';
import { activeRules, type EmailAction, type RuleView, type SmsAction } from './rules.js';
import { createJobs } from '../jobs/jobs.js';
import type { LoyaltyTrigger } from '../shared/trigger-variables.js';

/*
 * The rules engine on the hot path: every journey event recorded (journey-events.ts) is matched,
 * in the transaction that records it, against the account's enabled rules (cached: an account
 * without rules pays no query). A rule whose trigger and conditions hold fires at most once per
 * de-duplication key (the stay; the event itself when there is none): a PMS that resends checkin
 * does not welcome the guest twice. Its action is a queued message (messaging/messages.ts), sent
 * after commit.
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
  const blocked =
    triggered && held && rule.action.type !== 'add_loyalty_points' && !recipientOf(rule.action.type, subject.guest) ? missingRecipient(rule.action.type) : null;
  return { rule, triggered, conditionsHeld: held, tests, blocked };
}

/** Loads what a subject lacks for rules that are triggered: the guest and the location. */
export async function completeSubject(db: Db, accountId: number, s: EventSubject): Promise<RuleSubject | undefined> {
  const guest = s.guest ?? (await findGuestRow(db, accountId, s.event.guest_id));
  if (!guest) return undefined;
  const locationId = s.stay?.location_id ?? s.event.location_id;
  const location: Location | null = locationId ? ((await findLocation(db, accountId, locationId)) ?? null) : null;
  return { event: s.event, guest, stay: s.stay ?? null, location };
}

/**
 * Fires `rules` for the subject in `trx`, each unless it already fired for this key: one
 * statement records the firings (a unique key per rule and stay: a resent checkin inserts
 * nothing), then their e-mails are queued together (messaging/messages.ts). A firing whose
 * e-mail could not be queued (a suppressed address, no template) records why.
 */
export async function fireRules(
  trx: Db,
  accountId: number,
  rules: readonly RuleView[],
  subject: RuleSubject,
  now = Date.now(),
  dedupeKey = dedupeKeyOf(subject.event),
): Promise<void> {
  if (rules.length === 0) return;
  const firings = await trx
    .insertInto('rule_firings')
    .values(
      rules.map((rule) => ({
        account_id: accountId,
        rule_id: rule.id,
        dedupe_key: dedupeKey,
        journey_event_id: subject.event.id > 0 ? subject.event.id : null, // 0: a loyalty event (no timeline row)
        guest_id: subject.guest.id,
        outcome: 'queued',
        fired_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(['account_id', 'rule_id', 'dedupe_key']).doNothing())
    .returning(['id', 'rule_id'])
    .execute();
  if (firings.length === 0) return;
  const firedRules = rules.filter((rule) => firings.some((f) => f.rule_id === rule.id));
  await queuePointsJobs(trx, accountId, firedRules, subject, now);
  const fired = firedRules.filter((rule): rule is RuleView & { action: EmailAction | SmsAction } => rule.action.type !== 'add_loyalty_points');
  if (fired.length === 0) return;
  const { quietHours } = await accountMessaging(trx, accountId, now);
  const variables = ruleVariables(subject);
  const outcomes = await queueMessages(
    trx,
    accountId,
    fired.map((rule) => ({
      guestId: subject.guest.id,
      stayId: subject.stay?.id ?? subject.event.stay_id,
      ruleId: rule.id,
      template: rule.action.template,
      channel: rule.action.type,
      languages: languageChain(subjectLanguage(subject), rule.action.fallbackLanguage),
      recipient: recipientOf(rule.action.type, subject.guest)!,
      variables,
      dueAt: dueAt(rule.action.timing, { eventAt: Number(subject.event.occurred_at), now, zone: subject.location?.timezone, quiet: quietHours }),
    })),
    now,
  );
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.queued) continue;
    const firing = firings.find((f) => f.rule_id === fired[i].id)!;
    await trx
      .updateTable('rule_firings')
      .set({ outcome: `skipped: ${outcome.reason}` })
      .where('id', '=', firing.id)
      .execute();
  }
}

/** The job kind of the action "add loyalty points" (handled by core/loyalty, which journeys may not import). */
export const LOYALTY_POINTS_JOB_KIND = 'loyalty.rule_points';

export interface LoyaltyPointsJob {
  guestId: number;
  ruleId: number;
  points: number;
  concept: string;
  pointType: number;
}

/**
 * The "add loyalty points" actions of the rules that fired: one job each, written in the
 * transaction (rolled back with it) and run after the commit, once (loyalty/rule-points-job.ts).
 */
async function queuePointsJobs(trx: Db, accountId: number, rules: readonly RuleView[], subject: RuleSubject, now: number): Promise<void> {
  const jobs = rules.flatMap((rule) =>
    rule.action.type === 'add_loyalty_points'
      ? [
          {
            kind: LOYALTY_POINTS_JOB_KIND,
            payload: { guestId: subject.guest.id, ruleId: rule.id, points: rule.action.points, concept: rule.action.concept, pointType: rule.action.pointType },
            runAt: now,
          },
        ]
      : [],
  );
  if (jobs.length > 0) await createJobs(trx, accountId, jobs, now);
}

/** Runs the account's rules on a journey event just recorded, in its transaction. */
export async function runRules(trx: Db, accountId: number, s: EventSubject, now = Date.now()): Promise<void> {
  const rules = await activeRules(trx, accountId, now);
  if (rules.length === 0) return;
  const triggers = triggersOf(s.event);
  const candidates = rules.filter((r) => triggers.includes(r.trigger));
  if (candidates.length === 0) return;
  const subject = await completeSubject(trx, accountId, s);
  if (!subject) return;
  const facts = ruleFacts(subject);
  const firing = candidates.filter((rule) => {
    const decision = decide(rule, subject, facts);
    return decision.conditionsHeld && !decision.blocked;
  });
  await fireRules(trx, accountId, firing, subject, now);
}

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
  const rules = (await activeRules(trx, accountId, now)).filter((r) => r.trigger === e.type);
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
  const firing = rules.filter((rule) => {
    const decision = decide(rule, subject, facts);
    return decision.conditionsHeld && !decision.blocked;
  });
  await fireRules(trx, accountId, firing, subject, now, `loyalty:${e.key}`);
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
