import type { Db } from '../../db/database.js';
import { findEvaluation } from '../feedback/evaluations.js';
import { findLoopTypeByShortcode } from '../locations/loop-types.js';
import { languageChain, LANGUAGE, normaliseLanguage, type Channel } from '../messaging/channels.js';
import { parseTemplate, variablesOf } from '../messaging/liquid.js';
import { listTemplates } from '../messaging/templates.js';
import { readTiming, type Timing } from '../messaging/timing.js';
import { badRequest } from '../shared/errors.js';
import { FEEDBACK_TRIGGER, SURVEY_LINK_VARIABLE } from '../shared/trigger-variables.js';
import { getWebhook } from '../webhooks/subscriptions.js';

/*
 * What a rule does when it fires, read strictly when the rule is saved: a message from a template
 * (e-mail, SMS, or a chat message into the guest's chat session), a survey invitation (an e-mail
 * or SMS whose template gets links.survey), a request opened for staff, a webhook called, or
 * loyalty points added. Every action but a request opened on feedback runs after the commit
 * (rule-engine.ts).
 */

export interface MessageAction {
  type: 'email' | 'sms' | 'chat';
  template: string;
  /** the template language used when the guest's has none (default en) */
  fallbackLanguage: string;
  /** when the message leaves: immediately (default), after a delay, or at a local time */
  timing: Timing;
}
export type EmailAction = MessageAction & { type: 'email' };
export type SmsAction = MessageAction & { type: 'sms' };

/** An e-mail or SMS with links.survey: the signed survey page link for the guest (and stay). */
export interface SurveyInvitationAction {
  type: 'survey_invitation';
  channel: 'email' | 'sms';
  template: string;
  fallbackLanguage: string;
  /** the survey (an evaluation of the account) the page shows */
  surveyId: number;
  /** the answer's source; default from the trigger (checkout: poststay, checkin: instay...) */
  source: string | null;
  timing: Timing;
}

/** Opens a request (loop) of a type; on feedback.received in the response's transaction (its loopId). */
export interface OpenRequestAction {
  type: 'open_request';
  /** a loop type's shortcode; null: the account's responseLoopType, else "feedback", else its first type */
  loopType: string | null;
  title: string;
  timing: Timing;
}

/** POSTs the event to a webhook subscription of the account (its URL, secret and address guard). */
export interface WebhookAction {
  type: 'webhook';
  webhookId: number;
  timing: Timing;
}

/**
 * Adds points to the guest's loyalty balance (a guest enrolled in the programme; for others the
 * firing adds nothing and says why). Done by a job after the commit (LOYALTY_POINTS_JOB_KIND,
 * handled by core/loyalty), once per firing.
 */
export interface AddLoyaltyPointsAction {
  type: 'add_loyalty_points';
  points: number;
  concept: string;
  pointType: number;
  timing: Timing;
}

export type RuleAction = MessageAction | SurveyInvitationAction | OpenRequestAction | WebhookAction | AddLoyaltyPointsAction;
export const ACTION_TYPES = ['email', 'sms', 'chat', 'survey_invitation', 'open_request', 'webhook', 'add_loyalty_points'] as const;

/** The channel of a message an action sends, or undefined for an action that sends none. */
export function actionChannel(action: RuleAction): Channel | undefined {
  if (action.type === 'email' || action.type === 'sms' || action.type === 'chat') return action.type;
  return action.type === 'survey_invitation' ? action.channel : undefined;
}

/** The most points one firing may add (the Loyalty face's own bound is far above any rule's need). */
const MAX_RULE_POINTS = 1_000_000;
const SOURCE = /^[a-z-]{1,32}$/;
const KEYS: Record<RuleAction['type'], readonly string[]> = {
  email: ['type', 'template', 'fallbackLanguage', 'timing'],
  sms: ['type', 'template', 'fallbackLanguage', 'timing'],
  chat: ['type', 'template', 'fallbackLanguage', 'timing'],
  survey_invitation: ['type', 'channel', 'template', 'fallbackLanguage', 'surveyId', 'source', 'timing'],
  open_request: ['type', 'loopType', 'title', 'timing'],
  webhook: ['type', 'webhookId', 'timing'],
  add_loyalty_points: ['type', 'points', 'concept', 'pointType'],
};

