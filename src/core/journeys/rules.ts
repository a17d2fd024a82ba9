import { announceCacheChange, onCacheNotice } from '../../db/cache-notices.js';
import type { Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { JourneyRule } from '../../db/schema.js';
import { cancelDelayedMessages } from '../messaging/messages.js';
import { updateAccountSettings } from '../accounts/accounts.js';
import { readAction, type RuleAction } from './rule-actions.js';

/** The builtin key of the default rule "a survey response opens a request" (default-rules.ts). */
export const FOLLOW_UP_BUILTIN = 'survey-follow-up';
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

export type {
  AddLoyaltyPointsAction,
  EmailAction,
  MessageAction,
  OpenRequestAction,
  RuleAction,
  SmsAction,
  SurveyInvitationAction,
  WebhookAction,
} from './rule-actions.js';

export interface RuleView {
  id: number;
  name: string;
  trigger: string;
  conditions: Condition;
  action: RuleAction;
  enabled: boolean;
  /** the default rule this is ('survey-follow-up': default-rules.ts), null for the account's own */
  builtin: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface RuleInput {
  name: string;
  trigger: string;
  conditions?: unknown;
  /** rule-actions.ts: {type, ...its parameters} */
  action: { type: string; [key: string]: unknown };
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
    builtin: row.builtin ?? null,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

async function readRule(db: Db, accountId: number, input: RuleInput) {
  const name = input.name?.trim() ?? '';
  if (!RULE_NAME.test(name)) throw badRequest('name must be 1-100 letters, digits, spaces or _ . : -');
  if (!isRuleTrigger(input.trigger ?? '')) throw badRequest(`trigger must be one of ${RULE_TRIGGERS.join(', ')} or custom.<word> (got "${input.trigger}")`);
  const conditions = readConditions(input.conditions);
  const action = await readAction(db, accountId, input.trigger, input.action);
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
    if (row.builtin === FOLLOW_UP_BUILTIN && input.enabled !== undefined) {
      await updateAccountSettings(db, accountId, { responsesCreateLoops: input.enabled ? true : null });
    }
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
  // The default follow-up rule is what the account setting responsesCreateLoops says: one switch.
  if (row.builtin === FOLLOW_UP_BUILTIN) await updateAccountSettings(db, accountId, { responsesCreateLoops: enabled ? true : null });
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
 * The enabled rules of an account, asked on every journey event: read once, parsed, and indexed by
 * trigger per process, so an event looks up its triggers' rules without a query or a scan of the
 * others; dropped on every change (here, or on PostgreSQL by any instance through the cache
 * notices, db/cache-notices.ts) and read again after CACHE_TTL_MS at most.
 */
const CACHE_TTL_MS = 5_000;
interface CachedRules {
  at: number;
  rules: RuleView[];
  byTrigger: Map<string, RuleView[]>;
}
const cache = new Map<number, CachedRules>();
onCacheNotice('journey-rules', (accountId) => (accountId === undefined ? cache.clear() : cache.delete(accountId)));

async function cachedRules(db: Db, accountId: number, now: number): Promise<CachedRules> {
  const entry = cache.get(accountId);
  if (entry && now - entry.at <= CACHE_TTL_MS) return entry;
  const rows = await db.selectFrom('journey_rules').selectAll().where('account_id', '=', accountId).where('enabled', '=', 1).orderBy('id').execute();
  if (cache.size > 10_000) cache.clear();
  const rules = rows.map(describeRule);
  const byTrigger = new Map<string, RuleView[]>();
  for (const rule of rules) byTrigger.set(rule.trigger, [...(byTrigger.get(rule.trigger) ?? []), rule]);
  const fresh = { at: now, rules, byTrigger };
  cache.set(accountId, fresh);
  return fresh;
}

/** The account's enabled rules: [] costs no query while cached. */
export async function activeRules(db: Db, accountId: number, now = Date.now()): Promise<RuleView[]> {
  return (await cachedRules(db, accountId, now)).rules;
}

/** The account's enabled rules on any of `triggers`, in id order (cached, indexed by trigger). */
export async function rulesFor(db: Db, accountId: number, triggers: readonly string[], now = Date.now()): Promise<RuleView[]> {
  const { byTrigger } = await cachedRules(db, accountId, now);
  if (byTrigger.size === 0) return [];
  if (triggers.length === 1) return byTrigger.get(triggers[0]) ?? [];
  return triggers.flatMap((t) => byTrigger.get(t) ?? []).sort((a, b) => a.id - b.id);
}
