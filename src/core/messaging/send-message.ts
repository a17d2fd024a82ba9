import type { Db } from '../../db/database.js';
import type { Message } from '../../db/schema.js';
import { inWriteTransaction } from '../../db/write-transaction.js';
import { RetryAt } from '../jobs/job-lease.js';
import type { JobHandler } from '../jobs/job-worker.js';
import { DEFAULT_SCHEDULE, nextAttemptAt, type RetrySchedule } from '../outbox/retry-schedule.js';
import { parseJson } from '../shared/json.js';
import type { Channel } from './channels.js';
import { renderEmail, unsubscribeUrl, type RenderedEmail } from './render-email.js';
import { isPermanentRefusal, type Mailer } from './mailer.js';
import { findMessage, suppressionStops, updateMessage } from './messages.js';
import { suppressAddress, suppressionOf } from './suppressions.js';
import { pickTemplate } from './templates.js';

/*
 * One attempt to send one message, run by the job worker after the transaction that queued it
 * committed (never inside a transaction: the SMTP conversation happens, then its outcome is
 * written in a write transaction of its own). A message past its validity is expired, not sent
 * late; a 5xx refusal fails it and suppresses the address; anything else (the server is down, a
 * 4xx) is tried again on the outbox's retry schedule.
 */

export interface MessageSenderDeps {
  mailer: Mailer;
  /** MAIL_FROM */
  from: string;
  /** PUBLIC_URL: where the unsubscribe page is */
  publicUrl: string;
  schedule?: RetrySchedule;
}

export type SendOutcome = { outcome: 'sent' | 'failed' | 'expired' | 'skipped' } | { outcome: 'retry'; at: number; error: string };

/** The subject, HTML and text of a message as it goes out; throws on a render error. */
export async function renderMessage(db: Db, message: Message, publicUrl: string): Promise<RenderedEmail> {
  const template = await pickTemplate(db, message.account_id, message.template, message.channel as Channel, [message.language]);
  if (!template) throw new Error(`the ${message.channel} template "${message.template}" (${message.language}) was deleted`);
  return renderEmail(template, parseJson<Record<string, unknown>>(message.variables, {}), unsubscribeUrl(publicUrl, message.unsubscribe_token));
}

const messageIdOf = (m: Message, publicUrl: string) => `<message-${m.id}.${m.unsubscribe_token.slice(0, 8)}@${new URL(publicUrl).hostname}>`;

export async function attemptMessage(db: Db, deps: MessageSenderDeps, accountId: number, messageId: number, now = Date.now()): Promise<SendOutcome> {
  const message = await findMessage(db, accountId, messageId);
  if (message?.status !== 'queued') return { outcome: 'skipped' };
  const end = (set: Parameters<typeof updateMessage>[2]) => inWriteTransaction(db, (trx) => updateMessage(trx, message, set, Date.now()));
  // Claimed before its time (a clock ahead on another instance): back to the queue until then.
  if (now < Number(message.due_at)) return { outcome: 'retry', at: Number(message.due_at), error: 'not due yet' };
  if (now > Number(message.expires_at)) {
    await end({ status: 'expired', last_error: 'it could not leave within the validity of its template' });
    return { outcome: 'expired' };
  }
  const suppressed = await suppressionOf(db, accountId, message.channel as Channel, message.recipient);
  if (suppressed && suppressionStops(suppressed, message.transactional === 1)) {
    await end({ status: 'failed', last_error: `the address is suppressed (${suppressed})` });
    return { outcome: 'failed' };
  }
  let rendered: RenderedEmail;
  try {
    rendered = await renderMessage(db, message, deps.publicUrl);
  } catch (err) {
    await end({ status: 'failed', last_error: `could not render: ${(err as Error).message}`.slice(0, 1000) });
    return { outcome: 'failed' };
  }
  const content = { subject: rendered.subject, body_html: rendered.html, body_text: rendered.text };
  try {
    await deps.mailer.send({ from: deps.from, to: message.recipient, messageId: messageIdOf(message, deps.publicUrl), ...rendered });
  } catch (err) {
    const error = `${(err as Error).message ?? String(err)}`.slice(0, 1000);
    if (isPermanentRefusal(err)) {
      await inWriteTransaction(db, async (trx) => {
        await updateMessage(trx, message, { ...content, status: 'failed', last_error: error, attempted: true });
        await suppressAddress(trx, accountId, message.channel as Channel, message.recipient, 'refused');
      });
      return { outcome: 'failed' };
    }
    const next = nextAttemptAt(message.attempts + 1, Number(message.created_at), Date.now(), deps.schedule ?? DEFAULT_SCHEDULE);
    if (next === null || next > Number(message.expires_at)) {
      await end({ status: 'expired', last_error: `${error} (and its validity ends before the next attempt)`, attempted: true });
      return { outcome: 'expired' };
    }
    await end({ last_error: error, attempted: true });
    return { outcome: 'retry', at: next, error };
  }
  await end({ ...content, status: 'sent', sent_at: Date.now(), last_error: null, attempted: true });
  return { outcome: 'sent' };
}

/** The job handler of MESSAGE_JOB_KIND (registered only when SMTP_URL is set: else messages wait, queued). */
export function messageJobHandler(deps: MessageSenderDeps): JobHandler<{ messageId: number }> {
  return {
    async run({ job, payload, db }) {
      const result = await attemptMessage(db, deps, job.account_id, payload.messageId);
      if (result.outcome === 'retry') throw new RetryAt(result.at, `message ${payload.messageId}: ${result.error}`);
    },
  };
}
