import type { Db } from '../../db/database.js';
import { inWriteTransaction } from '../../db/write-transaction.js';
import { escalationRecipients } from '../accounts/employees.js';
import { findGuestsByIds } from '../guests/guests.js';
import type { JobHandler } from '../jobs/job-worker.js';
import { createJob } from '../jobs/jobs.js';
import { findLocation } from '../locations/locations.js';
import { queueMessages, type NewMessage } from '../messaging/messages.js';
import { parseJson, pickText } from '../shared/json.js';
import { INBOX_ALERT_TEMPLATE, seedInboxTemplates } from './default-templates.js';
import { getInboxSettings } from './settings.js';
import { ALERT_JOB_KIND, type AlertJobPayload, claimAlertStep, findThread } from './threads.js';

/*
 * Alerts of a guest left unanswered. threads.ts schedules step 1 when a guest starts waiting; this
 * job, when due, checks the guest still waits since the same moment and that the step was not sent
 * (claimAlertStep: at most once, even if the job runs twice), then queues one transactional e-mail
 * (else SMS) per recipient through the messaging module in the same transaction, and schedules
 * step 2 (the managers) at `escalateMinutes` after the guest's message.
 */

export interface AlertDeps {
  /** the console's base URL, for the link in the alert */
  publicUrl: string;
}

/** Queues the alert of `payload` if it is still due; returns how many messages were queued. */
export async function runAlert(db: Db, deps: AlertDeps, accountId: number, payload: AlertJobPayload, now = Date.now()): Promise<number> {
  return inWriteTransaction(db, async (trx) => {
    const thread = await findThread(trx, accountId, payload.kind, payload.id);
    if (!thread || Number(thread.awaiting_since) !== payload.since) return 0;
    if (!(await claimAlertStep(trx, accountId, payload, now))) return 0;
    const settings = await getInboxSettings(trx, accountId);
    if (payload.step === 1) {
      const next: AlertJobPayload = { ...payload, step: 2 };
      await createJob(trx, accountId, { kind: ALERT_JOB_KIND, payload: next, runAt: payload.since + settings.escalateMinutes * 60_000, maxAttempts: 10 }, now);
    }
    const level = payload.step === 1 ? 'staff' : 'manager';
    const recipients = await escalationRecipients(trx, accountId, { locationId: thread.location_id, assigneeId: thread.assignee_id, level });
    if (recipients.length === 0) return 0;
    await seedInboxTemplates(trx, accountId, now);
    const location = await findLocation(trx, accountId, thread.location_id);
    const [guest] = thread.guest_id === null ? [] : await findGuestsByIds(trx, accountId, [thread.guest_id]);
    const guestName = guest ? (guest.name ?? ([guest.first_name, guest.last_name].filter(Boolean).join(' ') || null)) : null;
    const path = payload.kind === 'request' ? `/inbox/requests/${payload.id}` : `/inbox/chats/${payload.id}`;
    const messages: NewMessage[] = recipients.flatMap((employee) => {
      const channel = employee.email ? ('email' as const) : employee.sms ? ('sms' as const) : undefined;
      if (!channel) return [];
      return [
        {
          // messages name a guest: the one waiting (0 for an anonymous request, which has none)
          guestId: thread.guest_id ?? 0,
          stayId: null,
          ruleId: null,
          template: INBOX_ALERT_TEMPLATE,
          channel,
          languages: ['en'],
          recipient: channel === 'email' ? employee.email! : employee.sms!,
          transactional: true,
          variables: {
            alert: {
              level: payload.step === 1 ? 'unanswered' : 'escalated',
              kind: payload.kind,
              minutes: Math.round((now - payload.since) / 60_000),
              url: `${deps.publicUrl.replace(/\/+$/, '')}${path}`,
              guestName,
              locationName: location ? pickText(parseJson(location.title, {})) : null,
            },
            recipient: { name: employee.name ?? employee.username },
          },
        },
      ];
    });
    const outcomes = await queueMessages(trx, accountId, messages, now);
    return outcomes.filter((o) => o.queued).length;
  });
}

/** The job of the inbox alerts (registered in server/job-handlers.ts). */
export function alertJobHandler(deps: AlertDeps): JobHandler<AlertJobPayload> {
  return {
    async run({ db, job, payload }) {
      await runAlert(db, deps, job.account_id, payload);
    },
  };
}
