import { parseArgs } from 'node:util';
import type { Config } from '../config/config.js';
import { getAccountBySlug } from '../core/accounts/accounts.js';
import { createRule, findRuleByRef, listRules, setRuleEnabled, type RuleView } from '../core/journeys/rules.js';
import { dryRunRule, MAX_DRY_RUN_EVENTS } from '../core/rule-tools/dry-run.js';
import { explainEvent } from '../core/rule-tools/explain.js';
import { previewRule } from '../core/rule-tools/preview.js';
import { RULE_TRIGGERS } from '../core/shared/trigger-variables.js';
import { describeAction } from '../core/journeys/rule-actions.js';
import type { Db } from '../db/database.js';
import { inWriteTransaction } from '../db/write-transaction.js';
import { UsageError } from './client-create.js';
import { refusalsExit1 } from './refused.js';
import { withDatabase } from './with-database.js';

/*
 * `openstay rule list|create|enable|disable|preview|dry-run|explain --account <slug>`: the admin
 * API's journey rules from the command line. A rule is named by its id or its name. Exit 0 done,
 * 1 unknown account, rule, guest or event (or a taken name), 2 bad usage or input.
 */

export const RULE_USAGE = `usage: openstay rule list --account <slug> [--json]
       openstay rule create --account <slug> --name <name> --trigger <type> --template <name> [--channel email|sms|chat]
                            [--fallback-language en]
       openstay rule create --account <slug> --name <name> --trigger <type> --action <JSON> [--conditions <JSON>] [--disabled] [--json]
                            [--conditions <JSON>] [--delay-minutes N | --at HH:MM [--days-after N]] [--disabled] [--json]
       openstay rule enable|disable <rule> --account <slug> [--json]
       openstay rule preview <rule> --account <slug> --guest <guestId> [--language <tag>] [--json]
       openstay rule dry-run <rule> --account <slug> [--limit N] [--json]
       openstay rule explain --account <slug> --event <journeyEventId> [--json]
  <rule> is a rule's id or name. Triggers: ${RULE_TRIGGERS.join(', ')}, custom.<word>.
  --conditions: a test {"field","op","value"} or {"all":[...]} / {"any":[...]}, e.g.
    '[{"field":"guest.vipStatus","op":"in","value":["gold"]}]'. The template must exist (admin API
    PUT /admin/v1/templates/<name>/<channel>/<language>) in the fallback language. --channel sms
    texts the guest's mobile instead of e-mailing (default email); chat posts into the guest's chat
    session at the stay's location (opened if the guest has none).
  --action: any action as the admin API takes it, e.g.
    '{"type":"survey_invitation","channel":"email","template":"after-stay","surveyId":3}' (the
    template uses {{ links.survey }}; source defaults from the trigger: checkout poststay),
    '{"type":"open_request","loopType":"vip","title":"Welcome a VIP"}',
    '{"type":"webhook","webhookId":2}' (a subscription: a signed rule.webhook event), or
    '{"type":"add_loyalty_points","points":50}'. Every account has the default rule
    "Survey response follow-up" (feedback.received, open_request): the setting responsesCreateLoops.`;

const VERBS = ['list', 'create', 'enable', 'disable', 'preview', 'dry-run', 'explain'];

const ruleJson = (r: RuleView) => ({ id: r.id, name: r.name, trigger: r.trigger, conditions: r.conditions, action: r.action, enabled: r.enabled });
const whenOf = (r: RuleView) => {
  const t = r.action.timing;
  if (t.type === 'delay') return `, ${t.minutes} min after`;
  if (t.type === 'local_time') return `, at ${t.time} local${t.daysAfter ? ` ${t.daysAfter} day(s) after` : ''}`;
  return '';
};
const actionOf = (r: RuleView) =>
  'fallbackLanguage' in r.action
    ? `${describeAction(r.action)} (fallback ${r.action.fallbackLanguage}${whenOf(r)})`
    : `${describeAction(r.action)}${whenOf(r)}`;
const ruleLine = (r: RuleView) => `${r.id}  ${r.enabled ? 'enabled ' : 'disabled'}  ${r.name}  on ${r.trigger}  -> ${actionOf(r)}`;

function positiveInt(text: string | undefined, what: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (!text || !/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1 || n > max)
    throw new UsageError(`${what} must be an integer from 1 to ${max}, not "${text ?? ''}"`);
  return n;
}

function parseConditions(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError('--conditions must be JSON');
  }
}

function parseAction(text: string): { type: string; [key: string]: unknown } {
  let action: unknown;
  try {
    action = JSON.parse(text);
  } catch {
    throw new UsageError('--action must be JSON');
  }
  if (typeof action !== 'object' || action === null || Array.isArray(action)) throw new UsageError('--action must be a JSON object {"type": ...}');
  return action as { type: string };
}

/** The timing options of rule create as the admin API takes them (checked there). */
function timingOf(values: { 'delay-minutes'?: string; at?: string; 'days-after'?: string }): unknown {
  if (values['delay-minutes'] !== undefined && values.at !== undefined) throw new UsageError('give --delay-minutes or --at, not both');
  if (values['delay-minutes'] !== undefined) return { type: 'delay', minutes: Number(values['delay-minutes']) };
  if (values.at !== undefined) return { type: 'local_time', time: values.at, daysAfter: values['days-after'] === undefined ? 0 : Number(values['days-after']) };
  if (values['days-after'] !== undefined) throw new UsageError('--days-after goes with --at HH:MM');
  return undefined;
}

