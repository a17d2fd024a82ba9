import type { FastifyReply, FastifyRequest } from 'fastify';
import { getAccount } from '../../../core/accounts/accounts.js';
import { hashStaffPassword, staffByEmail, staffPasswordHash, storeStaffPasswordHash, getStaff, type StaffMember } from '../../../core/accounts/staff.js';
import { clearSignInFailures, recordSignInFailure, signInLockedUntil } from '../../../core/accounts/staff-lockout.js';
import { closeOtherStaffSessions, closeStaffSession, openStaffSession } from '../../../core/accounts/staff-sessions.js';
import { consumeStaffToken, type StaffTokenKind } from '../../../core/accounts/staff-tokens.js';
import { ensureStaffTemplates, sendStaffEmail } from '../../../core/staff/staff-emails.js';
import { AppError, badRequest } from '../../../core/shared/errors.js';
import { passwordMatches } from '../../../core/shared/password-hash.js';
import { staffActor } from '../../../core/shared/write-context.js';
import type { Db } from '../../../db/database.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { clearSessionCookie, setSessionCookie } from '../staff-auth.js';
import { NoContent, errors } from '../schemas.js';
import { Accepted, ChangePasswordBody, LinkBody, ResetBody, SessionSchema, SignInBody, TokenPasswordBody } from './session-schemas.js';

const tags = ['session'];

