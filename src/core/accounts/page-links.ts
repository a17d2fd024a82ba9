import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/database.js';

/**
 * Guest pages (a loop's page, an invite, generic or personal) are opened from links without
 * credentials; the link carries an HMAC of what it names under the account's page secret, so ids,
 * slugs and locations cannot be guessed into a working link.
 */
export async function pageSecret(db: Db, accountId: number): Promise<string> {
  const row = await db.selectFrom('accounts').select('page_secret').where('id', '=', accountId).executeTakeFirstOrThrow();
  return row.page_secret;
}

/** The account's slug (the path of its guest pages) and page secret (what signs their links). */
export async function pageLinkAccount(db: Db, accountId: number): Promise<{ slug: string; secret: string }> {
  const row = await db.selectFrom('accounts').select(['slug', 'page_secret']).where('id', '=', accountId).executeTakeFirstOrThrow();
  return { slug: row.slug, secret: row.page_secret };
}

export function signPageLink(secret: string, subject: string): string {
  return createHmac('sha256', secret).update(subject).digest('base64url').slice(0, 22);
}

/**
 * Whether `signature` is the signature of `subject`, compared in constant time (the length
 * check tells only that a signature is not 22 characters long, which every link shows anyway).
 */
export function verifyPageLink(secret: string, subject: string, signature: unknown): boolean {
  if (typeof signature !== 'string') return false;
  const expected = Buffer.from(signPageLink(secret, subject));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
