import type { FastifyInstance } from 'fastify';

/** A staff session as a test holds it: the cookie to send, its CSRF token and the Session body. */
export interface Session {
  cookie: string;
  csrf: string;
  body: any;
}

/** The session cookie's value of an answer that set it. */
export function sessionCookieOf(setCookie: string | string[] | undefined): string {
  const line = [setCookie ?? []].flat().find((c) => c.startsWith('openstay_session='));
  if (!line) throw new Error(`no session cookie in ${JSON.stringify(setCookie)}`);
  return line.split(';')[0];
}

/** Calls the admin API with a session cookie (and its CSRF token unless `csrf` is false). */
export function sessionCall(app: () => FastifyInstance) {
  return (session: Session, method: string, url: string, payload?: unknown, opts: { csrf?: boolean } = {}) =>
    app().inject({
      method: method as any,
      url: `/admin/v1${url}`,
      headers: { cookie: session.cookie, ...(opts.csrf === false ? {} : { 'x-csrf-token': session.csrf }) },
      ...(payload === undefined ? {} : { payload: payload as any }),
    });
}

/** A staff member made in core with a password (Argon2id), for tests that sign in through the API. */
export async function staffWithPassword(
  db: import('../../src/db/database.js').Db,
  accountId: number,
  input: import('../../src/core/accounts/staff.js').StaffInput,
  password: string,
) {
  const { createStaff, hashStaffPassword, storeStaffPasswordHash } = await import('../../src/core/accounts/staff.js');
  const staff = await createStaff(db, accountId, input, 'admin');
  await storeStaffPasswordHash(db, accountId, staff.id, await hashStaffPassword(password));
  return staff;
}

/** Signs in through the API; the session as a test holds it. */
export async function signInSession(app: FastifyInstance, email: string, password: string): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/admin/v1/session', payload: { email, password } });
  if (res.statusCode !== 201) throw new Error(`sign-in of ${email}: ${res.statusCode} ${res.body}`);
  const body = res.json();
  return { cookie: sessionCookieOf(res.headers['set-cookie']), csrf: body.csrfToken, body };
}
