import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionForToken, SESSION_IDLE_MS, sweepLoyaltySessions } from '../src/core/loyalty/api-users.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loyaltyAccess } from './helpers/fideltour.js';
import { loopCall } from './helpers/loop.js';
import { createLooponClient } from './helpers/loopon.js';
import { createLocation } from '../src/core/locations/locations.js';
import { encodeId } from '../src/api/loop-v1/ids.js';

/* The Loyalty face: Token auth, POST /login/, contacts (one guest with every face), isolation. */

describe.each(dialects())('Fideltour auth and contacts on %s', (dialect) => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof loyaltyAccess>>;
  let b: Awaited<ReturnType<typeof loyaltyAccess>>;
  let adminToken: string;
  let loopToken: string;
  let firstSlug: string;
  const admin = adminCall(() => t);

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const first = await createTestAccount(t);
    adminToken = first.adminToken;
    loopToken = first.loopToken;
    firstSlug = first.account.slug;
    a = await loyaltyAccess(t, first.account.id);
    b = await loyaltyAccess(t, (await createTestAccount(t)).account.id);
  });
  afterAll(async () => t?.close());

  it('refuses calls without a token, with a wrong scheme or an unknown token (401, DRF body)', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/fideltour/api/v1/contacts/' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
    expect(none.headers['www-authenticate']).toBe('Token');
    const bearer = await t.app.inject({ method: 'GET', url: '/fideltour/api/v1/contacts/', headers: { authorization: `Bearer ${a.token}` } });
    expect(bearer.statusCode).toBe(401);
    const wrong = await a.call('GET', '/contacts/', undefined, 'not-a-token');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ detail: 'Invalid token.' });
  });

  it('takes a static token issued through the admin API; revoking it stops it at once', async () => {
    const own = await createTestAccount(t);
    const list = (token: string) => t.app.inject({ method: 'GET', url: '/fideltour/api/v1/contacts/', headers: { authorization: `Token ${token}` } });
    const issued = await admin(own.adminToken, 'POST', '/credentials', { kind: 'loyalty', label: 'PMS connector' });
    expect(issued.statusCode, issued.body).toBe(201);
    const { token } = issued.json();
    expect((await list(token)).statusCode).toBe(200);
    const again = await admin(own.adminToken, 'POST', '/credentials', { kind: 'loyalty', revokeExisting: true });
    expect(again.statusCode).toBe(201);
    expect((await list(token)).statusCode).toBe(401);
    expect((await list(again.json().token)).statusCode).toBe(200);
  });

  it('POST /login/ answers a token that works, with and without the trailing slash; bad passwords are a 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/fideltour/api/v1/login/', payload: { username: a.username, password: a.password } });
    expect(res.statusCode, res.body).toBe(200);
    const { token } = res.json();
    expect(typeof token).toBe('string');
    expect((await a.call('GET', '/contacts/', undefined, token)).statusCode).toBe(200);
    expect((await a.call('GET', '/contacts', undefined, token)).statusCode).toBe(200);
    const noSlash = await t.app.inject({ method: 'POST', url: '/fideltour/api/v1/login', payload: { username: a.username, password: a.password } });
    expect(noSlash.statusCode).toBe(200);
    const bad = await t.app.inject({ method: 'POST', url: '/fideltour/api/v1/login/', payload: { username: a.username, password: 'wrong-password' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ detail: 'Unable to log in with provided credentials.' });
    const missing = await t.app.inject({ method: 'POST', url: '/fideltour/api/v1/login/', payload: { username: a.username } });
    expect(missing.statusCode).toBe(400);
  });

  it('a login token dies after 24 h without use, and lives on while used', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/fideltour/api/v1/login/', payload: { username: a.username, password: a.password } });
    const { token } = res.json();
    const start = Date.now();
    expect(await sessionForToken(t.database.db, token, start + SESSION_IDLE_MS - 1000)).toBeDefined();
    // used just now (above): alive for 24 h from that use
    expect(await sessionForToken(t.database.db, token, start + 2 * SESSION_IDLE_MS - 2000)).toBeDefined();
    expect(await sessionForToken(t.database.db, token, start + 3 * SESSION_IDLE_MS)).toBeUndefined();
    expect((await a.call('GET', '/contacts/', undefined, token)).statusCode).toBe(401);
  });

  it("the worker's sweep deletes login tokens unused for 24 h, and only those", async () => {
    const login = async () =>
      (await t.app.inject({ method: 'POST', url: '/fideltour/api/v1/login/', payload: { username: a.username, password: a.password } })).json().token;
    const [kept, swept] = [await login(), await login()];
    const later = Date.now() + SESSION_IDLE_MS + 60_000;
    // `kept` is used half a day later; `swept` never again.
    expect(await sessionForToken(t.database.db, kept, Date.now() + SESSION_IDLE_MS / 2)).toBeDefined();
    expect(await sweepLoyaltySessions(t.database.db, later)).toBeGreaterThanOrEqual(1);
    expect(await sessionForToken(t.database.db, kept, later)).toBeDefined();
    expect(await sessionForToken(t.database.db, swept, Date.now())).toBeUndefined();
  });

  it('creates, reads, lists, filters and patches contacts with every listed field', async () => {
    const body = {
      name: 'Pau',
      surname: 'Serra',
      email: 'PSerra@Customia.com',
      phone1: '+34600111222',
      phone2: '+34933111222',
      birthday: '1980-05-17',
      gender: 'M',
      language: 'es',
      country: 'ES',
      custom_fields: { room: '101', vip: true },
      external_object_id: 'PMS-1',
      subscribed: true,
    };
    const created = await a.call('POST', '/contacts/', body);
    expect(created.statusCode, created.body).toBe(201);
    const c = created.json();
    expect(c).toMatchObject({
      name: 'Pau',
      surname: 'Serra',
      email: 'pserra@customia.com',
      phone1: '+34600111222',
      phone2: '+34933111222',
      birthday: '1980-05-17',
      gender: 'M',
      language: 'es',
      country: 'ES',
      custom_fields: { room: '101', vip: 'true' },
      external_object_id: 'PMS-1',
      subscribed: true,
      is_loyalty: false,
      points: 0,
    });
    expect(Number.isInteger(c.id)).toBe(true);
    expect((await a.call('GET', `/contacts/${c.id}/`)).json()).toEqual(c);
    expect((await a.call('GET', `/contacts/${c.id}`)).json()).toEqual(c);

    const byEmail = (await a.call('GET', '/contacts/?email__iexact=PSERRA@customia.com')).json();
    expect(byEmail).toMatchObject({ count: 1, next: null, previous: null });
    expect(byEmail.results[0].id).toBe(c.id);
    expect((await a.call('GET', '/contacts/?external_object_id=PMS-1')).json().results.map((r: any) => r.id)).toEqual([c.id]);
    expect((await a.call('GET', '/contacts/?external_object_id=nope')).json()).toEqual({ count: 0, next: null, previous: null, results: [] });

    const patched = await a.call('PATCH', `/contacts/${c.id}/`, { surname: 'Serra Puig', subscribed: false });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Pau', surname: 'Serra Puig', subscribed: false, birthday: '1980-05-17' });

    // The same e-mail again is the same guest (identity resolution), with the same id.
    const again = await a.call('POST', '/contacts/', { name: 'Pau', email: 'pserra@customia.com' });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(c.id);
    // And the admin API sees that one guest.
    const guests = (await admin(adminToken, 'GET', '/guests?email=pserra@customia.com')).json();
    expect(JSON.stringify(guests)).toContain(String(c.id));
  });

  it('pages with limit/offset and absolute next/previous links', async () => {
    for (let i = 0; i < 3; i++) expect((await a.call('POST', '/contacts/', { name: `Page${i}`, email: `page${i}@example.com` })).statusCode).toBe(201);
    const first = (await a.call('GET', '/contacts/?limit=2')).json();
    expect(first.results).toHaveLength(2);
    expect(first.count).toBeGreaterThanOrEqual(4);
    expect(first.previous).toBeNull();
    expect(first.next).toBe('http://openstay.test/fideltour/api/v1/contacts/?limit=2&offset=2');
    const second = (await a.call('GET', '/contacts/?limit=2&offset=2')).json();
    expect(second.previous).toBe('http://openstay.test/fideltour/api/v1/contacts/?limit=2');
    expect((await a.call('GET', '/contacts/?limit=abc')).statusCode).toBe(400);
  });

  it('rejects bad input with a 400 that changes nothing', async () => {
    const before = (await a.call('GET', '/contacts/')).json().count;
    for (const body of [{ email: 'not-an-email' }, { birthday: '17/05/1980' }, { unknown_field: 1 }, { custom_fields: [1] }, { subscribed: 'maybe' }]) {
      const res = await a.call('POST', '/contacts/', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(typeof res.json().detail).toBe('string');
    }
    expect((await a.call('GET', '/contacts/')).json().count).toBe(before);
    expect((await a.call('GET', '/contacts/99999999/')).statusCode).toBe(404);
    expect((await a.call('GET', '/contacts/abc/')).statusCode).toBe(404);
    expect((await a.call('PATCH', '/contacts/99999999/', { name: 'x' })).statusCode).toBe(404);
  });

  it('keeps accounts apart: another account sees none of these contacts', async () => {
    const c = (await a.call('POST', '/contacts/', { name: 'Iso', email: 'iso@example.com' })).json();
    expect((await b.call('GET', `/contacts/${c.id}/`)).statusCode).toBe(404);
    expect((await b.call('PATCH', `/contacts/${c.id}/`, { name: 'Hijack' })).statusCode).toBe(404);
    expect((await b.call('GET', '/contacts/?email__iexact=iso@example.com')).json().count).toBe(0);
    expect((await b.call('POST', `/contacts/${c.id}/loyalty-sign-in/`, { password: 'secret123' })).statusCode).toBe(404);
  });

  it('serves its OpenAPI document at /fideltour/openapi.json without a token', async () => {
    const res = await t.app.inject({ url: '/fideltour/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.servers[0].url).toBe('http://openstay.test/fideltour');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/login/', '/api/v1/contacts/', '/api/v1/contacts/{id}/', '/api/v1/operations/add-points/', '/api/v1/products/{id}/']),
    );
  });

  it('is the same guest for the Loop face: a Loop Contact with the e-mail lands on the Loyalty contact', async () => {
    const c = (await a.call('POST', '/contacts/', { name: 'Morty', surname: 'Smith', email: 'morty@example.com' })).json();
    const res = await loopCall(t, loopToken, 'POST', 'Contact', { foreignId: 'pms-morty', firstname: 'Morty', lastname: 'Smith', email: 'MORTY@example.com' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().id).toBe(encodeId('guest', c.id));
    // And the Loop foreignId is one more key of that one guest: the Loyalty face still shows the same contact.
    expect((await a.call('GET', '/contacts/?email__iexact=morty@example.com')).json().results.map((r: any) => r.id)).toEqual([c.id]);
  });

  it('is the same guest for the Loopon face: a stay registered with the e-mail belongs to the Loyalty contact', async () => {
    const accountId = (await t.database.db.selectFrom('accounts').select('id').where('slug', '=', firstSlug).executeTakeFirstOrThrow()).id;
    const unit = (await createLocation(t.database.db, accountId, { title: { en: 'Sea Hotel Kattegat' } })).id;
    const client = await createLooponClient(t, accountId);
    const c = (await a.call('POST', '/contacts/', { name: 'Simon', surname: 'Finne', email: 'simon.finne@loopon.com' })).json();
    const stay = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${unit}/stays`,
      headers: { ...client.headers, 'content-type': 'application/json' },
      payload: {
        name: 'Simon Finne',
        bookingReference: 'LOY-1',
        email: 'Simon.Finne@loopon.com',
        checkinDate: '2026-03-01',
        checkoutDate: '2026-03-04',
        status: 'instay',
      },
    });
    expect(stay.statusCode, stay.body).toBe(200);
    const guests = (await admin(adminToken, 'GET', '/guests?email=simon.finne@loopon.com')).json();
    expect(JSON.stringify(guests)).toContain(`"id":${c.id}`);
    expect((await a.call('GET', '/contacts/?email__iexact=simon.finne@loopon.com')).json().count).toBe(1);
    const stays = await t.database.db
      .selectFrom('stays')
      .select('guest_id')
      .where('account_id', '=', accountId)
      .where('booking_reference', '=', 'LOY-1')
      .execute();
    expect(stays.map((s) => s.guest_id)).toEqual([c.id]);
  });
});
