import type { Db } from '../../db/database.js';
import { decide, firedBefore, triggersOf } from '../journeys/rule-engine.js';
import { findJourneyEvent } from '../journeys/journey-events.js';
import type { TestResult } from '../journeys/conditions.js';
import { listRules, type RuleView } from '../journeys/rules.js';
import { messageOfRule } from '../messaging/messages.js';
import { notFound } from '../shared/errors.js';
import { subjectOfEvent } from './event-subject.js';

/*
 * `explain`: for one journey event, why each rule of the account did or did not fire. What was
 * recorded when it fired is the truth; for a rule that did not fire, the trigger and conditions
 * are evaluated again on the guest and stay as they are now (said in the reason).
 */

export interface RuleExplanation {
  ruleId: number;
  name: string;
  enabled: boolean;
  trigger: string;
  fired: boolean;
  /** what the firing recorded (queued, skipped: ...), when it fired */
  outcome: string | null;
  messageId: number | null;
  reason: string;
  tests: TestResult[];
}

export interface EventExplanation {
  event: { id: number; type: string; countsAs: string[]; guestId: number; stayId: number | null; occurredAt: number };
  rules: RuleExplanation[];
}

function failedTests(tests: TestResult[]): string {
  return tests
    .filter((t) => !t.held)
    .map((t) => `${t.field} ${t.op}${t.value === undefined ? '' : ` ${JSON.stringify(t.value)}`} (is ${JSON.stringify(t.actual)})`)
    .join('; ');
}

export async function explainEvent(db: Db, accountId: number, eventId: number): Promise<EventExplanation> {
  const event = await findJourneyEvent(db, accountId, eventId);
  if (!event) throw notFound(`journey event ${eventId}`);
  const subject = await subjectOfEvent(db, accountId, event);
  const rules = await listRules(db, accountId);
  const explained: RuleExplanation[] = [];
  for (const rule of rules) explained.push(await explainRule(db, accountId, rule, event, subject));
  return {
    event: {
      id: event.id,
      type: event.type,
      countsAs: triggersOf(event),
      guestId: event.guest_id,
      stayId: event.stay_id,
      occurredAt: Number(event.occurred_at),
    },
    rules: explained,
  };
}

async function explainRule(
  db: Db,
  accountId: number,
  rule: RuleView,
  event: NonNullable<Awaited<ReturnType<typeof findJourneyEvent>>>,
  subject: Awaited<ReturnType<typeof subjectOfEvent>>,
): Promise<RuleExplanation> {
  const base = { ruleId: rule.id, name: rule.name, enabled: rule.enabled, trigger: rule.trigger, fired: false, outcome: null, messageId: null };
  const fired = await firedBefore(db, accountId, rule.id, event);
  if (fired && fired.eventId === event.id) {
    const messageId = fired.outcome === 'queued' ? await messageOfRule(db, accountId, rule.id, { stayId: event.stay_id, guestId: event.guest_id }) : null;
    return { ...base, fired: true, outcome: fired.outcome, messageId, reason: `fired for this event: ${fired.outcome}`, tests: [] };
  }
  if (!triggersOf(event).includes(rule.trigger)) {
    return { ...base, reason: `its trigger ${rule.trigger} is not this event (${triggersOf(event).join(' or ')})`, tests: [] };
  }
  if (fired) {
    return { ...base, outcome: fired.outcome, reason: `it had already fired for this stay (event ${fired.eventId}): once per rule and stay`, tests: [] };
  }
  if (!subject) return { ...base, reason: 'the guest of the event no longer exists', tests: [] };
  const decision = decide(rule, subject);
  if (!decision.conditionsHeld) return { ...base, reason: `its conditions do not hold (now): ${failedTests(decision.tests)}`, tests: decision.tests };
  if (decision.blocked) return { ...base, reason: decision.blocked, tests: decision.tests };
  if (!rule.enabled) return { ...base, reason: 'the rule is disabled', tests: decision.tests };
  return {
    ...base,
    reason:
      'its trigger and conditions hold now, but it did not fire when the event was recorded (the rule was created, enabled or changed later, or the guest changed since)',
    tests: decision.tests,
  };
}
