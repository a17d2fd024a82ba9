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