const invalidCredentials = () => new AppError('invalid_credentials', 401, 'E-mail or password is wrong');
const invalidLink = () => new AppError('invalid_token', 400, 'the link is unknown, already used or expired');
const locked = (retryAfterSeconds: number) =>
  new AppError('locked', 429, `Too many failed sign-ins for this e-mail; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });

/** The Session body: the staff member, the account and the session's CSRF token. */
async function presentSession(db: Db, staff: StaffMember, csrfToken: string) {
  const account = await getAccount(db, staff.accountId);
  const { id, email, name, role, permissions, locationIds, hasPassword } = staff;
  return {
    staff: { id, email, name, role, permissions, locationIds, hasPassword },
    account: { id: account.id, slug: account.slug, name: account.name },
    csrfToken,
  };
}

/**
 * The console's session: sign in with e-mail and password, with a one-time link, or by choosing a
 * password from a reset or invitation link; read it; sign out; change the password. The session is
 * a cookie (openstay_session: HttpOnly, SameSite=Lax) naming a row of staff_sessions.
 */
export async function sessionRoutes(app: AdminApp, { db, config, credentialLimits }: AdminDeps): Promise<void> {
  const signInFailures = credentialLimits.failuresOf('staff-sign-in');
  const linkFailures = credentialLimits.failuresOf('staff-link');
  const resetRequests = credentialLimits.failuresOf('staff-password-reset');

  /** Opens a session for `staff`, sets its cookie, and names them as the request's actor (the audit of a sign-in). */
  const signIn = async (request: FastifyRequest, reply: FastifyReply, staff: StaffMember) => {
    const { id, csrfToken } = await inWriteTransaction(db, (trx) => openStaffSession(trx, staff.accountId, staff.id));
    setSessionCookie(reply, config, id);
    request.accountId = staff.accountId;
    request.actor = staffActor(staff.id);
    request.staff = staff;
    return reply.status(201).send(await presentSession(db, staff, csrfToken));
  };

  /** The staff member of a one-time link of `kinds`, used up; a bad link counts as a failure from the address. */
  const staffOfLink = async (request: FastifyRequest, token: string, kinds: StaffTokenKind[]) => {
    const refused = linkFailures.lockout(request, token);
    if (refused) throw refused;
    const used = await inWriteTransaction(db, (trx) => consumeStaffToken(trx, token, kinds));
    if (!used) {
      await linkFailures.failed(request, token);
      throw invalidLink();
    }
    return getStaff(db, used.accountId, used.employeeId);
  };

  app.post(
    '/session',
    {
      config: { adminAuth: 'none' },
      schema: {
        tags,
        summary: 'Sign in (staff)',
        description:
          'Answers the Session and sets the `openstay_session` cookie (HttpOnly, SameSite=Lax, Secure over https; it ends after 12 hours unused). ' +
          'A wrong e-mail or password is a 401 `invalid_credentials`; after 5 failures for one e-mail within 15 minutes, that e-mail is locked: ' +
          'a 429 `locked` with Retry-After (kept in the database: every instance refuses it).',
        security: [],
        body: SignInBody,
        response: { 201: SessionSchema, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const refused = signInFailures.lockout(request, email);
      if (refused) throw refused;
      const until = await signInLockedUntil(db, email);
      if (until !== undefined) throw locked(Math.max(1, Math.ceil((until - Date.now()) / 1000)));
      const found = await staffByEmail(db, email);
      if (!(await passwordMatches(found?.passwordHash, password)) || !found) {
        await inWriteTransaction(db, (trx) => recordSignInFailure(trx, email));
        await signInFailures.failed(request, email);
        throw invalidCredentials();
      }
      await inWriteTransaction(db, (trx) => clearSignInFailures(trx, email));
      return signIn(request, reply, found.staff);
    },
  );

  app.get(
    '/session',
    {
      config: { adminAuth: 'session' },
      schema: { tags, summary: 'The signed-in staff member', description: 'A 401 without a valid session.', response: { 200: SessionSchema, ...errors() } },
    },
    async (request) => presentSession(db, request.staff!, request.staffSession!.csrfToken),
  );

  app.delete(
    '/session',
    {
      config: { adminAuth: 'session' },
      schema: {
        tags,
        summary: 'Sign out',
        description: 'Ends the session (x-csrf-token required) and clears its cookie.',
        response: { 204: NoContent, ...errors() },
      },
    },
    async (request, reply) => {
      await inWriteTransaction(db, (trx) => closeStaffSession(trx, request.staffSession!.id));
      clearSessionCookie(reply, config);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/session/password-reset',
    {
      config: { adminAuth: 'none' },
      schema: {
        tags,
        summary: 'Ask for a password-reset e-mail',
        description:
          'Always 202, whether or not the e-mail belongs to a staff member (nothing tells which). When it does, an e-mail (template staff-password-reset, ' +
          'through the messaging module) carries a link PUBLIC_URL/reset-password/<token>, valid one hour, used with POST /session/password.',
        security: [],
        body: ResetBody,
        response: { 202: Accepted, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const { email } = request.body;
      // Every request counts: one address or one e-mail cannot have mail sent without end.
      const refused = resetRequests.lockout(request, email);
      if (refused) throw refused;
      await resetRequests.failed(request, email);
      const found = await staffByEmail(db, email);
      if (found) {
        await ensureStaffTemplates(db, found.staff.accountId);
        await inWriteTransaction(db, (trx) => sendStaffEmail(trx, config.publicUrl, found.staff, 'password_reset'));
      }
      return reply.status(202).send({ accepted: true });
    },
  );

  app.post(
    '/session/password',
    {
      config: { adminAuth: 'none' },
      schema: {
        tags,
        summary: 'Choose a password with a reset or invitation link',
        description:
          "Sets the password (at least 10 characters), ends the staff member's other sessions, and signs in (Session + cookie). The link works once.",
        security: [],
        body: TokenPasswordBody,
        response: { 201: SessionSchema, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const passwordHash = await hashStaffPassword(request.body.password);
      const staff = await staffOfLink(request, request.body.token, ['reset', 'link']);
      await inWriteTransaction(db, async (trx) => {
        await storeStaffPasswordHash(trx, staff.accountId, staff.id, passwordHash);
        await closeOtherStaffSessions(trx, staff.accountId, staff.id);
      });
      return signIn(request, reply, { ...staff, hasPassword: true });
    },
  );

  app.post(
    '/session/link',
    {
      config: { adminAuth: 'none' },
      schema: {
        tags,
        summary: 'Sign in with a one-time link',
        description: 'The token of a link PUBLIC_URL/sign-in/link/<token> (openstay staff create, an invitation e-mail). Works once.',
        security: [],
        body: LinkBody,
        response: { 201: SessionSchema, ...errors(400, 429) },
      },
    },
    async (request, reply) => signIn(request, reply, await staffOfLink(request, request.body.token, ['link'])),
  );

  app.put(
    '/session/password',
    {
      config: { adminAuth: 'session' },
      schema: {
        tags,
        summary: "Change the signed-in staff member's password",
        description: 'currentPassword is required when they have one (a 400 when missing, a 403 `invalid_credentials` when wrong). Ends their other sessions.',
        body: ChangePasswordBody,
        response: { 204: NoContent, ...errors(400) },
      },
    },
    async (request, reply) => {
      const staff = request.staff!;
      const { password, currentPassword } = request.body;
      if (staff.hasPassword) {
        if (currentPassword === undefined) throw badRequest('currentPassword: required to change a password');
        if (!(await passwordMatches(await staffPasswordHash(db, staff.accountId, staff.id), currentPassword))) {
          throw new AppError('invalid_credentials', 403, 'currentPassword is wrong');
        }
      }
      const passwordHash = await hashStaffPassword(password);
      await inWriteTransaction(db, async (trx) => {
        await storeStaffPasswordHash(trx, staff.accountId, staff.id, passwordHash);
        await closeOtherStaffSessions(trx, staff.accountId, staff.id, request.staffSession!.id);
      });
      return reply.status(204).send(null);
    },
  );
}
