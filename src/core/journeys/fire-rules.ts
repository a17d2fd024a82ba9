import type { Db } from '../../db/database.js';
import { rowsSql, runRowsSql } from '../../db/values-list.js';
import type { Account, Loop, LoopActivity } from '../../db/schema.js';
import { getAccount } from '../accounts/accounts.js';
import { surveyLinkPath } from '../accounts/survey-links.js';
import { createJobs, type NewJob } from '../jobs/jobs.js';
import { accountMessaging } from '../messaging/account-cache.js';
import { languageChain, recipientOf } from '../messaging/channels.js';
import { queueMessages, type NewMessage } from '../messaging/messages.js';
import { dueAt } from '../messaging/timing.js';
import { enqueueDelivery } from '../outbox/deliveries.js';
import { openRuleRequest, RULE_REQUEST_JOB_KIND, type RuleRequest } from '../requests/rule-request.js';
import { parseJson } from '../shared/json.js';
import { FEEDBACK_TRIGGER } from '../shared/trigger-variables.js';
import { writeContext, type WriteContext } from '../shared/write-context.js';
import { storedWebhookTargets } from '../webhooks/subscriptions.js';
import { actionChannel, surveySource, type OpenRequestAction, type SurveyInvitationAction, type WebhookAction } from './rule-actions.js';
import { ruleVariables, subjectLanguage, type RuleSubject } from './rule-context.js';
import type { RuleView } from './rules.js';

/*
 * What the rules that fired do, in the transaction of their event: each firing is recorded once
 * per de-duplication key (a resent checkin inserts nothing), then every action is written to the
 * outbox, rolled back with the event and run after the commit: messages (e-mail, SMS, chat,
 * survey invitations) as queued messages, loyalty points and requests as jobs, webhooks as
 * deliveries. The one exception: a request opened on feedback.received is opened here, in the
 * response's transaction, so the face can answer with it (the Loop response's loopId).
 */

/** The job kind of the action "add loyalty points" (handled by core/loyalty, which journeys may not import). */
export const LOYALTY_POINTS_JOB_KIND = 'loyalty.rule_points';

export interface LoyaltyPointsJob {
  guestId: number;
  ruleId: number;
  points: number;
  concept: string;
  pointType: number;
}

/** What firing did at once: the requests opened in the transaction (feedback only). */
export interface Fired {
  requests: Array<Loop & { activities: LoopActivity[] }>;
}

/** What a feedback subject brings for a request opened in its transaction. */
export interface FeedbackOrigin {
  answerDocumentId: number;
  channel: string;
  deviceId: string | null;
  texts: string[];
}

export interface FireOptions {
  dedupeKey: string;
  /** who caused the event (the request opened on feedback records it) */
  ctx?: WriteContext;
  feedback?: FeedbackOrigin;
}

/** One subject's rules to fire (a batch of them is fired together: fireRuleBatch). */
export interface RuleFiring {
  rules: readonly RuleView[];
  subject: RuleSubject;
  now: number;
  opts: FireOptions;
}

/** A rule that fired for a subject, with its firing row. */
interface FiredRule {
  rule: RuleView;
  firingId: number;
  firing: RuleFiring;
}

/**
 * Fires `rules` for the subject in `trx`, each unless it already fired for this key: one
 * statement records the firings, then their actions are written together. A firing whose action
 * could not be written (a suppressed address, no template) records why.
 */
export async function fireRules(trx: Db, accountId: number, rules: readonly RuleView[], subject: RuleSubject, now: number, opts: FireOptions): Promise<Fired> {
  return fireRuleBatch(trx, accountId, [{ rules, subject, now, opts }]);
}

/**
 * Fires the rules of many subjects of one account in `trx` (the ContactEvents of one group commit:
 * rule-engine.ts), with one statement per kind of row for all of them: the firings, the messages,
 * their jobs. Two subjects with one de-duplication key (a checkin and a stay moving to instay in
 * one batch) fire once, for the first.
 */
export async function fireRuleBatch(trx: Db, accountId: number, batch: readonly RuleFiring[]): Promise<Fired> {
  const fired: Fired = { requests: [] };
  const firedRules = await insertFirings(trx, accountId, batch);
  if (firedRules.length === 0) return fired;
  const skip = async (firingId: number, reason: string) => {
    await trx
      .updateTable('rule_firings')
      .set({ outcome: `skipped: ${reason}` })
      .where('id', '=', firingId)
      .execute();
  };
  await queueJobs(trx, accountId, firedRules);
  for (const { rule, firing } of firedRules) {
    if (rule.action.type === 'open_request' && firing.subject.event.type === FEEDBACK_TRIGGER && firing.opts.feedback) {
      const ctx = firing.opts.ctx ?? writeContext(trx, accountId, `rule:${rule.id}`);
      fired.requests.push(await openRuleRequest(ctx, feedbackRequest(rule.action, firing.subject, firing.opts.feedback)));
    }
  }
  await queueWebhooks(trx, accountId, firedRules);
  await queueRuleMessages(trx, accountId, firedRules, skip);
  return fired;
}

