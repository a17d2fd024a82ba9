import type { Db } from '../../db/database.js';
import type { Channel } from './channels.js';
import { findMessageByToken } from './messages.js';
import { suppressAddress } from './suppressions.js';

/*
 * The unsubscribe link of every message (List-Unsubscribe, RFC 8058 one-click): its token names
 * the message, and so the account, channel and address that get no more messages of that channel.
 */

export interface UnsubscribeTarget {
  accountId: number;
  channel: Channel;
  address: string;
}

/** What the token unsubscribes, or undefined for an unknown token. */
export async function unsubscribeTarget(db: Db, token: string): Promise<UnsubscribeTarget | undefined> {
  const message = await findMessageByToken(db, token);
  return message ? { accountId: message.account_id, channel: message.channel as Channel, address: message.recipient } : undefined;
}

/** Unsubscribes the token's address from its channel (again: no change); false for an unknown token. */
export async function unsubscribeByToken(db: Db, token: string, now = Date.now()): Promise<UnsubscribeTarget | undefined> {
  const target = await unsubscribeTarget(db, token);
  if (!target) return undefined;
  await suppressAddress(db, target.accountId, target.channel, target.address, 'unsubscribed', now);
  return target;
}
