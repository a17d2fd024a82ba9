import { heldEmailReason } from '../outbox/example-hosts.js';
import { randomBytes } from '../shared/random-bytes.js';
import type { Db } from '../../db/database.js';
import type { Insertable } from 'kysely';
import type { Message, MessagesTable } from '../../db/schema.js';
import { createJobs, insertRowsWithJobs } from '../jobs/jobs.js';
import { insertRows, pgInsertRowsSql } from '../../db/insert-rows.js';
import { isPostgres } from '../../db/database.js';
import { notFound } from '../shared/errors.js';
import type { Channel } from './channels.js';
import { accountMessaging, templateKey } from './account-cache.js';
import { addressKey } from './suppressions.js';

/*
 * The outbox of guest messages. A message is written in the transaction of the event that caused
 * it (rolled back with it), with the variables that event provided and the template language
 * chosen then; a job of MESSAGE_JOB_KIND renders and sends it once the transaction has committed
 * (send-message.ts), retried on the outbox's schedule until it leaves or its validity ends.
 */

export const MESSAGE_JOB_KIND = 'messaging.send';
/** SMS have a job kind of their own: a worker without the Twilio settings leaves them queued (and e-mail goes on). */
export const SMS_JOB_KIND = 'messaging.send_sms';
/** Chat messages are posted by core/chat (rule-chat-messages.ts), which messaging may not import: the kind is named here. */
export const CHAT_JOB_KIND = 'messaging.send_chat';
/** The send job's kind by channel (e-mail: MESSAGE_JOB_KIND); also written as SQL for PostgreSQL's one-statement insert. */
const JOB_KIND_OF_CHANNEL: Readonly<Record<string, string>> = { sms: SMS_JOB_KIND, chat: CHAT_JOB_KIND };
const jobKindOf = (channel: string) => JOB_KIND_OF_CHANNEL[channel] ?? MESSAGE_JOB_KIND;
const JOB_KIND_SQL = `case ${Object.entries(JOB_KIND_OF_CHANNEL)
  .map(([channel, kind]) => `when channel = '${channel}' then '${kind}'`)
  .join(' ')} else '${MESSAGE_JOB_KIND}' end`;
/** Retries end with the message's validity (send-message.ts), not with a count of attempts. */
const MESSAGE_MAX_ATTEMPTS = 1_000_000;

export type MessageStatus = 'queued' | 'sent' | 'failed' | 'expired' | 'cancelled' | 'held';
export const MESSAGE_STATUSES: readonly MessageStatus[] = ['queued', 'sent', 'failed', 'expired', 'cancelled', 'held'];

export interface NewMessage {
  guestId: number;
  stayId: number | null;
  ruleId: number | null;
  template: string;
  channel: Channel;
  /** the languages to look for, best first (channels.ts languageChain) */
  languages: readonly string[];
  recipient: string;
  variables: Record<string, unknown>;
  /** when it may leave (default now); its validity counts from then */
  dueAt?: number;
  /**
   * A message the guest asked for (a password reset, an account activation): an unsubscribe from
   * marketing e-mails does not stop it; an address refused for good or suppressed by staff does.
   */
  transactional?: boolean;
}

/** Whether a suppression of the address stops this message (an unsubscribe does not stop a transactional one). */
export const suppressionStops = (reason: string, transactional: boolean) => !(transactional && reason === 'unsubscribed');

/** The columns queueMessages writes, with their SQL types (db/insert-rows.ts). */
const MESSAGE_COLUMNS = {
  account_id: 'integer',
  guest_id: 'integer',
  stay_id: 'integer',
  rule_id: 'integer',
  template: 'text',
  channel: 'text',
  language: 'text',
  recipient: 'text',
  variables: 'text',
  status: 'text',
  last_error: 'text',
  due_at: 'bigint',
  attempts: 'integer',
  unsubscribe_token: 'text',
  expires_at: 'bigint',
  transactional: 'integer',
  created_at: 'bigint',
  updated_at: 'bigint',
} as const;

export type QueueOutcome = { queued: true; messageId: number; language: string } | { queued: false; reason: string };

/**
 * Queues messages in `trx` (the actions of the rules one event fired): one statement for the
 * suppressed addresses, one for the messages and one for their jobs, whatever their number; the
 * templates come from the account's cache. A suppressed address or a template in none of the
 * languages queues nothing for that input, and says why. Outcomes are in the order of `inputs`.
 */
