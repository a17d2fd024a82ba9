import type { JobHandler } from '../jobs/job-worker.js';
import type { RetrySchedule } from '../outbox/retry-schedule.js';
import { parseJson } from '../shared/json.js';
import { renderTemplate } from './liquid.js';
import { absoluteLinks, unsubscribeUrl } from './render-email.js';
import { attemptWith, transportJobHandler, type MessageTransport, type SendOutcome } from './send-message.js';
import { pickTemplate } from './templates.js';
import { classifySmsFailure, type SmsSender } from './twilio.js';
import type { Db } from '../../db/database.js';

/*
 * The SMS channel: a plain-text template rendered (no HTML escaping, whitespace runs kept as the
 * author wrote them, trimmed at the ends) and sent through the SMS provider with a status callback
 * to PUBLIC_URL/hooks/twilio/status. Retries follow the same schedule as e-mail; a number the
 * provider refuses for good is suppressed for SMS.
 */

export interface SmsSenderDeps {
  sender: SmsSender;
  /** PUBLIC_URL: the status callback and the unsubscribe link a template may use */
  publicUrl: string;
  schedule?: RetrySchedule;
}

export const statusCallbackUrl = (publicUrl: string) => `${publicUrl.replace(/\/+$/, '')}/hooks/twilio/status`;

export function smsTransport(deps: SmsSenderDeps): MessageTransport {
  return {
    async render(db, message) {
      const template = await pickTemplate(db, message.account_id, message.template, 'sms', [message.language]);
      if (!template) throw new Error(`the sms template "${message.template}" (${message.language}) was deleted`);
      const variables = parseJson<Record<string, unknown>>(message.variables, {});
      const link = unsubscribeUrl(deps.publicUrl, message.unsubscribe_token);
      const context = { ...variables, links: { ...absoluteLinks(variables.links, link), unsubscribe: link } };
      const text = (await renderTemplate(template.body, context)).trim();
      if (!text) throw new Error('the SMS text is empty');
      return { subject: null, body_html: null, body_text: text };
    },
    async send(message, content) {
      const { providerId, status } = await deps.sender.send({
        to: message.recipient,
        body: content.body_text,
        statusCallback: statusCallbackUrl(deps.publicUrl),
      });
      return { providerId, deliveryStatus: status };
    },
    classify: (err) => {
      const meaning = classifySmsFailure(err);
      return meaning === 'number' ? 'address' : meaning;
    },
    schedule: deps.schedule,
  };
}

/** One attempt at an SMS. */
export function attemptSms(db: Db, deps: SmsSenderDeps, accountId: number, messageId: number, now = Date.now()): Promise<SendOutcome> {
  return attemptWith(db, smsTransport(deps), accountId, messageId, now);
}

/** The job handler of SMS_JOB_KIND (registered only with the Twilio settings: else SMS wait, queued). */
export function smsJobHandler(deps: SmsSenderDeps): JobHandler<{ messageId: number }> {
  return transportJobHandler(smsTransport(deps));
}
