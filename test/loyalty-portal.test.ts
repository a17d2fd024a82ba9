import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMessages } from '../src/core/messaging/messages.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { cookieJar } from './helpers/cookie-jar.js';
import { dialects } from './helpers/database.js';
import { loyaltyAccess } from './helpers/fideltour.js';

// The member portal at /fideltour/portal: sign in with the programme's credentials (lockouts of
// loyalty-login), balance, lots with expiry, history, rewards; a redemption through the ledger
// (the admin API shows it; more than the balance is refused with a message and changes nothing);
// a reset link by e-mail; sign out; forms from another site refused.

describe.each(dialects())('loyalty portal on %s', (dialect) => {
  let t: TestApp;
  let accountId: number;
  let adminToken: string;
  let a: Awaited<ReturnType<typeof loyaltyAccess>>;
  let spa: { id: number };
  let night: { id: number };
  const admin = adminCall(() => t);
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const created = await createTestAccount(t);
    accountId = created.account.id;
    adminToken = created.adminToken;
    a = await loyaltyAccess(t, accountId);
    spa = (await admin(adminToken, 'POST', '/loyalty/products', { title: 'Spa <afternoon>', points: 300 })).json();
    night = (await admin(adminToken, 'POST', '/loyalty/products', { title: 'Free night', points: 5000 })).json();
    await admin(adminToken, 'POST', '/loyalty/products', { title: 'Hidden reward', points: 1, isVisible: false });
  });
  afterAll(async () => t?.close());

  /** An enrolled member with 1000 points in two lots. */
  async function member(language = 'en') {
    const i = ++n;
    const email = `member${i}-${dialect}@example.com`;
    const c = (await a.call('POST', '/contacts/', { name: 'Lucía', surname: `<M${i}>`, email, language })).json() as { id: number };
    expect(
      (await a.call('POST', `/contacts/${c.id}/loyalty-sign-in/`, { password: 'secret-pass', send_activation_email: false, send_welcome_email: false }))
        .statusCode,
    ).toBe(201);
    for (const points of [600, 400]) {
      expect((await a.call('POST', '/operations/add-points/', { contact: c.id, concept: `stay ${points}`, points, point_type: 0 })).statusCode).toBe(201);
    }
    return { id: c.id, email };
  }

  /** A browser: a cookie jar, GET and form POSTs as the portal's own pages send them. */
  function browser() {
    const jar = cookieJar();
    let token = '';
    const get = async (url = '/fideltour/portal', headers: Record<string, string> = {}) => {
      const res = jar.keep(await t.app.inject({ method: 'GET', url, headers: { cookie: jar.header(), ...headers } }));
      token = /name="form_token" value="([^"]+)"/.exec(res.body)?.[1] ?? token;
      return res;
    };
    const post = async (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
      jar.keep(
        await t.app.inject({
          method: 'POST',
          url: `/fideltour/portal${path}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header(), origin: 'http://openstay.test', ...headers },
          payload: new URLSearchParams({ form_token: token, ...fields }).toString(),
        }),
      );
    const signIn = async (email: string, password: string) => {
      await get();
      return post('/sign-in', { email, password });
    };
    return { jar, get, post, signIn, token: () => token };
  }

  it('signs a member in: balance, lots with their expiry, history and rewards, escaped, in their language', async () => {
    const m = await member('es');
    const b = browser();
    const page = await b.get();
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<label for="email">');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    const signed = await b.signIn(m.email.toUpperCase(), 'secret-pass');
    expect(signed.statusCode, signed.body).toBe(303);
    const cookie = [signed.headers['set-cookie']].flat().find((c) => c?.startsWith('openstay_member='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const home = await b.get();
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('<html lang="es">');
    expect(home.body).toContain('Hola, Lucía &lt;M');
    expect(home.body).toContain('1000 puntos');
    // Two lots, and two earnings in the history.
    expect(home.body.match(/<td class="num">(600|400)<\/td>/g)).toHaveLength(2);
    expect(home.body.match(/<td class="num">\+(600|400)<\/td>/g)).toHaveLength(2);
    expect(home.body).toContain('stay 600');
    expect(home.body).toContain('Spa &lt;afternoon&gt;');
    expect(home.body).not.toContain('Hidden reward');
    // The lots' expiry: two years ahead by default.
    expect(home.body).toContain(String(new Date().getUTCFullYear() + 2));
  });

  it('a wrong password is a 401 page that changes nothing; repeated failures lock the e-mail out (429)', async () => {
    const m = await member();
    const b = browser();
    const wrong = await b.signIn(m.email, 'not-the-pass');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('The e-mail or the password is wrong.');
    expect(wrong.body).toContain(`value="${m.email}"`);
    expect(b.jar.get('openstay_member')).toBeUndefined();
    expect((await b.signIn('nobody@example.com', 'secret-pass')).statusCode).toBe(401);
    let last = wrong;
    for (let i = 0; i < 12 && last.statusCode !== 429; i++) last = await b.post('/sign-in', { email: m.email, password: `nope-${i}` });
    expect(last.statusCode).toBe(429);
    expect(last.headers['retry-after']).toBeDefined();
    expect(last.body).toContain('Too many attempts');
  });

  it('redeems a reward through the ledger: the balance moves and the admin API shows the operation; overdraw refused with a message', async () => {
    const m = await member();
    const b = browser();
    await b.signIn(m.email, 'secret-pass');
    await b.get();
    const done = await b.post('/redeem', { product: String(spa.id) });
    expect(done.statusCode).toBe(303);
    const after = await b.get(done.headers.location as string);
    expect(after.body).toContain('Done! You redeemed Spa &lt;afternoon&gt;.');
    expect(after.body).toContain('700 points');
    const ops = await admin(adminToken, 'GET', `/loyalty/operations?guestId=${m.id}`);
    expect(ops.statusCode, ops.body).toBe(200);
    expect(ops.json().operations[0]).toMatchObject({ kind: 'redeem', points: -300, concept: 'Spa <afternoon>', productId: spa.id, guestId: m.id });
    expect((await a.call('GET', `/contacts/${m.id}/`)).json().points).toBe(700);

    const refused = await b.post('/redeem', { product: String(night.id) });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('You do not have enough points for Free night.');
    expect(refused.body).toContain('700 points');
    expect((await admin(adminToken, 'GET', `/loyalty/operations?guestId=${m.id}`)).json().count).toBe(3);
    expect((await b.post('/redeem', { product: '999999' })).statusCode).toBe(404);
  });

  it('refuses forms from another site, without the form token or without a session; nothing changes', async () => {
    const m = await member();
    const b = browser();
    await b.signIn(m.email, 'secret-pass');
    await b.get();
    expect((await b.post('/redeem', { product: String(spa.id) }, { origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await b.post('/redeem', { product: String(spa.id) }, { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await b.post('/redeem', { product: String(spa.id), form_token: 'x'.repeat(32) })).statusCode).toBe(403);
    // A cross-site request carries no SameSite=Strict form cookie.
    const session = b.jar.get('openstay_member') as string;
    const forged = await t.app.inject({
      method: 'POST',
      url: '/fideltour/portal/redeem',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `openstay_member=${session}` },
      payload: `form_token=${b.token()}&product=${spa.id}`,
    });
    expect(forged.statusCode).toBe(403);
    // A tampered session is no session.
    const tampered = browser();
    await tampered.get();
    tampered.jar.set(
      'openstay_member',
      session.replace(/^(\d+)\.(\d+)/, (_all, acc, g) => `${acc}.${Number(g) + 1}`),
    );
    const noSession = await tampered.post('/redeem', { product: String(spa.id) });
    expect(noSession.statusCode).toBe(303);
    expect(noSession.headers.location).toContain('notice=expired');
    expect((await a.call('GET', `/contacts/${m.id}/`)).json().points).toBe(1000);
  });

  it('sends the reset link of the programme; signs out, and the old page is gone', async () => {
    const m = await member();
    const b = browser();
    await b.get();
    const asked = await b.post('/password-reset', { email: m.email });
    expect(asked.statusCode).toBe(303);
    const shown = await b.get(asked.headers.location as string);
    expect(shown.body).toContain('we have sent a link to reset the password');
    const messages = await listMessages(t.database.db, accountId, { guestId: m.id });
    expect(JSON.stringify(messages)).toMatch(/\/fideltour\/portal\/reset\/[A-Za-z0-9]+/);
    const link = /\/fideltour\/portal\/reset\/[A-Za-z0-9]+/.exec(JSON.stringify(messages))?.[0] as string;
    expect((await t.app.inject({ method: 'GET', url: link })).statusCode).toBe(200);
    // Same answer for an e-mail no member signs in with.
    expect((await b.post('/password-reset', { email: 'nobody@example.com' })).headers.location).toContain('notice=reset_sent');

    await b.signIn(m.email, 'secret-pass');
    expect((await b.get()).body).toContain('1000 points');
    const out = await b.post('/sign-out', {});
    expect(out.statusCode).toBe(303);
    expect(b.jar.get('openstay_member')).toBeUndefined();
    const after = await b.get(out.headers.location as string);
    expect(after.body).toContain('You have signed out.');
    expect(after.body).not.toContain('1000 points');
  });
});
