import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Twilio's request signature (X-Twilio-Signature): base64 of HMAC-SHA1, keyed with the auth token,
 * over the full URL Twilio called followed by each POST parameter's name and value, sorted by
 * name. The URL is the PUBLIC_URL form of the address (what Twilio was told to call), never the
 * one a proxy passed on.
 */

/** The signature of a request to `url` with form parameters `params` (a name may repeat). */
export function twilioSignature(authToken: string, url: string, params: ReadonlyArray<readonly [string, string]>): string {
  const sorted = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const data = url + sorted.map(([name, value]) => name + value).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Whether `signature` is the one of the request (compared in constant time). */
export function validTwilioSignature(authToken: string, signature: string | undefined, url: string, params: ReadonlyArray<readonly [string, string]>): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
