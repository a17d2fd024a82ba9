import type { Db } from '../../db/database.js';
import type { MessageTemplate } from '../../db/schema.js';
import { badRequest, notFound } from '../shared/errors.js';
import { isTemplateTrigger, triggerVariables } from '../shared/trigger-variables.js';
import { isChannel, LANGUAGE, normaliseLanguage, type Channel } from './channels.js';
import { parseTemplate, variablesOf } from './liquid.js';
import { messagingChanged } from './account-cache.js';

/*
 * Message templates: per account, name, channel and language (the fallback language is the rule's
 * choice). Each is written for a trigger and may use only the variables that trigger provides:
 * anything else is refused here, at save time, with the names it did not know.
 */

export const TEMPLATE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** How long a message may wait to leave before it is marked expired (default one day). */
export const DEFAULT_VALID_FOR_MS = 86_400_000;

export interface TemplateInput {
  name: string;
  channel: string;
  language: string;
  trigger: string;
  subject?: string | null;
  body: string;
  /** a message that could not leave within this long is expired, not sent late */
  validForMinutes?: number;
}

export interface TemplateView {
  id: number;
  name: string;
  channel: Channel;
  language: string;
  trigger: string;
  subject: string | null;
  body: string;
  validForMinutes: number;
  createdAt: number;
  updatedAt: number;
}

export function describeTemplate(row: MessageTemplate): TemplateView {
  return {
    id: row.id,
    name: row.name,
    channel: row.channel as Channel,
    language: row.language,
    trigger: row.trigger,
    subject: row.subject,
    body: row.body,
    validForMinutes: Math.round(Number(row.valid_for_ms) / 60_000),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The variables of `text` its trigger does not provide; a Liquid syntax error is a 400. */
function unknownVariables(field: string, text: string, allowed: ReadonlySet<string>): string[] {
  let used: string[];
  try {
    used = variablesOf(parseTemplate(text));
  } catch (err) {
    throw badRequest(`${field} is not a valid Liquid template: ${(err as Error).message}`);
  }
  // A path is known when it, or an object above it, is provided (`guest` alone names the object).
  return used.filter((path) => !allowed.has(path) && ![...allowed].some((a) => a.startsWith(`${path}.`)));
}

/** Checks a template's input; returns its columns. Bad input is a 400 naming what is wrong. */
export function readTemplate(input: TemplateInput) {
  const name = input.name?.trim() ?? '';
  if (!TEMPLATE_NAME.test(name)) throw badRequest('name must be 1-64 lower-case letters, digits, - or _, starting with a letter or digit');
  if (!isChannel(input.channel)) throw badRequest(`channel must be "email", "sms" or "chat" (got "${input.channel}")`);
  const language = normaliseLanguage(input.language ?? '');
  if (!LANGUAGE.test(language)) throw badRequest(`language must be a language tag such as en or sv-se (got "${input.language}")`);
  if (!isTemplateTrigger(input.trigger ?? ''))
    throw badRequest(`trigger "${input.trigger}" is not a trigger of rules nor a message trigger (loyalty.email, inbox.alert)`);
  const subject = input.subject?.trim() || null;
  if (input.channel === 'email' && !subject) throw badRequest('an e-mail template needs a subject');
  if (input.channel !== 'email' && subject)
    throw badRequest(`an ${input.channel === 'sms' ? 'SMS' : 'chat'} template has no subject: its body is the whole text`);
  if (!input.body?.trim()) throw badRequest('body must not be empty');
  const allowed = new Set(triggerVariables(input.trigger));
  const unknown = [...(subject ? unknownVariables('subject', subject, allowed) : []), ...unknownVariables('body', input.body, allowed)];
  if (unknown.length) {
    const names = [...new Set(unknown)].map((v) => `"${v}"`).join(', ');
    throw badRequest(`the template uses ${names}, which trigger ${input.trigger} does not provide (it provides ${[...allowed].join(', ')})`, {
      unknownVariables: [...new Set(unknown)],
    });
  }
  const minutes = input.validForMinutes ?? DEFAULT_VALID_FOR_MS / 60_000;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60 * 24 * 60) throw badRequest('validForMinutes must be a whole number from 1 to 86400 (60 days)');
  return { name, channel: input.channel, language, trigger: input.trigger, subject, body: input.body, valid_for_ms: minutes * 60_000 };
}

/** Creates the template of (name, channel, language), or replaces it; returns it. */
export async function saveTemplate(db: Db, accountId: number, input: TemplateInput, now = Date.now()): Promise<TemplateView> {
  const t = readTemplate(input);
  const row = await db
    .insertInto('message_templates')
    .values({ ...t, account_id: accountId, created_at: now, updated_at: now })
    .onConflict((oc) =>
      oc.columns(['account_id', 'name', 'channel', 'language']).doUpdateSet({
        trigger: t.trigger,
        subject: t.subject,
        body: t.body,
        valid_for_ms: t.valid_for_ms,
        updated_at: now,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  await messagingChanged(db, accountId);
  return describeTemplate(row);
}

export async function listTemplates(db: Db, accountId: number, filter: { name?: string } = {}): Promise<TemplateView[]> {
  let query = db.selectFrom('message_templates').selectAll().where('account_id', '=', accountId);
  if (filter.name) query = query.where('name', '=', filter.name);
  const rows = await query.orderBy('name').orderBy('channel').orderBy('language').execute();
  return rows.map(describeTemplate);
}

export async function deleteTemplate(db: Db, accountId: number, id: number): Promise<void> {
  const result = await db.deleteFrom('message_templates').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (Number(result.numDeletedRows) !== 1) throw notFound(`template ${id}`);
  await messagingChanged(db, accountId);
}

/** The template of the first language of `languages` that has one, or undefined. */
export async function pickTemplate(
  db: Db,
  accountId: number,
  name: string,
  channel: Channel,
  languages: readonly string[],
): Promise<MessageTemplate | undefined> {
  const rows = await db
    .selectFrom('message_templates')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('name', '=', name)
    .where('channel', '=', channel)
    .where('language', 'in', [...languages])
    .execute();
  for (const language of languages) {
    const row = rows.find((r) => r.language === language);
    if (row) return row;
  }
  return undefined;
}
