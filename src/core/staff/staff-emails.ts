import type { Db } from '../../db/database.js';
import { getAccount } from '../accounts/accounts.js';
import type { StaffMember } from '../accounts/staff.js';
import { issueStaffToken, resetPasswordPath, signInLinkPath, STAFF_LINK_VALID_MS, STAFF_RESET_VALID_MS } from '../accounts/staff-tokens.js';
import { queueMessage, type QueueOutcome } from '../messaging/messages.js';
import { listTemplates, saveTemplate } from '../messaging/templates.js';
import { STAFF_EMAIL_TRIGGER } from '../shared/trigger-variables.js';

/*
 * The staff e-mails: an invitation (a one-time sign-in link) and a password reset. They are
 * transactional messages of the messaging module like the loyalty ones (queued in the transaction
 * that asks for them, sent after commit by the message job; without SMTP they stay queued and
 * visible in GET /admin/v1/messages). They go to a staff member, not a guest: their guest id is 0.
 * The account's templates `staff-invitation` and `staff-password-reset` (English) are created the
 * first time they are needed and can then be edited like any template.
 */

export type StaffEmailKind = 'invitation' | 'password_reset';

export const STAFF_TEMPLATE_OF: Record<StaffEmailKind, string> = {
  invitation: 'staff-invitation',
  password_reset: 'staff-password-reset',
};

const TEXTS: Record<StaffEmailKind, { subject: string; body: string }> = {
  invitation: {
    subject: 'You are invited to the {{ account.name }} console',
    body:
      '<p>Hello {{ staff.name | default: staff.email }},</p><p>you have been given access to the Openstay console of {{ account.name }} as {{ staff.role }}. ' +
      'Open this link to sign in (it works once, within {{ email.validForMinutes | divided_by: 1440 }} days), then choose your password:</p>' +
      '<p><a href="{{ links.signIn }}">{{ links.signIn }}</a></p>',
  },
  password_reset: {
    subject: 'Reset your console password',
    body:
      '<p>To choose a new password for {{ staff.email }}, open this link within {{ email.validForMinutes }} minutes:</p>' +
      '<p><a href="{{ links.reset }}">{{ links.reset }}</a></p><p>If you did not ask for it, ignore this e-mail.</p>',
  },
};

/** Creates the staff templates the account does not have yet (call before the transaction that sends). */
export async function ensureStaffTemplates(db: Db, accountId: number, now = Date.now()): Promise<void> {
  for (const kind of Object.keys(TEXTS) as StaffEmailKind[]) {
    const name = STAFF_TEMPLATE_OF[kind];
    const have = (await listTemplates(db, accountId, { name })).some((t) => t.channel === 'email');
    if (!have)
      await saveTemplate(
        db,
        accountId,
        { name, channel: 'email', language: 'en', trigger: STAFF_EMAIL_TRIGGER, ...TEXTS[kind], validForMinutes: 24 * 60 },
        now,
      );
  }
}

export interface StaffEmailResult {
  /** the link the e-mail carries (PUBLIC_URL + path) */
  url: string;
  expiresAt: number;
  outcome: QueueOutcome;
}

/** Issues a one-time link for the staff member and queues the e-mail that carries it. */
export async function sendStaffEmail(trx: Db, publicUrl: string, staff: StaffMember, kind: StaffEmailKind, now = Date.now()): Promise<StaffEmailResult> {
  const account = await getAccount(trx, staff.accountId);
  const { token, expiresAt } = await issueStaffToken(trx, staff.accountId, staff.id, kind === 'invitation' ? 'link' : 'reset', now);
  const url = `${publicUrl}${kind === 'invitation' ? signInLinkPath(token) : resetPasswordPath(token)}`;
  const validMs = kind === 'invitation' ? STAFF_LINK_VALID_MS : STAFF_RESET_VALID_MS;
  const outcome = await queueMessage(
    trx,
    staff.accountId,
    {
      guestId: 0,
      stayId: null,
      ruleId: null,
      template: STAFF_TEMPLATE_OF[kind],
      channel: 'email',
      languages: ['en'],
      recipient: staff.email,
      transactional: true,
      variables: {
        staff: { name: staff.name, email: staff.email, role: staff.role },
        account: { name: account.name },
        links: { signIn: kind === 'invitation' ? url : null, reset: kind === 'password_reset' ? url : null },
        email: { kind, validForMinutes: validMs / 60_000 },
      },
    },
    now,
  );
  return { url, expiresAt, outcome };
}
