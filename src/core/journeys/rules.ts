import { announceCacheChange, onCacheNotice } from '../../db/cache-notices.js';
import type { Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { JourneyRule } from '../../db/schema.js';
import { languageChain, LANGUAGE, normaliseLanguage } from '../messaging/channels.js';
import { cancelDelayedMessages } from '../messaging/messages.js';
import { listTemplates } from '../messaging/templates.js';
import { readTiming, type Timing } from '../messaging/timing.js';
import { badRequest, conflict, notFound } from '../shared/errors.js';
import { parseJson } from '../shared/json.js';
import { isRuleTrigger, RULE_TRIGGERS } from '../shared/trigger-variables.js';
import { readConditions, type Condition } from './conditions.js';

/*
 * An account's journey rules: a trigger (a journey event type), conditions, and one action (send
 * an e-mail from a template). Saved strictly (unknown fields, triggers or templates are a 400),
 * cached per process for the hot path that records journey events (rule-engine.ts), and dropped
 * from every process's cache on any change. Changing or disabling a rule never re-fires past events.
 */

export interface EmailAction {
  type: 'email';
  template: string;
  /** the template language used when the guest's has none (default en) */
  fallbackLanguage: string;
  /** when the e-mail leaves: immediately (default), after a delay, or at a local time */
  timing: Timing;
}
/** Send an SMS to the guest's mobile from a (plain-text) SMS template. */
export interface SmsAction extends Omit<EmailAction, 'type'> {
  type: 'sms';
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
export type RuleAction = EmailAction | SmsAction | AddLoyaltyPointsAction;

/** The most points one firing may add (the Loyalty face's own bound is far above any rule's need). */
const MAX_RULE_POINTS = 1_000_000;

export interface RuleView {
  id: number;
  name: string;
  trigger: string;
  conditions: Condition;
  action: RuleAction;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface RuleInput {
  name: string;
  trigger: string;
  conditions?: unknown;
  action: { type: string; template?: string; fallbackLanguage?: string; timing?: unknown; points?: unknown; concept?: unknown; pointType?: unknown };
  enabled?: boolean;
}

const RULE_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.:-]{0,99}$/;

export function describeRule(row: JourneyRule): RuleView {
  return {
    id: row.id,
    name: row.name,
    trigger: row.trigger,
    conditions: parseJson<Condition>(row.conditions, { all: [] }),
    action: {
      timing: { type: 'immediate' },
      ...parseJson<Record<string, unknown>>(row.action, { type: 'email', template: '', fallbackLanguage: 'en' }),
    } as RuleAction,
    enabled: row.enabled === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Checks the action against the account's templates: the fallback language must have one. */
async function readAction(db: Db, accountId: number, input: RuleInput['action'] | undefined): Promise<RuleAction> {
  if (!input || typeof input !== 'object') throw badRequest('action is required: {"type": "email", "template": "<name>"}');
  if (input.type === 'add_loyalty_points') return readPointsAction(input);
  if (input.type !== 'email' && input.type !== 'sms')
    throw badRequest(`action.type must be "email", "sms" or "add_loyalty_points" (got ${JSON.stringify(input.type)})`);
  const channel = input.type;
  const template = input.template?.trim() ?? '';
  const fallbackLanguage = normaliseLanguage(input.fallbackLanguage ?? 'en');
  if (!LANGUAGE.test(fallbackLanguage)) throw badRequest('action.fallbackLanguage must be a language tag such as en');
  const templates = (await listTemplates(db, accountId, { name: template })).filter((t) => t.channel === channel);
  if (!templates.some((t) => languageChain(null, fallbackLanguage).includes(t.language))) {
    const kind = channel === 'sms' ? 'SMS' : 'e-mail';
    throw badRequest(`action.template "${template}" has no ${kind} template in the fallback language ${fallbackLanguage}: save one first`);
  }
  return { type: channel, template, fallbackLanguage, timing: readTiming(input.timing) };
}

function readPointsAction(input: RuleInput['action']): AddLoyaltyPointsAction {
  const { points, pointType = 0 } = input;
  const concept = input.concept ?? 'rule';
  if (typeof points !== 'number' || !Number.isInteger(points) || points < 1 || points > MAX_RULE_POINTS) {
    throw badRequest(`action.points must be a whole number from 1 to ${MAX_RULE_POINTS}`);
  }
  if (typeof concept !== 'string' || !concept.trim() || concept.length > 200) throw badRequest('action.concept must be a text of 1 to 200 characters');
  if (typeof pointType !== 'number' || !Number.isInteger(pointType) || pointType < 0 || pointType > 1000) {
    throw badRequest('action.pointType must be a whole number from 0 to 1000');
  }
  if (input.template !== undefined || input.fallbackLanguage !== undefined || input.timing !== undefined) {
    throw badRequest('action add_loyalty_points takes points, concept and pointType only');
  }
  return { type: 'add_loyalty_points', points, concept: concept.trim(), pointType, timing: { type: 'immediate' } };
}

async function readRule(db: Db, accountId: number, input: RuleInput) {
  const name = input.name?.trim() ?? '';
  if (!RULE_NAME.test(name)) throw badRequest('name must be 1-100 letters, digits, spaces or _ . : -');
  if (!isRuleTrigger(input.trigger ?? '')) throw badRequest(`trigger must be one of ${RULE_TRIGGERS.join(', ')} or custom.<word> (got "${input.trigger}")`);
  const conditions = readConditions(input.conditions);
  const action = await readAction(db, accountId, input.action);
  // Points added fire loyalty.points_added again: a rule adding points on it would never end.
  if (action.type === 'add_loyalty_points' && input.trigger === 'loyalty.points_added') {
    throw badRequest('a rule on loyalty.points_added cannot add loyalty points (each addition would fire it again)');
  }
  return { name, trigger: input.trigger, conditions: JSON.stringify(conditions), action: JSON.stringify(action) };
}

/** Creates a rule (enabled unless said otherwise); a name the account already uses is a 409. */
export async function createRule(db: Db, accountId: number, input: RuleInput, now = Date.now()): Promise<RuleView> {
  const rule = await readRule(db, accountId, input);
  try {
    const row = await db
      .insertInto('journey_rules')
      .values({ ...rule, account_id: accountId, enabled: input.enabled === false ? 0 : 1, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await announceCacheChange(db, { topic: 'journey-rules', accountId });
    return describeRule(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`a rule named "${rule.name}" already exists`);
    throw err;
  }
}

/** Replaces a rule's definition; it applies to events recorded from now on. */
export async function updateRule(db: Db, accountId: number, id: number, input: RuleInput, now = Date.now()): Promise<RuleView> {
  const rule = await readRule(db, accountId, input);
  try {
    const row = await db
      .updateTable('journey_rules')
      .set({ ...rule, ...(input.enabled === undefined ? {} : { enabled: input.enabled ? 1 : 0 }), updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound(`rule ${id}`);
    await announceCacheChange(db, { topic: 'journey-rules', accountId });
    return describeRule(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`a rule named "${rule.name}" already exists`);
    throw err;
  }
}

/** Enables or disables a rule; disabling cancels its messages still waiting for their time. */
export async function setRuleEnabled(db: Db, accountId: number, id: number, enabled: boolean, now = Date.now()): Promise<RuleView> {
  const row = await db
    .updateTable('journey_rules')
    .set({ enabled: enabled ? 1 : 0, updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound(`rule ${id}`);
  if (!enabled) await cancelDelayedMessages(db, accountId, id, `cancelled: rule "${row.name}" was disabled before the message was due`, now);
  await announceCacheChange(db, { topic: 'journey-rules', accountId });
  return describeRule(row);
}

export async function listRules(db: Db, accountId: number): Promise<RuleView[]> {
  const rows = await db.selectFrom('journey_rules').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
  return rows.map(describeRule);
}

export async function getRule(db: Db, accountId: number, id: number): Promise<RuleView> {
  const row = await db.selectFrom('journey_rules').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`rule ${id}`);
  return describeRule(row);
}

/** A rule by id, or by name when `ref` is not a number (the CLI names rules either way). */
export async function findRuleByRef(db: Db, accountId: number, ref: string): Promise<RuleView> {
  const query = db.selectFrom('journey_rules').selectAll().where('account_id', '=', accountId);
  const row = /^\d+$/.test(ref) ? await query.where('id', '=', Number(ref)).executeTakeFirst() : await query.where('name', '=', ref).executeTakeFirst();
  if (!row) throw notFound(`rule ${ref}`);
  return describeRule(row);
}

/*
 * The enabled rules of an account, asked on every journey event: cached per process, dropped on
 * every change (here, or on PostgreSQL by any instance) and read again after CACHE_TTL_MS at most.
 */
const CACHE_TTL_MS = 5_000;
const cache = new Map<number, { at: number; rules: RuleView[] }>();
onCacheNotice('journey-rules', (accountId) => (accountId === undefined ? cache.clear() : cache.delete(accountId)));

/** The account's enabled rules: [] costs no query while cached. */
export async function activeRules(db: Db, accountId: number, now = Date.now()): Promise<RuleView[]> {
  const entry = cache.get(accountId);
  if (entry && now - entry.at <= CACHE_TTL_MS) return entry.rules;
  const rows = await db.selectFrom('journey_rules').selectAll().where('account_id', '=', accountId).where('enabled', '=', 1).orderBy('id').execute();
  if (cache.size > 10_000) cache.clear();
  const rules = rows.map(describeRule);
  cache.set(accountId, { at: now, rules });
  return rules;
}
