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
import { accountSender, envelopeAddress } from './sender.js';

/*
 * One attempt to send one message, run by the job worker after the transaction that queued it
 * committed (never inside a transaction: the SMTP conversation or the provider's HTTP call
 * happens, then its outcome is written in a write transaction of its own). A message past its
 * validity is expired, not sent late; a permanent refusal of the address (an SMTP 5xx, a number
 * the SMS provider refuses) fails it and suppresses the address; anything else (the server is
 * down, a 4xx SMTP reply) is tried again on the outbox's retry schedule. The channel's part (how
 * to render, how to send, what a failure means) is a MessageTransport.
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

/** The columns a rendered message keeps (what was sent). */
export interface RenderedContent {
  subject: string | null;
  body_html: string | null;
  body_text: string;
}

/** What the channel does: render a message, send it, and tell what a failure means. */
export interface MessageTransport {
  render(db: Db, message: Message): Promise<RenderedContent>;
  /** Sends; resolves with the provider's id and first delivery state when it gives them. */
  send(message: Message, content: RenderedContent, db: Db): Promise<{ providerId?: string; deliveryStatus?: string | null } | undefined>;
  /** `address`: refused for good (suppress it), `message`: this message cannot go, `retry`: try again later */
  classify(err: unknown): 'address' | 'message' | 'retry';
  schedule?: RetrySchedule;
}

/** The subject, HTML and text of a message as it goes out; throws on a render error. */
export async function renderMessage(db: Db, message: Message, publicUrl: string): Promise<RenderedEmail> {
  const template = await pickTemplate(db, message.account_id, message.template, message.channel as Channel, [message.language]);
  if (!template) throw new Error(`the ${message.channel} template "${message.template}" (${message.language}) was deleted`);
  return renderEmail(template, parseJson<Record<string, unknown>>(message.variables, {}), unsubscribeUrl(publicUrl, message.unsubscribe_token));
}

// the token's last characters are random (its first are a time: messages.ts unsubscribeToken)
const messageIdOf = (m: Message, publicUrl: string) => `<message-${m.id}.${m.unsubscribe_token.slice(-8)}@${new URL(publicUrl).hostname}>`;

/** The e-mail channel over `deps.mailer`. */
export function emailTransport(deps: MessageSenderDeps): MessageTransport {
  return {
    async render(db, message) {
      const r = await renderMessage(db, message, deps.publicUrl);
      return { subject: r.subject, body_html: r.html, body_text: r.text };
    },
    async send(message, content, db) {
      const sender = await accountSender(db, message.account_id);
      await deps.mailer.send({
        from: sender.from ?? deps.from,
        ...(sender.replyTo ? { replyTo: sender.replyTo } : {}),
        ...(sender.from ? { envelopeFrom: envelopeAddress(deps.from) } : {}),
        to: message.recipient,
        messageId: messageIdOf(message, deps.publicUrl),
        subject: content.subject ?? '',
        html: content.body_html ?? '',
        text: content.body_text,
        unsubscribeUrl: unsubscribeUrl(deps.publicUrl, message.unsubscribe_token),
      });
      return undefined;
    },
    classify: (err) => (isPermanentRefusal(err) ? 'address' : 'retry'),
    schedule: deps.schedule,
  };
}

/** One attempt at an e-mail (see attemptWith). */
export async function attemptMessage(db: Db, deps: MessageSenderDeps, accountId: number, messageId: number, now = Date.now()): Promise<SendOutcome> {
  return attemptWith(db, emailTransport(deps), accountId, messageId, now);
}

/** One attempt to send message `messageId` through `transport`, its outcome recorded on the message. */
export async function attemptWith(db: Db, transport: MessageTransport, accountId: number, messageId: number, now = Date.now()): Promise<SendOutcome> {
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
  let content: RenderedContent;
  try {
    content = await transport.render(db, message);
  } catch (err) {
    await end({ status: 'failed', last_error: `could not render: ${(err as Error).message}`.slice(0, 1000) });
    return { outcome: 'failed' };
  }
  let receipt: Awaited<ReturnType<MessageTransport['send']>>;
  try {
    receipt = await transport.send(message, content, db);
  } catch (err) {
    const error = `${(err as Error).message ?? String(err)}`.slice(0, 1000);
    const meaning = transport.classify(err);
    if (meaning !== 'retry') {
      await inWriteTransaction(db, async (trx) => {
        await updateMessage(trx, message, { ...content, status: 'failed', last_error: error, attempted: true });
        if (meaning === 'address') await suppressAddress(trx, accountId, message.channel as Channel, message.recipient, 'refused');
      });
      return { outcome: 'failed' };
    }
    const next = nextAttemptAt(message.attempts + 1, Number(message.created_at), Date.now(), transport.schedule ?? DEFAULT_SCHEDULE);
    if (next === null || next > Number(message.expires_at)) {
      await end({ status: 'expired', last_error: `${error} (and its validity ends before the next attempt)`, attempted: true });
      return { outcome: 'expired' };
    }
    await end({ last_error: error, attempted: true });
    return { outcome: 'retry', at: next, error };
  }
  const sentAt = Date.now();
  const delivery = receipt?.providerId ? { provider_id: receipt.providerId, delivery_status: receipt.deliveryStatus ?? null, delivery_updated_at: sentAt } : {};
  await end({ ...content, ...delivery, status: 'sent', sent_at: sentAt, last_error: null, attempted: true });
  return { outcome: 'sent' };
}

/** The job handler of a message job kind: one attempt through `transport`, a retry thrown as RetryAt. */
export function transportJobHandler(transport: MessageTransport): JobHandler<{ messageId: number }> {
  return {
    async run({ job, payload, db }) {
      const result = await attemptWith(db, transport, job.account_id, payload.messageId);
      if (result.outcome === 'retry') throw new RetryAt(result.at, `message ${payload.messageId}: ${result.error}`);
    },
  };
}

/** The job handler of MESSAGE_JOB_KIND (registered only when SMTP_URL is set: else messages wait, queued). */
export function messageJobHandler(deps: MessageSenderDeps): JobHandler<{ messageId: number }> {
  return transportJobHandler(emailTransport(deps));
}
