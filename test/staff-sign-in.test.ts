import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobWorker, type JobWorker } from '../src/core/jobs/job-worker.js';
import { createOutboundClient, type OutboundClient } from '../src/core/outbound/http-client.js';
import { dispatchCacheNotice } from '../src/db/cache-notices.js';
import { buildApp } from '../src/server/app.js';
import { jobHandlers } from '../src/server/job-handlers.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { recordIssuedSecret } from './helpers/secret-log.js';
import { startSmtpServer, type SmtpReceiver } from './helpers/smtp.js';
import { type Session, sessionCall, sessionCookieOf } from './helpers/staff.js';
import { waitUntil } from './helpers/wait.js';

/*
 * Staff sign-in end to end: an invitation e-mail (sent to a real SMTP server on loopback) whose
 * link signs in, a password chosen with the session's CSRF token, sign in and out, wrong passwords
 * and the lockout that a second app instance on the same database sees, the password reset by
 * e-mail, and the session's cookie and CSRF rules.
 */

const FAST = { delaysMs: [20, 40, 80, 160, 320], laterMs: 500, lifetimeMs: 300_000 };
const PUBLIC = 'http://openstay.test';

describe.each(dialects())('staff sign-in on %s', (dialect) => {
  let t: TestApp;
  let second: FastifyInstance | undefined;
  let smtp: SmtpReceiver;
  let outbound: OutboundClient;
  let worker: JobWorker | undefined;
  let adminToken: string;
  let n = 0;
  const admin = adminCall(() => t);
  const call = sessionCall(() => t.app);

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url, MAIL_FROM: 'Openstay <console@hotel.test>', PUBLIC_URL: PUBLIC });
    outbound = createOutboundClient({ allowPrivate: true });
    adminToken = (await createTestAccount(t)).adminToken;
    recordIssuedSecret(adminToken);
    worker = startJobWorker({
      db: t.database.db,
      handlers: jobHandlers({ config: t.config, secrets: t.secrets, outbound, retrySchedule: FAST }),
      pollMs: 10,
      leaseMs: 5_000,
    });
  });
  afterAll(async () => {
    dispatchCacheNotice({ topic: 'messaging' });
    await worker?.stop();
    await second?.close();
    await outbound?.close();
    await smtp?.close();
    await t?.close();
  });

  const signIn = (email: string, password: string, app: FastifyInstance = t.app) =>
    app.inject({ method: 'POST', url: '/admin/v1/session', payload: { email, password } });
  const sessionOf = (res: { statusCode: number; body: string; headers: Record<string, any>; json(): any }): Session => {
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    const cookie = sessionCookieOf(res.headers['set-cookie']);
    recordIssuedSecret(cookie.split('=')[1]);
    recordIssuedSecret(body.csrfToken);
    return { cookie, csrf: body.csrfToken, body };
  };
  const mailTo = async (address: string, what: string) => {
    await waitUntil(() => smtp.mails.some((m) => m.to.includes(address) && m.decoded.includes(what)), { what: `an e-mail to ${address} with ${what}` });
    return smtp.mails.find((m) => m.to.includes(address) && m.decoded.includes(what))!;
  };
  /** An owner invited by the admin token, signed in with the invitation's link, with a password. */
  const newOwner = async (password = 'correct horse battery') => {
    const email = `Owner${++n}-${dialect}@Hotel.test`;
    const invited = await admin(adminToken, 'POST', '/staff', { email, name: `Owner ${n}`, role: 'owner' });
    expect(invited.statusCode, invited.body).toBe(201);
    const token = invited.json().signInUrl.split('/').pop();
    recordIssuedSecret(token);
    const session = sessionOf(await t.app.inject({ method: 'POST', url: '/admin/v1/session/link', payload: { token } }));
    const set = await call(session, 'PUT', '/session/password', { password });
    expect(set.statusCode, set.body).toBe(204);
    return { email: email.toLowerCase(), password, id: invited.json().id as number, session };
  };

  it('invites by e-mail; the link signs in once; the first password needs the CSRF token', async () => {
    const email = `new-${dialect}@hotel.test`;
    const invited = await admin(adminToken, 'POST', '/staff', { email, name: 'Nadia', role: 'manager', permissions: ['comment'] });
    expect(invited.statusCode, invited.body).toBe(201);
    const body = invited.json();
    expect(body).toMatchObject({ email, name: 'Nadia', role: 'manager', permissions: ['comment'], locationIds: [], hasPassword: false });
    expect(body.signInUrl).toMatch(new RegExp(`^${PUBLIC}/sign-in/link/[A-Za-z0-9]{43}$`));
    expect(body.expiresAt).toBeGreaterThan(Date.now());
    expect(body.invitation.queued).toBe(true);
    const token = body.signInUrl.split('/').pop();
    recordIssuedSecret(token);

    const mail = await mailTo(email, body.signInUrl);
    expect(mail.header('subject')).toContain('invited');

    const session = sessionOf(await t.app.inject({ method: 'POST', url: '/admin/v1/session/link', payload: { token } }));
    expect(session.body).toMatchObject({ staff: { id: body.id, email, role: 'manager', hasPassword: false }, account: { slug: expect.any(String) } });
    // The link works once.
    const again = await t.app.inject({ method: 'POST', url: '/admin/v1/session/link', payload: { token } });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('invalid_token');

    const noCsrf = await call(session, 'PUT', '/session/password', { password: 'a long enough pass' }, { csrf: false });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('csrf');
    const wrongCsrf = await t.app.inject({
      method: 'PUT',
      url: '/admin/v1/session/password',
      headers: { cookie: session.cookie, 'x-csrf-token': 'x'.repeat(43) },
      payload: { password: 'a long enough pass' },
    });
    expect(wrongCsrf.statusCode).toBe(403);
    const short = await call(session, 'PUT', '/session/password', { password: 'short' });
    expect(short.statusCode).toBe(400);
    const set = await call(session, 'PUT', '/session/password', { password: 'a long enough pass' });
    expect(set.statusCode, set.body).toBe(204);
    // Changing it again needs the current one.
    const without = await call(session, 'PUT', '/session/password', { password: 'another long pass' });
    expect(without.statusCode).toBe(400);
    const wrong = await call(session, 'PUT', '/session/password', { password: 'another long pass', currentPassword: 'nope nope nope' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('invalid_credentials');
    expect((await call(session, 'GET', '/session')).json().staff.hasPassword).toBe(true);
    sessionOf(await signIn(email.toUpperCase(), 'a long enough pass'));
  });

  it('signs in and out; a wrong password is a 401; the cookie is HttpOnly, SameSite=Lax, Path=/', async () => {
    const owner = await newOwner();
    const wrong = await signIn(owner.email, 'not the password');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: { code: 'invalid_credentials', message: 'E-mail or password is wrong' } });
    const unknown = await signIn(`nobody-${dialect}@hotel.test`, 'whatever it is');
    expect(unknown.json()).toEqual(wrong.json());

    const res = await signIn(owner.email, owner.password);
    const cookieLine = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('openstay_session='))!;
    expect(cookieLine).toMatch(/HttpOnly/);
    expect(cookieLine).toMatch(/SameSite=Lax/);
    expect(cookieLine).toMatch(/Path=\//);
    expect(cookieLine).not.toMatch(/Secure/); // PUBLIC_URL is http here
    const session = sessionOf(res);
    expect(session.body.staff).toEqual({
      id: owner.id,
      email: owner.email,
      name: expect.any(String),
      role: 'owner',
      permissions: [],
      locationIds: [],
      hasPassword: true,
    });

    const me = await call(session, 'GET', '/session');
    expect(me.statusCode).toBe(200);
    expect(me.json().csrfToken).toBe(session.csrf);
    // Any admin route takes the session (reads need no CSRF token).
    expect((await call(session, 'GET', '/locations', undefined, { csrf: false })).statusCode).toBe(200);
    // A write without the token is refused and changes nothing.
    const refused = await call(session, 'POST', '/locations', { title: 'Lobby', shortcode: `lobby-${dialect}` }, { csrf: false });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('csrf');
    expect((await call(session, 'GET', '/locations')).json().locations ?? []).not.toContainEqual(expect.objectContaining({ shortcode: `lobby-${dialect}` }));
    // The admin token needs none.
    expect((await admin(adminToken, 'GET', '/locations')).statusCode).toBe(200);

    const outNoCsrf = await call(session, 'DELETE', '/session', undefined, { csrf: false });
    expect(outNoCsrf.statusCode).toBe(403);
    const out = await call(session, 'DELETE', '/session');
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/openstay_session=;/);
    const after = await call(session, 'GET', '/session');
    expect(after.statusCode).toBe(401);
    expect((await call(session, 'GET', '/locations')).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/admin/v1/session' })).statusCode).toBe(401);
  });

  it('locks an e-mail out after 5 failures, on every instance sharing the database', async () => {
    const owner = await newOwner();
    second = await buildApp({ config: t.config, database: t.database, logStream: new PassThrough().resume() });
    await second.ready();
    for (let i = 0; i < 5; i++) {
      const res = await signIn(owner.email, `wrong password ${i}`, i % 2 === 0 ? t.app : second);
      expect(res.statusCode, res.body).toBe(401);
    }
    for (const app of [second, t.app]) {
      const locked = await signIn(owner.email, owner.password, app);
      expect(locked.statusCode, locked.body).toBe(429);
      expect(locked.json().error.code).toBe('locked');
      const retryAfter = Number(locked.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(800);
      expect(retryAfter).toBeLessThanOrEqual(900);
    }
    // Another e-mail is not locked.
    const other = await newOwner();
    sessionOf(await signIn(other.email, other.password, second));
  });

  it('resets a password by e-mail: 202 whoever asks, one link that works once', async () => {
    const owner = await newOwner();
    const unknown = await t.app.inject({ method: 'POST', url: '/admin/v1/session/password-reset', payload: { email: `ghost-${dialect}@hotel.test` } });
    expect(unknown.statusCode).toBe(202);
    const asked = await t.app.inject({ method: 'POST', url: '/admin/v1/session/password-reset', payload: { email: owner.email.toUpperCase() } });
    expect(asked.statusCode).toBe(202);
    expect(asked.json()).toEqual(unknown.json());
    const mail = await mailTo(owner.email, `${PUBLIC}/reset-password/`);
    const link = /http:\/\/openstay\.test\/reset-password\/([A-Za-z0-9]{43})/.exec(mail.decoded);
    expect(link).not.toBeNull();
    const token = link![1];
    recordIssuedSecret(token);
    expect(smtp.mails.some((m) => m.to.includes(`ghost-${dialect}@hotel.test`))).toBe(false);

    const tooShort = await t.app.inject({ method: 'POST', url: '/admin/v1/session/password', payload: { token, password: 'short' } });
    expect(tooShort.statusCode).toBe(400);
    const reset = sessionOf(await t.app.inject({ method: 'POST', url: '/admin/v1/session/password', payload: { token, password: 'a brand new password' } }));
    expect(reset.body.staff).toMatchObject({ id: owner.id, hasPassword: true });
    // The reset ended the other sessions.
    expect((await call(owner.session, 'GET', '/session')).statusCode).toBe(401);
    const reused = await t.app.inject({ method: 'POST', url: '/admin/v1/session/password', payload: { token, password: 'yet another password' } });
    expect(reused.statusCode).toBe(400);
    expect((await signIn(owner.email, owner.password)).statusCode).toBe(401);
    sessionOf(await signIn(owner.email, 'a brand new password'));
  });

  it('puts security headers on the admin API and documents the session', async () => {
    const res = await admin(adminToken, 'GET', '/account');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
    const doc = (await t.app.inject({ method: 'GET', url: '/admin/openapi.json' })).json();
    expect(doc.paths['/v1/session']?.post ?? doc.paths['/admin/v1/session']?.post).toBeDefined();
    expect(JSON.stringify(doc.info.description)).toContain('x-csrf-token');
  });
});
