import type { Config } from '../config/config.js';
import type { JobHandlers } from '../core/jobs/job-worker.js';
import { deliveryJobHandler } from '../core/outbound/deliver.js';
import type { OutboundClient } from '../core/outbound/http-client.js';
import { DELIVERY_JOB_KIND } from '../core/outbox/deliveries.js';
import type { RetrySchedule } from '../core/outbox/retry-schedule.js';
import type { SecretBox } from '../core/shared/secret-box.js';
import { IMPORT_JOB_KIND, importJobHandler } from '../api/imports/import-job.js';
import { presentEventData } from '../api/admin/event-payloads.js';
import { EXPIRY_JOB_KIND, expiryJobHandler } from '../core/loyalty/expiry-job.js';
import { LOYALTY_POINTS_JOB_KIND } from '../core/journeys/rule-engine.js';
import { rulePointsJobHandler } from '../core/loyalty/rule-points-job.js';
import { createMailer, type Mailer } from '../core/messaging/mailer.js';
import { MESSAGE_JOB_KIND, SMS_JOB_KIND } from '../core/messaging/messages.js';
import { messageJobHandler } from '../core/messaging/send-message.js';
import { smsJobHandler } from '../core/messaging/send-sms.js';
import { alertJobHandler } from '../core/inbox/escalation.js';
import { ALERT_JOB_KIND } from '../core/inbox/threads.js';
import { createTwilioSender, type SmsSender } from '../core/messaging/twilio.js';
import { CHAT_MESSAGE_JOB_KIND, chatMessageJobHandler } from '../core/chat/rule-chat-messages.js';
import { RULE_REQUEST_JOB_KIND, ruleRequestJobHandler } from '../core/requests/rule-request.js';

export interface JobHandlerDeps {
  config: Config;
  secrets: SecretBox;
  /** the outbound HTTP client every delivery goes through (createOutboundClient) */
  outbound: OutboundClient;
  /** the outbox's retry schedule; tests shorten it */
  retrySchedule?: RetrySchedule;
  /** the SMTP mailer of guest e-mails (serve.ts: pooled, closed at shutdown); default one connection per e-mail over SMTP_URL */
  mailer?: Mailer;
  /** the SMS sender of guest SMS (serve.ts: closed at shutdown); default a Twilio sender over the TWILIO_* settings */
  sms?: SmsSender;
}

/**
 * Every kind of background job this build runs, by kind: the registry the worker loop claims
 * for. Imports, rules' loyalty points and requests, and with `deps` rules' chat messages, the
 * outbox's deliveries (webhooks and stay callbacks) and, when
 * SMTP_URL is set, guest e-mails, and when the Twilio settings are, guest SMS (without them their
 * jobs stay queued for a worker that has them).
 */
export function jobHandlers(deps?: JobHandlerDeps): JobHandlers {
  if (!deps)
    return {
      [IMPORT_JOB_KIND]: importJobHandler,
      [EXPIRY_JOB_KIND]: expiryJobHandler,
      [LOYALTY_POINTS_JOB_KIND]: rulePointsJobHandler,
      [RULE_REQUEST_JOB_KIND]: ruleRequestJobHandler,
    };
  const { config } = deps;
  return {
    [IMPORT_JOB_KIND]: importJobHandler,
    [EXPIRY_JOB_KIND]: expiryJobHandler,
    [LOYALTY_POINTS_JOB_KIND]: rulePointsJobHandler,
    [ALERT_JOB_KIND]: alertJobHandler({ publicUrl: config.publicUrl }),
    [RULE_REQUEST_JOB_KIND]: ruleRequestJobHandler,
    [CHAT_MESSAGE_JOB_KIND]: chatMessageJobHandler({ publicUrl: config.publicUrl, schedule: deps.retrySchedule }),
    [DELIVERY_JOB_KIND]: deliveryJobHandler({ secrets: deps.secrets, client: deps.outbound, presentData: presentEventData, schedule: deps.retrySchedule }),
    ...(config.smtpUrl
      ? {
          [MESSAGE_JOB_KIND]: messageJobHandler({
            mailer: deps.mailer ?? createMailer(config.smtpUrl),
            from: config.mailFrom,
            publicUrl: config.publicUrl,
            schedule: deps.retrySchedule,
          }),
        }
      : {}),
    ...(config.twilio
      ? {
          [SMS_JOB_KIND]: smsJobHandler({
            sender: deps.sms ?? createTwilioSender(config.twilio),
            publicUrl: config.publicUrl,
            schedule: deps.retrySchedule,
          }),
        }
      : {}),
  };
}
