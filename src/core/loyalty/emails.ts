import type { Db } from '../../db/database.js';
import type { Guest } from '../../db/schema.js';
import { recordEvent } from '../events/record-event.js';
import { languageChain } from '../messaging/channels.js';
import { queueMessage } from '../messaging/messages.js';
import { writeContext } from '../shared/write-context.js';
import { createResetToken, RESET_VALID_MS, resetPath } from './reset-tokens.js';

/*
 * The e-mails of the programme (activation, welcome, password reset): messages of the messaging
 * module, queued in the transaction of the change that asks for them (rolled back with it) from
 * the account's templates `loyalty-<kind>` in the member's language (English as fallback), and
 * sent after commit by its job like every message. They are transactional: the member asked for
 * them, so a marketing unsubscribe does not stop them. A loyalty.email_requested domain event says
 * what was queued, or why nothing was (no template in the languages, an address refused for good).
 */

export type LoyaltyEmailKind = 'activation' | 'welcome' | 'password_reset';

export const LOYALTY_TEMPLATE_OF: Record<LoyaltyEmailKind, string> = {
  activation: 'loyalty-activation',
  welcome: 'loyalty-welcome',
  password_reset: 'loyalty-password-reset',
};

export const LOYALTY_FALLBACK_LANGUAGE = 'en';

export interface LoyaltyEmailInput {
  guest: Guest;
  kind: LoyaltyEmailKind;
  signinEmail: string;
  points: number;
  levelPoints: number;
  actor?: string;
}

/** Queues one e-mail of the programme to the member's sign-in address (a reset one with a fresh link). */
export async function sendLoyaltyEmail(trx: Db, accountId: number, input: LoyaltyEmailInput, now = Date.now()): Promise<void> {
  const { guest, kind } = input;
  const reset = kind === 'password_reset' ? await createResetToken(trx, accountId, guest.id, now) : undefined;
  const outcome = await queueMessage(
    trx,
    accountId,
    {
      guestId: guest.id,
      stayId: null,
      ruleId: null,
      template: LOYALTY_TEMPLATE_OF[kind],
      channel: 'email',
      languages: languageChain(guest.language, LOYALTY_FALLBACK_LANGUAGE),
      recipient: input.signinEmail,
      transactional: true,
      variables: {
        guest: {
          firstName: guest.first_name,
          lastName: guest.last_name,
          name: guest.name ?? ([guest.first_name, guest.last_name].filter(Boolean).join(' ') || null),
          email: guest.email,
          language: guest.language,
        },
        member: { signinEmail: input.signinEmail, points: input.points, levelPoints: input.levelPoints },
        links: { reset: reset ? resetPath(reset) : null },
        email: { kind, validForMinutes: reset ? RESET_VALID_MS / 60_000 : null },
      },
    },
    now,
  );
  await recordEvent(writeContext(trx, accountId, input.actor), {
    type: 'loyalty.email_requested',
    subjects: { guestId: guest.id },
    data: {
      id: guest.id,
      guestId: guest.id,
      kind,
      email: input.signinEmail,
      language: outcome.queued ? outcome.language : null,
      messageId: outcome.queued ? outcome.messageId : null,
      notQueued: outcome.queued ? null : outcome.reason,
    },
    at: now,
  });
}
