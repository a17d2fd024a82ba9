import type { FastifyReply, FastifyRequest } from 'fastify';
import { accountIdForToken } from '../../core/accounts/credentials.js';
import type { StaffMember } from '../../core/accounts/staff.js';
import { csrfMatches, liveStaffSession } from '../../core/accounts/staff-sessions.js';
import { AppError, unauthorized } from '../../core/shared/errors.js';
import { ADMIN_TOKEN_ACTOR, staffActor, type Actor } from '../../core/shared/write-context.js';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/database.js';
import type { CredentialFailures } from '../http/credential-failures.js';

/*
 * Who calls the admin API: an integration with the account's admin token (`Authorization: Bearer`),
 * or a staff member with the console's session cookie. A call made with the cookie that writes
 * (POST, PUT, PATCH, DELETE) must carry the session's CSRF token in `x-csrf-token`: a page of
 * another site can make the browser send the cookie, never read the token. A Bearer call needs no
 * CSRF token (no browser adds that header by itself).
 */

export const SESSION_COOKIE = 'openstay_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** who makes the call, as stored with its changes (`admin`, `staff:<id>`) */
    actor: Actor;
    /** the signed-in staff member (a session call); undefined with the admin token */
    staff?: StaffMember;
    /** the session's cookie value and CSRF token (a session call) */
    staffSession?: { id: string; csrfToken: string };
  }
  interface FastifyContextConfig {
    /** `none`: the route takes no credential (sign-in, reset); `session`: a staff session only */
    adminAuth?: 'none' | 'session';
  }
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const csrfRefused = () => new AppError('csrf', 403, `this call is made with the session cookie: send its CSRF token in the ${CSRF_HEADER} header`);
const noSession = () => unauthorized('sign in first (no valid session)');

/** The cookie's options: HttpOnly, SameSite=Lax, Path=/, Secure when PUBLIC_URL is https. */
export function sessionCookieOptions(config: Config) {
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: config.publicUrl.startsWith('https:') };
}

/** Sets the session cookie on the answer (no Max-Age: the server ends an idle session after 12 h). */
export function setSessionCookie(reply: FastifyReply, config: Config, id: string): void {
  reply.setCookie(SESSION_COOKIE, id, sessionCookieOptions(config));
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(config));
}

/** The live session of the request's cookie and its staff member, or undefined. */
export async function sessionOfRequest(db: Db, request: FastifyRequest) {
  const id = request.cookies?.[SESSION_COOKIE];
  if (!id) return undefined;
  const live = await liveStaffSession(db, id);
  return live ? { id, ...live } : undefined;
}

/**
 * The onRequest hook of the admin API: sets `accountId`, `actor` and, for a session, `staff`.
 * Bearer first (an integration), then the cookie; a route marked `adminAuth: 'none'` takes neither.
 */
export function adminAuthentication(db: Db, failures: CredentialFailures) {
  return async (request: FastifyRequest): Promise<void> => {
    const mode = request.routeOptions.config?.adminAuth;
    if (mode === 'none') return;
    const header = request.headers.authorization;
    if (header && mode !== 'session') {
      request.accountId = await adminTokenAccount(db, failures, request, header);
      request.actor = ADMIN_TOKEN_ACTOR;
      return;
    }
    const found = await sessionOfRequest(db, request);
    if (!found) {
      if (mode === 'session' || request.cookies?.[SESSION_COOKIE]) throw noSession();
      throw unauthorized('Authorization: Bearer <admin token> header or a staff session is required');
    }
    if (WRITES.has(request.method) && !csrfMatches(found.session, headerValue(request.headers[CSRF_HEADER]))) throw csrfRefused();
    request.accountId = found.staff.accountId;
    request.actor = staffActor(found.staff.id);
    request.staff = found.staff;
    request.staffSession = { id: found.id, csrfToken: found.session.csrf_token };
  };
}

const headerValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The account of an admin token; a locked-out address or token is a 429 before it is looked at. */
async function adminTokenAccount(db: Db, failures: CredentialFailures, request: FastifyRequest, header: string): Promise<number> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthorized('Authorization header must be "Bearer <admin token>"');
  const token = match[1];
  const locked = failures.lockout(request, token);
  if (locked) throw locked;
  const accountId = await accountIdForToken(db, 'admin', token);
  if (accountId === undefined) {
    await failures.failed(request, token);
    throw unauthorized('admin token is not valid');
  }
  return accountId;
}
