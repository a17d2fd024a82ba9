import type { Db } from '../../db/database.js';
import { decide, firedBefore } from '../journeys/rule-engine.js';
import { subjectLanguage } from '../journeys/rule-context.js';
import { listRecentJourneyEvents } from '../journeys/journey-events.js';
import type { TestResult } from '../journeys/conditions.js';
import type { RuleView } from '../journeys/rules.js';
import { languageChain, recipientOf } from '../messaging/channels.js';
import { actionChannel, describeAction } from '../journeys/rule-actions.js';
import { pickTemplate } from '../messaging/templates.js';
import { badRequest } from '../shared/errors.js';
import { subjectOfEvent } from './event-subject.js';

/*
 * `dry-run`: a rule (saved or not, enabled or not) against the account's last N journey events,
 * with what it would do for each, changing nothing. Guests and stays are read as they are now.
 */

export interface DryRunResult {
  eventId: number;
  type: string;
  guestId: number;
  stayId: number | null;
  occurredAt: number;
  wouldFire: boolean;
  /** the template language it would send in, when it would fire */
  language: string | null;
  reason: string;
  tests: TestResult[];
}

export const MAX_DRY_RUN_EVENTS = 1000;

export async function dryRunRule(db: Db, accountId: number, rule: RuleView, limit = 50): Promise<DryRunResult[]> {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DRY_RUN_EVENTS) throw badRequest(`limit must be an integer from 1 to ${MAX_DRY_RUN_EVENTS}`);
  const events = await listRecentJourneyEvents(db, accountId, limit);
  const results: DryRunResult[] = [];
  for (const event of events) {
    const base = { eventId: event.id, type: event.type, guestId: event.guest_id, stayId: event.stay_id, occurredAt: Number(event.occurred_at) };
    const no = (reason: string, tests: TestResult[] = []) => results.push({ ...base, wouldFire: false, language: null, reason, tests });
    const subject = await subjectOfEvent(db, accountId, event);
    if (!subject) {
      no('the guest of the event no longer exists');
      continue;
    }
    const decision = decide(rule, subject);
    if (!decision.triggered) no(`not a ${rule.trigger} event`);
    else if (!decision.conditionsHeld) no('its conditions do not hold', decision.tests);
    else if (decision.blocked) no(decision.blocked, decision.tests);
    else {
      const fired = rule.id > 0 ? await firedBefore(db, accountId, rule.id, event) : undefined;
      const channel = actionChannel(rule.action);
      if (!channel) {
        if (fired) no(`already fired for this stay (${fired.outcome})`, decision.tests);
        else results.push({ ...base, wouldFire: true, language: null, reason: `would ${describeAction(rule.action)}`, tests: decision.tests });
        continue;
      }
      const action = rule.action as Extract<RuleView['action'], { template: string }>;
      const languages = languageChain(subjectLanguage(subject), action.fallbackLanguage);
      const template = await pickTemplate(db, accountId, action.template, channel, languages);
      const kind = { email: 'e-mail', sms: 'SMS', chat: 'chat' }[channel];
      if (fired) no(`already fired for this stay (${fired.outcome})`, decision.tests);
      else if (!template) no(`no ${kind} template "${action.template}" in ${languages.join(', ')}`, decision.tests);
      else {
        const to = recipientOf(channel, subject.guest, subject.stay?.location_id ?? subject.event.location_id);
        const verb = { email: 'e-mail', sms: 'text', chat: 'post a chat message to' }[channel];
        const reason = `would ${verb} ${to}${action.type === 'survey_invitation' ? ` a survey invitation (survey ${action.surveyId})` : ''}`;
        results.push({ ...base, wouldFire: true, language: template.language, reason, tests: decision.tests });
      }
    }
  }
  return results;
}