/**
 * Records that the rules fired for their subjects' keys, except those that already did (the
 * unique key (rule_id, dedupe_key)); returns the rules whose firing was inserted. SQL text rather
 * than a Kysely tree: it runs on every journey event that fires a rule, and building the tree cost
 * as much as the insert.
 */
async function insertFirings(trx: Db, accountId: number, batch: readonly RuleFiring[]): Promise<FiredRule[]> {
  const wanted = batch.flatMap((firing) => firing.rules.map((rule) => ({ rule, firing })));
  if (wanted.length === 0) return [];
  const values = rowsSql(
    trx,
    wanted.map(({ rule, firing: { subject, now, opts } }) => {
      const journeyEventId = subject.event.id > 0 ? subject.event.id : null; // 0: a loyalty or feedback event (no timeline row)
      return [accountId, rule.id, opts.dedupeKey, journeyEventId, subject.guest.id, 'queued', now];
    }),
  );
  const { rows } = await runRowsSql<{ id: number; rule_id: number; dedupe_key: string }>(
    trx,
    `insert into rule_firings (account_id, rule_id, dedupe_key, journey_event_id, guest_id, outcome, fired_at) values ${values.text}
      on conflict (rule_id, dedupe_key) do nothing returning id, rule_id, dedupe_key`,
    values.params,
  );
  // A key proposed twice in the statement is inserted once: the first proposal is the one that fired.
  const inserted = new Map(rows.map((row) => [`${row.rule_id} ${row.dedupe_key}`, Number(row.id)]));
  const firedRules: FiredRule[] = [];
  for (const { rule, firing } of wanted) {
    const key = `${rule.id} ${firing.opts.dedupeKey}`;
    const firingId = inserted.get(key);
    if (firingId === undefined) continue;
    inserted.delete(key);
    firedRules.push({ rule, firingId, firing });
  }
  return firedRules;
}

/** The request a survey response opens (what the Loop face's responses route opened before the rule). */
function feedbackRequest(action: OpenRequestAction, subject: RuleSubject, feedback: FeedbackOrigin): RuleRequest {
  const { guest } = subject;
  return {
    locationId: subject.event.location_id!,
    loopType: action.loopType,
    title: action.title,
    description: feedback.texts.length ? feedback.texts.join('\n') : 'Survey response received',
    guest: guest.id > 0 ? { id: guest.id, name: guest.name, email: guest.email, mobile: guest.mobile } : null,
    source: feedback.channel,
    deviceId: feedback.deviceId,
    answerDocumentId: feedback.answerDocumentId,
    createdAt: Number(subject.event.occurred_at),
  };
}

/** Points and (outside feedback) requests: one job each, run after the commit, once. */
async function queueJobs(trx: Db, accountId: number, firedRules: readonly FiredRule[]): Promise<void> {
  const jobs: NewJob[] = [];
  let now = 0;
  for (const { rule, firing } of firedRules) {
    const { action } = rule;
    const { subject, opts } = firing;
    const { guest } = subject;
    now = Math.max(now, firing.now);
    if (action.type === 'add_loyalty_points') {
      const payload: LoyaltyPointsJob = { guestId: guest.id, ruleId: rule.id, points: action.points, concept: action.concept, pointType: action.pointType };
      jobs.push({ kind: LOYALTY_POINTS_JOB_KIND, payload, runAt: firing.now });
    } else if (action.type === 'open_request' && !(subject.event.type === FEEDBACK_TRIGGER && opts.feedback)) {
      const payload: RuleRequest & { ruleId: number } = {
        ruleId: rule.id,
        locationId: (subject.stay?.location_id ?? subject.event.location_id)!,
        loopType: action.loopType,
        title: action.title,
        description: `Opened by rule "${rule.name}" on ${subject.event.type}`,
        guest: guest.id > 0 ? { id: guest.id, name: guest.name, email: guest.email, mobile: guest.mobile } : null,
        source: `rule:${rule.id}`,
      };
      jobs.push({ kind: RULE_REQUEST_JOB_KIND, payload, runAt: dueAt(action.timing, timingContext(subject, firing.now, null)) });
    }
  }
  if (jobs.length > 0) await createJobs(trx, accountId, jobs, now);
}

