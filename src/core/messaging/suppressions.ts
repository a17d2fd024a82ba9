import type { Db } from '../../db/database.js';
import { messagingChanged } from './account-cache.js';
import { badRequest } from '../shared/errors.js';
import { normalisePhone } from '../shared/identifiers.js';
import type { Channel } from './channels.js';

/*
 * Addresses that get no more messages of a channel: the guest unsubscribed (the one-click link of
 * every e-mail), the address was refused permanently (a 5xx at send time), or staff marked it.
 * Kept per address rather than per guest, so a merge or a new profile with the same e-mail
 * still respects the choice.
 */

export type SuppressionReason = 'unsubscribed' | 'refused' | 'manual';

export const addressKey = (address: string) => address.trim().toLowerCase();

/**
 * An address as staff typed it, in the form the channel keeps: an e-mail case-folded, a mobile
 * number in E.164 (a number that does not parse as an international one is a 400).
 */
export function channelAddress(channel: Channel, raw: string): string {
  if (channel !== 'sms') return addressKey(raw);
  const e164 = /^\s*(\+|00)/.test(raw) ? normalisePhone(raw)?.e164 : undefined;
  if (!e164) throw badRequest(`an SMS address must be a mobile number in international form such as +46701234567 (got "${raw.trim()}")`);
  return e164;
}

/** Suppresses the address on the channel (again: kept as first recorded). */
export async function suppressAddress(
  db: Db,
  accountId: number,
  channel: Channel,
  address: string,
  reason: SuppressionReason,
  now = Date.now(),
): Promise<void> {
  const inserted = await db
    .insertInto('message_suppressions')
    .values({ account_id: accountId, channel, address: addressKey(address), reason, created_at: now })
    .onConflict((oc) => oc.columns(['account_id', 'channel', 'address']).doNothing())
    .returning('address')
    .execute();
  // A new suppression: the cached "none yet" (account-cache.ts) must go, or queueing would skip the check.
  if (inserted.length > 0) await messagingChanged(db, accountId);
}

/** Why the address gets no messages of the channel, or undefined when it does. */
export async function suppressionOf(db: Db, accountId: number, channel: Channel, address: string): Promise<SuppressionReason | undefined> {
  const row = await db
    .selectFrom('message_suppressions')
    .select('reason')
    .where('account_id', '=', accountId)
    .where('channel', '=', channel)
    .where('address', '=', addressKey(address))
    .executeTakeFirst();
  return row?.reason as SuppressionReason | undefined;
}

export interface SuppressionView {
  channel: Channel;
  address: string;
  reason: SuppressionReason;
  createdAt: number;
}

/** The account's suppressed addresses, newest first. */
export async function listSuppressions(db: Db, accountId: number, limit = 500): Promise<SuppressionView[]> {
  const rows = await db.selectFrom('message_suppressions').selectAll().where('account_id', '=', accountId).orderBy('created_at', 'desc').limit(limit).execute();
  return rows.map((r) => ({ channel: r.channel as Channel, address: r.address, reason: r.reason as SuppressionReason, createdAt: Number(r.created_at) }));
}

/** Lets an address receive a channel's messages again (staff decided so); false when it was not suppressed. */
export async function removeSuppression(db: Db, accountId: number, channel: Channel, address: string): Promise<boolean> {
  const result = await db
    .deleteFrom('message_suppressions')
    .where('account_id', '=', accountId)
    .where('channel', '=', channel)
    .where('address', '=', addressKey(address))
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
