import type { Db } from '../../db/database.js';
import { recordEvent } from '../events/record-event.js';
import { writeContext } from '../shared/write-context.js';

/*
 * The e-mails of the programme (activation, welcome, password reset) are sent by the messaging
 * module through its per-language templates. Until it takes them, each one is stored here, in the
 * transaction of the change that asks for it, with a loyalty.email_requested domain event: nothing
 * asked for is lost, and the sender marks a request handled once sent.
 */

export type LoyaltyEmailKind = 'activation' | 'welcome' | 'password_reset';

export async function requestLoyaltyEmail(
  trx: Db,
  accountId: number,
  request: { guestId: number; kind: LoyaltyEmailKind; email: string; language: string | null },
  now = Date.now(),
): Promise<void> {
  const row = await trx
    .insertInto('loyalty_email_requests')
    .values({
      account_id: accountId,
      guest_id: request.guestId,
      kind: request.kind,
      email: request.email,
      language: request.language,
      created_at: now,
      handled_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordEvent(writeContext(trx, accountId), {
    type: 'loyalty.email_requested',
    subjects: { guestId: request.guestId },
    data: { id: row.id, ...request },
    at: now,
  });
}

/** The requests not yet handled, oldest first (for the messaging module and tests). */
export async function pendingLoyaltyEmails(db: Db, accountId: number, limit = 100) {
  return db
    .selectFrom('loyalty_email_requests')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('handled_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
}
