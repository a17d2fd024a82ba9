import type { Db } from '../../db/database.js';
import { suppressAddress } from './suppressions.js';

/*
 * Delivery status callbacks of the SMS provider (Twilio's MessageStatus: queued, sending, sent,
 * delivered, undelivered, failed, and read for some channels). A status is recorded on the
 * message the provider id names; callbacks may arrive out of order, so a state never goes back
 * (a late `sent` after `delivered` changes nothing). A final failure whose error says the number
 * cannot get SMS suppresses it for SMS, as a refusal at send time does.
 */

const RANK: Record<string, number> = {
  accepted: 0,
  scheduled: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  read: 5,
  canceled: 4,
};

/*
 * Twilio's delivery error codes that name the number, not the moment: unknown destination
 * (30005), landline or unreachable carrier (30006), the recipient opted out (21610).
 */
const NUMBER_ERRORS = new Set(['30005', '30006', '21610']);

export type StatusOutcome = 'updated' | 'unchanged' | 'unknown_message';

/** Records status `status` of the message sent as `providerId` (in `trx`), with the provider's error code if any. */
export async function recordSmsStatus(trx: Db, providerId: string, status: string, errorCode: string | null, now = Date.now()): Promise<StatusOutcome> {
  const message = await trx
    .selectFrom('messages')
    .select(['id', 'account_id', 'channel', 'recipient', 'delivery_status'])
    .where('provider_id', '=', providerId)
    .executeTakeFirst();
  if (!message) return 'unknown_message';
  const state = status.toLowerCase();
  const before = message.delivery_status ? (RANK[message.delivery_status] ?? 0) : -1;
  if ((RANK[state] ?? 0) < before || state === message.delivery_status) return 'unchanged';
  const failed = state === 'undelivered' || state === 'failed';
  await trx
    .updateTable('messages')
    .set({
      delivery_status: state,
      delivery_updated_at: now,
      updated_at: now,
      ...(failed ? { last_error: `the provider reported ${state}${errorCode ? ` (error ${errorCode})` : ''}` } : {}),
    })
    .where('account_id', '=', message.account_id)
    .where('id', '=', message.id)
    .execute();
  if (failed && errorCode && NUMBER_ERRORS.has(errorCode)) await suppressAddress(trx, message.account_id, 'sms', message.recipient, 'refused', now);
  return 'updated';
}