/** Checks an action as sent against the account (templates, survey, loop type, webhook); bad input is a 400. */
export async function readAction(db: Db, accountId: number, trigger: string, input: unknown): Promise<RuleAction> {
  if (!input || typeof input !== 'object') throw badRequest('action is required: {"type": "email", "template": "<name>"}');
  const a = input as Record<string, unknown>;
  const type = a.type as RuleAction['type'];
  if (!(ACTION_TYPES as readonly string[]).includes(type))
    throw badRequest(`action.type must be one of ${ACTION_TYPES.join(', ')} (got ${JSON.stringify(a.type)})`);
  const extra = Object.keys(a).filter((k) => a[k] !== undefined && !KEYS[type].includes(k));
  if (extra.length) throw badRequest(`action ${type} takes ${KEYS[type].join(', ')} only (not ${extra.join(', ')})`);
  switch (type) {
    case 'add_loyalty_points':
      return readPointsAction(a);
    case 'open_request':
      return readRequestAction(db, accountId, a);
    case 'webhook':
      return readWebhookAction(db, accountId, a);
    case 'survey_invitation': {
      if (a.channel !== 'email' && a.channel !== 'sms') throw badRequest('action.channel must be "email" or "sms" for a survey invitation');
      const message = await readMessage(db, accountId, a.channel, a, true);
      const surveyId = a.surveyId;
      if (typeof surveyId !== 'number' || !Number.isSafeInteger(surveyId) || surveyId < 1 || !(await findEvaluation(db, accountId, surveyId))) {
        throw badRequest(`action.surveyId must name a survey of the account (got ${JSON.stringify(surveyId)})`);
      }
      if (a.source !== undefined && a.source !== null && (typeof a.source !== 'string' || !SOURCE.test(a.source))) {
        throw badRequest('action.source must be 1-32 lower-case letters or dashes, such as poststay');
      }
      return {
        type,
        channel: a.channel,
        template: message.template,
        fallbackLanguage: message.fallbackLanguage,
        surveyId,
        source: (a.source as string) ?? null,
        timing: message.timing,
      };
    }
    default:
      if (trigger === FEEDBACK_TRIGGER && type === 'chat')
        throw badRequest('a rule on feedback.received cannot send a chat message (a response may come from no guest)');
      return { type, ...(await readMessage(db, accountId, type, a, false)) };
  }
}

/** A message action's template, fallback language and timing: the template must exist in the fallback language. */
async function readMessage(db: Db, accountId: number, channel: Channel, a: Record<string, unknown>, survey: boolean) {
  const template = typeof a.template === 'string' ? a.template.trim() : '';
  const fallbackLanguage = normaliseLanguage(typeof a.fallbackLanguage === 'string' ? a.fallbackLanguage : 'en');
  if (!LANGUAGE.test(fallbackLanguage)) throw badRequest('action.fallbackLanguage must be a language tag such as en');
  const templates = (await listTemplates(db, accountId, { name: template })).filter((t) => t.channel === channel);
  if (!templates.some((t) => languageChain(null, fallbackLanguage).includes(t.language))) {
    const kind = { email: 'e-mail', sms: 'SMS', chat: 'chat' }[channel];
    throw badRequest(`action.template "${template}" has no ${kind} template in the fallback language ${fallbackLanguage}: save one first`);
  }
  // links.survey exists only in a survey invitation, and a survey invitation without it invites to nothing.
  for (const t of templates) {
    const uses = variablesOf(parseTemplate(`${t.subject ?? ''}${t.body}`)).some((v) => v === SURVEY_LINK_VARIABLE || v === 'links');
    if (uses && !survey) throw badRequest(`template "${template}" (${t.language}) uses ${SURVEY_LINK_VARIABLE}: only a survey_invitation action provides it`);
    if (!uses && survey)
      throw badRequest(`template "${template}" (${t.language}) does not use ${SURVEY_LINK_VARIABLE}: a survey invitation must carry the link`);
  }
  return { template, fallbackLanguage, timing: readTiming(a.timing) };
}