export async function queueMessages(trx: Db, accountId: number, inputs: readonly NewMessage[], now = Date.now()): Promise<QueueOutcome[]> {
  if (inputs.length === 0) return [];
  const { templates, hasSuppressions } = await accountMessaging(trx, accountId, now);
  // An account that never suppressed an address (the cache knows) pays no query for it; the send
  // checks again anyway (send-message.ts), so a suppression another instance just made still holds.
  const suppressed = hasSuppressions
    ? await trx
        .selectFrom('message_suppressions')
        .select(['channel', 'address', 'reason'])
        .where('account_id', '=', accountId)
        .where('address', 'in', [...new Set(inputs.map((i) => addressKey(i.recipient)))])
        .execute()
    : [];
  const outcomes: QueueOutcome[] = [];
  const rows: Insertable<MessagesTable>[] = [];
  const slots: number[] = [];
  for (const input of inputs) {
    const refusal = suppressed.find(
      (s) => s.channel === input.channel && s.address === addressKey(input.recipient) && suppressionStops(s.reason, input.transactional === true),
    );
    const language = input.languages.find((l) => templates.has(templateKey(input.template, input.channel, l)));
    const held = input.channel === 'email' ? await heldEmailReason(trx, accountId, input.recipient) : undefined;
    if (refusal) outcomes.push({ queued: false, reason: `the ${input.channel} address is suppressed (${refusal.reason})` });
    else if (!language) outcomes.push({ queued: false, reason: `no ${input.channel} template "${input.template}" in ${input.languages.join(', ')}` });
    else {
      const template = templates.get(templateKey(input.template, input.channel, language))!;
      const due = Math.max(input.dueAt ?? now, now);
      slots.push(outcomes.length);
      outcomes.push({ queued: false, reason: 'pending' });
      rows.push({
        account_id: accountId,
        guest_id: input.guestId,
        stay_id: input.stayId,
        rule_id: input.ruleId,
        template: input.template,
        channel: input.channel,
        language,
        recipient: input.recipient,
        variables: JSON.stringify(input.variables),
        status: held ? 'held' : 'queued',
        last_error: held ?? null,
        due_at: due,
        attempts: 0,
        unsubscribe_token: unsubscribeToken(now),
        expires_at: due + Number(template.valid_for_ms),
        transactional: input.transactional ? 1 : 0,
        created_at: now,
        updated_at: now,
      });
    }
  }
  if (rows.length === 0) return outcomes;
  // The ids count up with the rows (db/insert-rows.ts): the i-th id is the i-th row's.
  const ids = await insertMessagesAndJobs(trx, accountId, rows, now);
  for (const [i, row] of rows.entries()) {
    // A held message (the demo's, to the documents' example domains) is kept and shown, never sent: no job.
    outcomes[slots[i]] =
      row.status === 'held' ? { queued: false, reason: row.last_error ?? 'held' } : { queued: true, messageId: ids[i], language: row.language };
  }
  if (rows.some((r) => r.due_at <= now)) nudgeSoon();
  return outcomes;
}

/**
 * Inserts the messages and a send job for each one not held; returns their ids in the order of
 * `rows`. On PostgreSQL one statement (one round trip in the event's transaction); on SQLite,
 * where a statement costs no round trip, the two inserts.
 */
async function insertMessagesAndJobs(trx: Db, accountId: number, rows: readonly Insertable<MessagesTable>[], now: number): Promise<number[]> {
  if (isPostgres(trx)) {
    const jobKind = `case when status = 'held' then null else ${JOB_KIND_SQL} end`;
    const insert = pgInsertRowsSql({ table: 'messages', columns: MESSAGE_COLUMNS, rows }, `id, ${jobKind} as job_kind, due_at`);
    return insertRowsWithJobs(trx, accountId, insert, 'messageId', MESSAGE_MAX_ATTEMPTS, now);
  }
  const ids = await insertRows(trx, { table: 'messages', columns: MESSAGE_COLUMNS, rows }, { returningIds: true });
  const jobs = rows.flatMap((row, i) =>
    row.status === 'held'
      ? []
      : [{ kind: jobKindOf(row.channel!), payload: { messageId: ids[i] }, maxAttempts: MESSAGE_MAX_ATTEMPTS, runAt: Number(row.due_at) }],
  );
  if (jobs.length > 0) await createJobs(trx, accountId, jobs, now);
  return ids;
}

/**
 * A message's unsubscribe token: the time in base 36 (9 characters, so the text sorts as the time
 * does) then 18 random bytes. The random part makes it unguessable; the prefix makes each new token
 * sort after the last, so its unique index grows at its right edge like an id instead of writing
 * a random page of the index on every insert.
 */
