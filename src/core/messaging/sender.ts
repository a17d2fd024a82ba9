import type { Db } from '../../db/database.js';
import { badRequest } from '../shared/errors.js';
import { accountMessaging } from './account-cache.js';

/*
 * Who an account's guest e-mails come from: its own From and Reply-To when it set them (the
 * messaging settings), else MAIL_FROM and no Reply-To. Under an account's own From the SMTP
 * envelope sender (MAIL FROM, where bounces go) stays MAIL_FROM's address: the operator's SMTP
 * server and its SPF/DKIM set-up are for that domain, and the bounces are the operator's to handle.
 */

/** `Name <local@domain>` or `local@domain`: one address, no line breaks (no header injection). */
const BARE = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const NAMED = /^([^<>\r\n"]{1,100}|"[^"\r\n]{1,100}") <([^<>\s]+)>$/;

/** The address part of `Name <a@b>` or `a@b`, or undefined when it is not one valid address. */
export function addressOf(value: string): string | undefined {
  const text = value.trim();
  if (BARE.test(text)) return text;
  const named = NAMED.exec(text);
  return named && BARE.test(named[2]) ? named[2] : undefined;
}

/** A From or Reply-To as sent (null: none); a value that is not one address is a 400 naming the field. */
export function readSenderAddress(field: string, value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string' || value.length > 254 || addressOf(value) === undefined) {
    throw badRequest(`${field} must be one e-mail address, such as "Hotel Mar <desk@hotelmar.example>" or desk@hotelmar.example`);
  }
  return value.trim();
}

/** The SMTP envelope sender under an account's From: MAIL_FROM's address. */
export function envelopeAddress(mailFrom: string): string {
  return addressOf(mailFrom) ?? mailFrom;
}

/** The account's From and Reply-To of guest e-mails (cached with its messaging). */
export async function accountSender(db: Db, accountId: number): Promise<{ from: string | null; replyTo: string | null }> {
  const { mailFrom, replyTo } = await accountMessaging(db, accountId);
  return { from: mailFrom, replyTo };
}