async function readRequestAction(db: Db, accountId: number, a: Record<string, unknown>): Promise<OpenRequestAction> {
  const loopType = a.loopType === undefined || a.loopType === null ? null : a.loopType;
  if (loopType !== null && (typeof loopType !== 'string' || !(await findLoopTypeByShortcode(db, accountId, loopType.trim())))) {
    throw badRequest(`action.loopType must be the shortcode of a loop type of the account (got ${JSON.stringify(loopType)})`);
  }
  const title = a.title ?? 'Follow-up';
  if (typeof title !== 'string' || !title.trim() || title.length > 200) throw badRequest('action.title must be a text of 1 to 200 characters');
  return { type: 'open_request', loopType: loopType === null ? null : loopType.trim(), title: title.trim(), timing: readTiming(a.timing) };
}

async function readWebhookAction(db: Db, accountId: number, a: Record<string, unknown>): Promise<WebhookAction> {
  const id = a.webhookId;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1)
    throw badRequest('action.webhookId must be the id of a webhook subscription of the account');
  await getWebhook(db, accountId, id).catch(() => {
    throw badRequest(`action.webhookId: the account has no webhook subscription ${id} (POST /admin/v1/webhooks first)`);
  });
  if (a.timing !== undefined && readTiming(a.timing).type !== 'immediate')
    throw badRequest('action webhook is called at once: its timing can only be immediate');
  return { type: 'webhook', webhookId: id, timing: { type: 'immediate' } };
}

function readPointsAction(a: Record<string, unknown>): AddLoyaltyPointsAction {
  const { points, pointType = 0 } = a;
  const concept = a.concept ?? 'rule';
  if (typeof points !== 'number' || !Number.isInteger(points) || points < 1 || points > MAX_RULE_POINTS) {
    throw badRequest(`action.points must be a whole number from 1 to ${MAX_RULE_POINTS}`);
  }
  if (typeof concept !== 'string' || !concept.trim() || concept.length > 200) throw badRequest('action.concept must be a text of 1 to 200 characters');
  if (typeof pointType !== 'number' || !Number.isInteger(pointType) || pointType < 0 || pointType > 1000) {
    throw badRequest('action.pointType must be a whole number from 0 to 1000');
  }
  return { type: 'add_loyalty_points', points, concept: concept.trim(), pointType, timing: { type: 'immediate' } };
}

/** The source of a survey invitation's answer: the action's, else what the trigger means. */
export function surveySource(action: SurveyInvitationAction, trigger: string): string {
  if (action.source) return action.source;
  if (trigger === 'stay.checked_out') return 'poststay';
  if (trigger === 'stay.checked_in' || trigger === 'stay.room_readied') return 'instay';
  if (trigger === 'stay.registered') return 'prestay';
  if (trigger.startsWith('loyalty.')) return 'loyalty';
  return 'journey';
}

/** What the action does, in words (dry-run, CLI): "add 50 loyalty points", "open a request"... */
export function describeAction(action: RuleAction): string {
  switch (action.type) {
    case 'add_loyalty_points':
      return `add ${action.points} loyalty points (to an enrolled member)`;
    case 'open_request':
      return `open a request "${action.title}" (loop type ${action.loopType ?? "the account's follow-up type"})`;
    case 'webhook':
      return `call webhook subscription ${action.webhookId}`;
    case 'survey_invitation':
      return `send a survey invitation (survey ${action.surveyId}) by ${action.channel === 'sms' ? 'SMS' : 'e-mail'} "${action.template}"`;
    default:
      return `send ${{ email: 'the e-mail', sms: 'the SMS', chat: 'the chat message' }[action.type]} "${action.template}"`;
  }
}