/** `openstay rule|rules <verb> ...`. */
export async function ruleCommand(config: Config, argv: string[]): Promise<number> {
  const [verb, ...args] = argv;
  if (!verb || verb === '--help' || verb === '-h') {
    console.log(RULE_USAGE);
    return verb ? 0 : 2;
  }
  if (!VERBS.includes(verb)) throw new UsageError(`unknown rule command "${verb}"`);
  const { values, positionals } = parseArgs({
    args,
    options: {
      account: { type: 'string' },
      name: { type: 'string' },
      trigger: { type: 'string' },
      template: { type: 'string' },
      'fallback-language': { type: 'string' },
      channel: { type: 'string' },
      conditions: { type: 'string' },
      action: { type: 'string' },
      disabled: { type: 'boolean' },
      'delay-minutes': { type: 'string' },
      at: { type: 'string' },
      'days-after': { type: 'string' },
      guest: { type: 'string' },
      language: { type: 'string' },
      limit: { type: 'string' },
      event: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(RULE_USAGE);
    return 0;
  }
  if (!values.account) throw new UsageError(`rule ${verb} needs --account <slug>`);
  const account = values.account;
  const inAccount = <T>(fn: (db: Db, accountId: number) => Promise<T>) => withDatabase(config, async (db) => fn(db, (await getAccountBySlug(db, account)).id));
  const print = (json: unknown, text: string) => console.log(values.json ? JSON.stringify(json) : text);

  if (verb === 'list' || verb === 'create' || verb === 'explain') {
    if (verb === 'explain' && positionals.length === 1 && !values.event) values.event = positionals.pop();
    if (positionals.length) throw new UsageError(`rule ${verb} takes no positional argument`);
  } else if (positionals.length !== 1) throw new UsageError(`rule ${verb} takes one <rule> (its id or name)`);
  const ref = positionals[0];

  switch (verb) {
    case 'list':
      return refusalsExit1(async () => {
        const rules = await inAccount((db, accountId) => listRules(db, accountId));
        print({ account, rules: rules.map(ruleJson) }, rules.map(ruleLine).join('\n') || `account ${account} has no rules`);
        return 0;
      });
    case 'create': {
      if (!values.name) throw new UsageError('rule create needs --name <name>');
      if (!values.trigger) throw new UsageError('rule create needs --trigger <type>');
      if (!values.template && !values.action) throw new UsageError('rule create needs --template <name> or --action <JSON>');
      if (values.template && values.action) throw new UsageError('give --template or --action, not both');
      const channel = values.channel ?? 'email';
      if (channel !== 'email' && channel !== 'sms' && channel !== 'chat') throw new UsageError(`--channel must be email, sms or chat (got "${channel}")`);
      const input = {
        name: values.name,
        trigger: values.trigger,
        conditions: parseConditions(values.conditions),
        action: values.action
          ? parseAction(values.action)
          : { type: channel, template: values.template, fallbackLanguage: values['fallback-language'], timing: timingOf(values) },
        enabled: !values.disabled,
      };
      return refusalsExit1(async () => {
        const rule = await inAccount((db, accountId) => inWriteTransaction(db, (trx) => createRule(trx, accountId, input)));
        print({ account, rule: ruleJson(rule) }, `rule ${rule.id} of account ${account} created: ${ruleLine(rule)}`);
        return 0;
      });
    }
    case 'enable':
    case 'disable':
      return refusalsExit1(async () => {
        const rule = await inAccount(async (db, accountId) => {
          const found = await findRuleByRef(db, accountId, ref);
          return inWriteTransaction(db, (trx) => setRuleEnabled(trx, accountId, found.id, verb === 'enable'));
        });
        print({ account, rule: ruleJson(rule) }, `rule ${rule.id} (${rule.name}) of account ${account} ${verb}d`);
        return 0;
      });
    case 'preview': {
      const guestId = positiveInt(values.guest, '--guest');
      return refusalsExit1(async () => {
        const preview = await inAccount(async (db, accountId) =>
          previewRule(db, accountId, await findRuleByRef(db, accountId, ref), { guestId, language: values.language }, config.publicUrl),
        );
        print(
          { account, preview },
          `To: ${preview.to ?? '(no e-mail address)'}\nLanguage: ${preview.language}\nSubject: ${preview.subject}\n\n${preview.text}`,
        );
        return 0;
      });
    }
    case 'dry-run': {
      const limit = values.limit === undefined ? 50 : positiveInt(values.limit, '--limit', MAX_DRY_RUN_EVENTS);
      return refusalsExit1(async () => {
        const { rule, results } = await inAccount(async (db, accountId) => {
          const found = await findRuleByRef(db, accountId, ref);
          return { rule: found, results: await dryRunRule(db, accountId, found, limit) };
        });
        const lines = results.map((r) => `event ${r.eventId}  ${r.type.padEnd(20)} guest ${r.guestId}  ${r.wouldFire ? 'WOULD FIRE' : 'no'}: ${r.reason}`);
        const firing = results.filter((r) => r.wouldFire).length;
        print({ account, ruleId: rule.id, results }, `${lines.join('\n')}\nrule ${rule.name}: would fire for ${firing} of the last ${results.length} event(s)`);
        return 0;
      });
    }
    default: {
      const eventId = positiveInt(values.event, '--event');
      return refusalsExit1(async () => {
        const explained = await inAccount((db, accountId) => explainEvent(db, accountId, eventId));
        const head = `event ${explained.event.id}: ${explained.event.type} (counts as ${explained.event.countsAs.join(', ')}), guest ${explained.event.guestId}`;
        const lines = explained.rules.map((r) => `  ${r.fired ? 'FIRED' : 'not fired'}  ${r.name} (${r.ruleId}): ${r.reason}`);
        print({ account, ...explained }, [head, ...lines].join('\n') || head);
        return 0;
      });
    }
  }
}