/** Webhook calls: one delivery each to the subscription the rule names (its URL and secret when sent). */
async function queueWebhooks(trx: Db, accountId: number, firedRules: readonly FiredRule[]): Promise<void> {
  const calls = firedRules.filter((f): f is FiredRule & { rule: { action: WebhookAction } } => f.rule.action.type === 'webhook');
  if (calls.length === 0) return;
  const targets = await storedWebhookTargets(
    trx,
    accountId,
    calls.map((f) => f.rule.action.webhookId),
  );
  for (const { rule, firing } of calls) {
    const target = targets.get(rule.action.webhookId);
    if (!target) continue; // deleted since the rule was saved: the firing says queued, the delivery log shows nothing
    const { event } = firing.subject;
    const ctx = firing.opts.ctx;
    const data = {
      rule: { id: rule.id, name: rule.name },
      event: {
        type: event.type,
        occurredAt: new Date(Number(event.occurred_at)).toISOString(),
        guestId: event.guest_id > 0 ? event.guest_id : null,
        stayId: event.stay_id,
        locationId: event.location_id,
        journeyEventId: event.id > 0 ? event.id : null,
        payload: parseJson<Record<string, unknown>>(event.payload, {}),
      },
    };
    await enqueueDelivery(
      trx,
      accountId,
      { target: 'webhook', subscriptionId: rule.action.webhookId },
      { eventType: 'rule.webhook', url: target.url, payload: { data }, actor: ctx?.actor ?? `rule:${rule.id}`, requestId: ctx?.requestId ?? null },
      firing.now,
    );
  }
}

/** The signed survey page link (path and query: the sender prefixes PUBLIC_URL) of an invitation for the subject's guest and stay. */
export function surveyLinkFor(account: Pick<Account, 'slug' | 'page_secret'>, action: SurveyInvitationAction, trigger: string, subject: RuleSubject): string {
  const stayId = subject.stay?.id ?? subject.event.stay_id;
  const source = surveySource(action, trigger);
  return surveyLinkPath(account.page_secret, { slug: account.slug, surveyId: action.surveyId, guestId: subject.guest.id, stayId, source });
}

const timingContext = (subject: RuleSubject, now: number, quiet: Parameters<typeof dueAt>[1]['quiet']) => ({
  eventAt: Number(subject.event.occurred_at),
  now,
  zone: subject.location?.timezone,
  quiet,
});

/** Messages (e-mail, SMS, chat, survey invitations): queued together; one not queued says why on its firing. */
async function queueRuleMessages(
  trx: Db,
  accountId: number,
  firedRules: readonly FiredRule[],
  skip: (firingId: number, reason: string) => Promise<void>,
): Promise<void> {
  const sending = firedRules.filter((f) => actionChannel(f.rule.action) !== undefined);
  if (sending.length === 0) return;
  const now = Math.max(...sending.map((f) => f.firing.now));
  const { quietHours } = await accountMessaging(trx, accountId, now);
  const account = sending.some((f) => f.rule.action.type === 'survey_invitation') ? await getAccount(trx, accountId) : undefined;
  const variablesOf = new Map<RuleSubject, ReturnType<typeof ruleVariables>>();
  const inputs: NewMessage[] = sending.map(({ rule, firing }) => {
    const { subject } = firing;
    let variables = variablesOf.get(subject);
    if (!variables) {
      variables = ruleVariables(subject);
      variablesOf.set(subject, variables);
    }
    const locationId = subject.stay?.location_id ?? subject.event.location_id;
    const action = rule.action as Extract<RuleView['action'], { template: string }>;
    const channel = actionChannel(action)!;
    let links = variables.links as Record<string, unknown>;
    if (action.type === 'survey_invitation' && account) links = { ...links, survey: surveyLinkFor(account, action, rule.trigger, subject) };
    return {
      guestId: subject.guest.id,
      stayId: subject.stay?.id ?? subject.event.stay_id,
      ruleId: rule.id,
      template: action.template,
      channel,
      languages: languageChain(subjectLanguage(subject), action.fallbackLanguage),
      recipient: recipientOf(channel, subject.guest, locationId)!,
      variables: { ...variables, links },
      dueAt: dueAt(action.timing, timingContext(subject, firing.now, quietHours)),
    };
  });
  const outcomes = await queueMessages(trx, accountId, inputs, now);
  for (const [i, outcome] of outcomes.entries()) if (!outcome.queued) await skip(sending[i].firingId, outcome.reason);
}
