import { createHash, timingSafeEqual } from 'node:crypto';
import { randomBytes } from '../../../core/shared/random-bytes.js';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { signPageLink, verifyPageLink } from '../../../core/accounts/page-links.js';
import type { LoyaltyMember } from '../../../db/schema.js';

/*
 * The member portal's session: a signed, expiring token in an HttpOnly, SameSite=Lax cookie,
 * nothing stored. It names the account and the member, its end, and a fingerprint of the
 * member's password hash: a new password (a reset, a change through the API) or a reset account
 * ends every session. It is signed with the account's page secret (rotating it signs everyone out).
 * Forms carry a token equal to a second, SameSite=Strict cookie (double submit): a page of another
 * site can neither read it nor make the browser send it.
 */

export const PORTAL_PATH = '/fideltour/portal';
export const SESSION_COOKIE = 'openstay_member';
export const FORM_COOKIE = 'openstay_portal_form';
export const SESSION_MS = 8 * 60 * 60 * 1000;

export interface MemberSession {
  accountId: number;
  guestId: number;
}

const fingerprint = (member: LoyaltyMember) =>
  createHash('sha256')
    .update(member.password_hash ?? '')
    .digest('base64url')
    .slice(0, 16);
const subject = (body: string) => `portal-session:${body}`;

/** A session token for the member, until `now + SESSION_MS`. */
export function sessionToken(secret: string, member: LoyaltyMember, now = Date.now()): string {
  const body = `${member.account_id}.${member.guest_id}.${now + SESSION_MS}.${fingerprint(member)}`;
  return `${body}.${signPageLink(secret, subject(body))}`;
}

/** What a session cookie claims, before its signature is checked (which needs its account's secret). */
export function readSessionClaim(token: string | undefined, now = Date.now()): (MemberSession & { token: string }) | undefined {
  const m = token ? /^([1-9]\d{0,15})\.([1-9]\d{0,15})\.(\d{1,15})\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}$/.exec(token) : null;
  if (!m || Number(m[3]) <= now) return undefined;
  return { accountId: Number(m[1]), guestId: Number(m[2]), token: token as string };
}

/** Whether the token is signed by the account's secret and still matches the member's password. */
export function sessionHolds(secret: string, token: string, member: LoyaltyMember | undefined): boolean {
  if (!member || member.enrolled_at === null) return false;
  const cut = token.lastIndexOf('.');
  const body = token.slice(0, cut);
  return body.endsWith(`.${fingerprint(member)}`) && verifyPageLink(secret, subject(body), token.slice(cut + 1));
}

const secure = (publicUrl: string) => publicUrl.startsWith('https:');

export function setSessionCookie(reply: FastifyReply, publicUrl: string, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, { path: PORTAL_PATH, httpOnly: true, sameSite: 'lax', secure: secure(publicUrl), maxAge: SESSION_MS / 1000 });
}

export function clearSessionCookie(reply: FastifyReply, publicUrl: string): void {
  reply.clearCookie(SESSION_COOKIE, { path: PORTAL_PATH, httpOnly: true, sameSite: 'lax', secure: secure(publicUrl) });
}

/** The form token of this browser: its form cookie's value, set now when it has none. */
export function formToken(request: FastifyRequest, reply: FastifyReply, publicUrl: string): string {
  const had = request.cookies[FORM_COOKIE];
  if (had && /^[A-Za-z0-9_-]{32}$/.test(had)) return had;
  const token = randomBytes(24).toString('base64url');
  reply.setCookie(FORM_COOKIE, token, { path: PORTAL_PATH, httpOnly: true, sameSite: 'strict', secure: secure(publicUrl) });
  return token;
}

/** Whether a POST's form token is this browser's form cookie. */
export function formTokenHolds(request: FastifyRequest, posted: unknown): boolean {
  const cookie = request.cookies[FORM_COOKIE];
  if (!cookie || typeof posted !== 'string') return false;
  const a = Buffer.from(cookie);
  const b = Buffer.from(posted);
  return a.length === b.length && timingSafeEqual(a, b);
}