export function unsubscribeToken(now: number): string {
  return `${Math.max(0, Math.floor(now)).toString(36).padStart(9, '0')}${randomBytes(18).toString('base64url')}`;
}

/** Queues one message (see queueMessages). */
export async function queueMessage(trx: Db, accountId: number, input: NewMessage, now = Date.now()): Promise<QueueOutcome> {
  const [outcome] = await queueMessages(trx, accountId, [input], now);
  return outcome;
}

/** The message a rule queued for a stay (or, without one, the guest's latest of the rule). */
export async function messageOfRule(db: Db, accountId: number, ruleId: number, by: { stayId: number | null; guestId: number }): Promise<number | null> {
  let query = db.selectFrom('messages').select('id').where('account_id', '=', accountId).where('rule_id', '=', ruleId);
  query = by.stayId === null ? query.where('guest_id', '=', by.guestId) : query.where('stay_id', '=', by.stayId);
  const row = await query.orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? Number(row.id) : null;
}

/*
 * Waking this process's worker when a message was queued, so it leaves at once rather than at the
 * next poll (the same scheme as the outbox's deliveries: an early wake costs one empty claim,
 * never a message sent before its commit).
 */
let listener: (() => void) | undefined;
let nudging = false;

/** Registers the process's worker wake-up (serve.ts); undefined removes it. */
export function onMessageQueued(wake: (() => void) | undefined): void {
  listener = wake;
}

function nudgeSoon(): void {
  if (!listener || nudging) return;
  nudging = true;
  setImmediate(() => {
    nudging = false;
    listener?.();
    setTimeout(() => listener?.(), 25).unref();
  });
}

export async function findMessage(db: Db, accountId: number, id: number): Promise<Message | undefined> {
  return db.selectFrom('messages').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function getMessage(db: Db, accountId: number, id: number): Promise<Message> {
  const row = await findMessage(db, accountId, id);
  if (!row) throw notFound(`message ${id}`);
  return row;
}

/** The account's messages, newest first, optionally of one status or guest; `before` pages by id. */
export async function listMessages(
  db: Db,
  accountId: number,
  opts: { status?: MessageStatus; guestId?: number; limit?: number; before?: number } = {},
): Promise<Message[]> {
  let query = db.selectFrom('messages').selectAll().where('account_id', '=', accountId);
  if (opts.status) query = query.where('status', '=', opts.status);
  if (opts.guestId !== undefined) query = query.where('guest_id', '=', opts.guestId);
  if (opts.before !== undefined) query = query.where('id', '<', opts.before);
  return query
    .orderBy('id', 'desc')
    .limit(opts.limit ?? 50)
    .execute();
}

/** Records the end of a message (or one more failed attempt while it stays queued). */
export async function updateMessage(
  db: Db,
  message: Pick<Message, 'account_id' | 'id'>,
  set: Partial<Pick<Message, 'status' | 'last_error' | 'subject' | 'body_html' | 'body_text' | 'sent_at'>> & {
    attempted?: boolean;
    provider_id?: string | null;
    delivery_status?: string | null;
    delivery_updated_at?: number | null;
  },
  now = Date.now(),
): Promise<void> {
  const { attempted, ...columns } = set;
  await db
    .updateTable('messages')
    .set((eb) => ({ ...columns, updated_at: now, ...(attempted ? { attempts: eb('attempts', '+', 1) } : {}) }))
    .where('account_id', '=', message.account_id)
    .where('id', '=', message.id)
    .where('status', '=', 'queued')
    .execute();
}

/**
 * Cancels the messages of a rule that are still waiting for their time (a delay, a local time,
 * quiet hours) when the rule is disabled: each says so. Returns how many.
 */
export async function cancelDelayedMessages(db: Db, accountId: number, ruleId: number, reason: string, now = Date.now()): Promise<number> {
  const result = await db
    .updateTable('messages')
    .set({ status: 'cancelled', last_error: reason, updated_at: now })
    .where('account_id', '=', accountId)
    .where('rule_id', '=', ruleId)
    .where('status', '=', 'queued')
    .where('due_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The message an unsubscribe link names (its token), in any account. */
export async function findMessageByToken(db: Db, token: string): Promise<Message | undefined> {
  if (!/^[A-Za-z0-9_-]{10,64}$/.test(token)) return undefined;
  return db.selectFrom('messages').selectAll().where('unsubscribe_token', '=', token).executeTakeFirst();
}
