import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoAccount, type DemoIds } from '../src/core/demo/seed-demo.js';
import { encodeId } from '../src/api/loop-v1/ids.js';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';

/* Loop v1 negative tests: authentication, tenant isolation, API version, body size. */

type Res = { statusCode: number; body: string; headers: Record<string, unknown> };
const expectError = (res: Res, status: number, code?: string) => {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(res.body);
  expect(body).toEqual({ status: 'Error', code: code ?? expect.any(String), message: expect.any(String) });
  return body;
};

describe.each(dialects())('Loop v1 authentication and tenancy (%s)', (dialect) => {
  let t: TestApp;
  let small: TestApp; // BODY_LIMIT=1024
  let token: string;
  let ids: DemoIds;
  let other: { loopToken: string; adminToken: string };

  beforeAll(async () => {
    [t, small] = await Promise.all([createTestApp(dialect, {}, { demo: true }), createTestApp(dialect, { BODY_LIMIT: '1024' })]);
    const demo = await ensureDemoAccount(t.database.db);
    token = demo.loopToken;
    ids = demo.ids;
    other = await createTestAccount(t);
  });
  afterAll(async () => {
    await t?.close();
    await small?.close();
  });

  const call = (as: string | undefined, method: 'GET' | 'POST' | 'DELETE', pathAndQuery: string, body?: unknown, app = t) => {
    const sep = pathAndQuery.includes('?') ? '&' : '?';
    const auth = as === undefined ? '' : `${sep}authToken=${encodeURIComponent(as)}`;
    return app.app.inject({
      method,
      url: `/loop/api/v1/${pathAndQuery}${auth}`,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }),
    });
  };

  it('no token is a 401 with a Loop error body, on every kind of route', async () => {
    for (const [method, path, body] of [
      ['GET', 'locations', undefined],
      ['GET', 'users?username=benria', undefined],
      ['POST', 'Contact', { foreignId: 'abc123', firstname: 'Mallory' }],
      ['POST', 'ContactEvent', { event: 'checkout', foreignId: 'abc123' }],
      ['DELETE', 'Contact', { foreignId: 'abc123' }],
      ['POST', 'loops', { location: '1300', loopType: 'housekeeping', description: 'x' }],
      ['POST', 'invite/url', {}],
    ] as const) {
      expectError(await call(undefined, method, path, body), 401, 'unauthorized');
    }
    // nothing reached the database
    const guest = await t.database.db.selectFrom('guests').selectAll().where('id', '=', ids.contact).executeTakeFirstOrThrow();
    expect(guest.first_name).toBe('Rick');
  });

  it('an empty, wrong or admin-kind token is a 401', async () => {
    expectError(await call('', 'GET', 'locations'), 401, 'unauthorized');
    expectError(await call('not-a-token', 'GET', 'locations'), 401, 'unauthorized');
    expectError(await call(`${token}x`, 'GET', 'locations'), 401, 'unauthorized');
    expectError(await call(other.adminToken, 'GET', 'locations'), 401, 'unauthorized');
  });

  it('authentication cannot be skipped by spelling the path differently', async () => {
    for (const url of ['/loop/API/v1/locations', '/LOOP/api/v1/locations', '/loop/%61pi/v1/locations', '/loop/api/V1/users/?username=benria']) {
      expectError(await t.app.inject({ method: 'GET', url }), 401, 'unauthorized');
    }
    const res = await t.app.inject({
      method: 'POST',
      url: '/loop/Api/v1/Contact',
      headers: { 'content-type': 'application/json' },
      payload: { foreignId: 'case-bypass', email: 'bypass@example.com' },
    });
    expectError(res, 401, 'unauthorized');
    expect(await t.database.db.selectFrom('guest_keys').selectAll().where('key', '=', 'case-bypass').execute()).toEqual([]);
  });

  it("another account's token sees nothing of ours", async () => {
    const as = other.loopToken;
    const ok = async (path: string) => {
      const res = await call(as, 'GET', path);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    expect(await ok('locations')).toEqual({ locations: [] });
    expect(await ok('looptypes')).toEqual({ looptypes: [] });
    expect(await ok('customfields')).toEqual({ customfields: [] });
    expect(await ok('surveys')).toEqual({ surveys: [] });
    expect(await ok('users?username=benria')).toEqual({ users: [] });
    expect(await ok('users?email=rs@abc.com')).toEqual({ users: [] });
    expectError(await call(as, 'GET', 'locations/1300'), 404, 'not_found');
    expectError(await call(as, 'GET', 'customfields/room'), 404, 'not_found');
    expectError(await call(as, 'GET', 'surveys/restaurant'), 404, 'not_found');
    expectError(await call(as, 'GET', 'surveys?location=1300'), 404, 'not_found');

    const ourContact = encodeId('guest', ids.contact);
    const ourLocation = encodeId('location', ids.locations['1300']);
    expectError(await call(as, 'GET', `loops?customer=${encodeId('guest', ids.customer)}`), 404, 'not_found');
    expectError(await call(as, 'POST', 'ContactEvent', { event: 'checkout', contactId: ourContact }), 404, 'not_found');
    expectError(await call(as, 'POST', 'ContactEvent', { event: 'checkout', foreignId: 'abc123' }), 404, 'not_found');
    expectError(await call(as, 'POST', 'Contact', { id: ourContact, firstname: 'Mallory' }), 404, 'not_found');
    expectError(await call(as, 'DELETE', 'Contact', { id: ourContact }), 404, 'not_found');
    expectError(await call(as, 'DELETE', 'Contact', { foreignId: 'abc123' }), 404, 'not_found');
    expectError(await call(as, 'POST', 'loops', { location: ourLocation, loopType: 'housekeeping', description: 'x' }), 404, 'not_found');
    expectError(await call(as, 'POST', 'invite/url', { locationId: ourLocation }), 404, 'not_found');
    expectError(await call(as, 'POST', 'users', { username: 'eve', locations: [ourLocation] }), 404, 'not_found');
    const q = encodeId('question', ids.questions[0]);
    expectError(await call(as, 'POST', 'responses', { location: ourLocation, responses: [{ categoryId: q, value: true }] }), 404, 'not_found');
  });

  it('the same foreignId or e-mail in another account is another guest; ours is untouched', async () => {
    const before = await t.database.db.selectFrom('guests').selectAll().where('id', '=', ids.contact).executeTakeFirstOrThrow();
    const theirs = await call(other.loopToken, 'POST', 'Contact', { foreignId: 'abc123', email: 'rs@abc.com', firstname: 'Mallory' });
    expect(theirs.statusCode, theirs.body).toBe(200);
    expect(theirs.json().id).not.toBe(encodeId('guest', ids.contact));
    const invite = await call(other.loopToken, 'POST', 'invite/url', { name: 'Mallory', email: 'rs@abc.com' });
    expect(invite.json().guestId).toBe(theirs.json().id);
    const after = await t.database.db.selectFrom('guests').selectAll().where('id', '=', ids.contact).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    // and our token does not see theirs
    const users = await call(token, 'GET', 'users?email=rs@abc.com');
    expect(users.json().users.map((u: { id: string }) => u.id)).toEqual([encodeId('guest', ids.contact)]);
  });

  it('an unknown API version is a 404; the version is case-insensitive', async () => {
    expectError(await t.app.inject({ method: 'GET', url: `/loop/api/v2/locations?authToken=${token}` }), 404, 'not_found');
    expectError(await t.app.inject({ method: 'GET', url: `/loop/api/v0/locations?authToken=${token}` }), 404, 'not_found');
    expectError(await t.app.inject({ method: 'GET', url: `/loop/api/latest/locations?authToken=${token}` }), 404, 'not_found');
    expect((await t.app.inject({ method: 'GET', url: `/loop/api/V1/locations?authToken=${token}` })).statusCode).toBe(200);
  });

  it('an unknown endpoint or method is a 404 with a Loop error body', async () => {
    expectError(await t.app.inject({ method: 'GET', url: `/loop/api/v1/nothing-here?authToken=${token}` }), 404, 'not_found');
    expectError(await t.app.inject({ method: 'PUT', url: `/loop/api/v1/Contact?authToken=${token}`, payload: {} }), 404, 'not_found');
    expectError(await t.app.inject({ method: 'GET', url: `/loop/api/v1/Contact?authToken=${token}` }), 404, 'not_found');
  });

  it('a body over BODY_LIMIT is a 413 with a Loop error body', async () => {
    // An account of its own is all the small app needs (not the whole demo).
    const { loopToken } = await createTestAccount(small);
    const big = { foreignId: 'big', firstname: 'x'.repeat(2000) };
    expectError(await call(loopToken, 'POST', 'Contact', big, small), 413, 'payload_too_large');
    expect((await call(loopToken, 'POST', 'Contact', { foreignId: 'fits', firstname: 'x' }, small)).statusCode).toBe(200);
    // the default limit is 1 MiB
    const huge = { foreignId: 'huge', firstname: 'x'.repeat(1024 * 1024 + 1) };
    expectError(await call(token, 'POST', 'Contact', huge), 413, 'payload_too_large');
    expect(await t.database.db.selectFrom('guest_keys').selectAll().where('key', '=', 'huge').execute()).toEqual([]);
  });

  it('never answered with a 500', () => {
    for (const logs of [t.logs, small.logs]) {
      expect(logs.length).toBeGreaterThan(0);
      const errors = logs.map((l) => JSON.parse(l)).filter((l) => l.level >= 50 || l.res?.statusCode >= 500);
      expect(errors).toEqual([]);
    }
  });
});
