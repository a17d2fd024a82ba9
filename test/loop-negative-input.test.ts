import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { DemoIds } from '../src/core/demo/seed-demo.js';
import { encodeId } from '../src/api/loop-v1/ids.js';
import { dialects } from './helpers/database.js';
import type { TestApp } from './helpers/app.js';
import { createLoopDemoApp } from './helpers/loop.js';

/*
 * Loop v1 negative tests for input: malformed bodies, wrong types, bad dates, unknown or
 * malformed ids, missing fields. Strings are strict (a number for firstname is a 400) except where
 * Loop clients are documented or known to be loose: foreignId, mobile/sms, room, deviceId and
 * timestamps may be numbers; booleans may be "true"/"false"; customFields an object or an array.
 */

type Res = { statusCode: number; body: string };
const expectError = (res: Res, status: number, message?: RegExp) => {
  expect(res.statusCode, res.body).toBe(status);
  const body = JSON.parse(res.body);
  expect(body).toMatchObject({ status: 'Error', code: expect.any(String), message: message ?? expect.any(String) });
};

describe.each(dialects())('Loop v1 input validation (%s)', (dialect) => {
  let t: TestApp;
  let token: string;
  let ids: DemoIds;
  let location: string;
  let loopType: string;

  beforeAll(async () => {
    ({ t, token, ids } = await createLoopDemoApp(dialect));
    location = encodeId('location', ids.locations['1300']);
    loopType = encodeId('looptype', ids.loopTypes.housekeeping);
  });
  afterAll(async () => t?.close());

  const raw = (method: 'POST' | 'GET' | 'DELETE', path: string, payload?: string, contentType = 'application/json') =>
    t.app.inject({
      method,
      url: `/loop/api/v1/${path}${path.includes('?') ? '&' : '?'}authToken=${token}`,
      ...(payload === undefined ? {} : { headers: { 'content-type': contentType }, payload }),
    });
  const post = (path: string, body: unknown) => raw('POST', path, JSON.stringify(body));
  const get = (path: string) => raw('GET', path);
  const loop = (extra: Record<string, unknown>) => post('loops', { location, loopType, description: 'Towels please', ...extra });

  it('malformed or non-object JSON is a 400', async () => {
    expectError(await raw('POST', 'Contact', '{"foreignId": "x",'), 400, /not valid JSON/);
    expectError(await raw('POST', 'Contact', '{bad'), 400, /not valid JSON/);
    expectError(await raw('POST', 'Contact', ''), 400);
    for (const payload of ['[]', 'null', '"text"', '42']) expectError(await raw('POST', 'Contact', payload), 400);
    expectError(await raw('POST', 'ContactEvent', '{"event":"checkin",}'), 400, /not valid JSON/);
    // curl --data without -H sends a form: malformed JSON there is a 400 too
    expectError(await raw('POST', 'Contact', '{"foreignId":', 'application/x-www-form-urlencoded'), 400, /not valid JSON/);
  });

  it('JSON sent as a form (curl --data without a content type) is read as JSON', async () => {
    const res = await raw('POST', 'Contact', JSON.stringify({ foreignId: 'form-1', email: 'form@example.com' }), 'application/x-www-form-urlencoded');
    expect(res.statusCode, res.body).toBe(200);
  });

  it('reads JSON whatever text content type it came with; other content types are a 415', async () => {
    // fetch() with a string body sends text/plain; some clients send no content type at all.
    const asText = await raw('POST', 'Contact', JSON.stringify({ foreignId: 'as-text', firstname: 'Tex' }), 'text/plain;charset=UTF-8');
    expect(asText.statusCode).toBe(200);
    const untyped = await t.app.inject({ method: 'POST', url: `/loop/api/v1/Contact?authToken=${token}`, payload: Buffer.from('{"foreignId":"untyped"}') });
    expect(untyped.statusCode).toBe(200);
    expect(untyped.json().id).not.toBe(asText.json().id);
    expectError(await raw('POST', 'Contact', '{"foreignId": ', 'text/plain'), 400, /not valid JSON/);
    expectError(await raw('POST', 'Contact', 'hello', 'text/plain'), 400);
    expectError(await raw('POST', 'Contact', '<contact/>', 'application/xml'), 415);
  });

  it('reads an empty JSON body as none, so a DELETE keyed in the query string works with a JSON content type', async () => {
    const created = await post('Contact', { foreignId: 'query-delete' });
    expect(created.statusCode).toBe(200);
    const res = await raw('DELETE', 'Contact?foreignId=query-delete', '', 'application/json');
    expect(res.statusCode).toBe(200);
    expect((await raw('DELETE', 'Contact?foreignId=query-delete', '', 'application/json')).statusCode).toBe(404);
  });

  it('reads null fields as not sent and refuses JSON nested absurdly deep (400, not a crash)', async () => {
    const res = await post('Contact', { foreignId: 'nulls', firstname: 'Nell', lastname: null, room: null, checkedInStatus: null });
    expect(res.statusCode).toBe(200);
    expect((await post('Contact', { foreignId: 'nulls', firstname: null })).statusCode).toBe(200);
    const deep = `${'['.repeat(5000)}"bottom"${']'.repeat(5000)}`;
    expectError(await raw('POST', 'ContactEvent', `{"event":"checkin","foreignId":"nulls","extra":${deep}}`), 400, /nest/);
  });

  it('wrong types are a 400: strict strings, custom fields, booleans', async () => {
    expectError(await post('Contact', { foreignId: 'x', firstname: 123 }), 400, /firstname/);
    expectError(await post('Contact', { foreignId: 'x', email: ['a@b.cd'] }), 400, /email/);
    expectError(await post('Contact', { foreignId: { id: 1 } }), 400, /foreignId/);
    expectError(await post('Contact', { foreignId: 'x', mobile: true }), 400, /mobile/);
    expectError(await post('Contact', { foreignId: 'x', customFields: 'x' }), 400, /customFields/);
    expectError(await post('Contact', { foreignId: 'x', customFields: [1] }), 400, /customFields/);
    expectError(await post('Contact', { foreignId: 'x', customFields: [{ guestID: { nested: 1 } }] }), 400, /customFields/);
    expectError(await post('Contact', { foreignId: 'x', checkedInStatus: 'maybe' }), 400, /checkedInStatus/);
    expectError(await post('Contact', { foreignId: 'x', checkedInStatus: 2 }), 400, /checkedInStatus/);
    expectError(await post('Contact', { foreignId: 'x', email: 'not-an-email' }), 400, /email/);
    expectError(await post('ContactEvent', { event: 123, foreignId: 'abc123' }), 400, /event/);
    expectError(await post('ContactEvent', { event: 'check in!', foreignId: 'abc123' }), 400, /event/);
    expectError(await loop({ location: 1300 }), 400, /location/);
    expectError(await loop({ customFields: 'x' }), 400, /customFields/);
    expectError(await loop({ user: 'Morty' }), 400, /user/);
    expectError(await loop({ user: { email: 5 } }), 400, /email/);
    expectError(await post('users', { username: 'u', permissions: 'all' }), 400, /permissions/);
    expectError(await post('invite/url', { email: 5 }), 400, /email/);
    const q = (i: number) => encodeId('question', ids.questions[i]);
    expectError(await post('responses', { location, responses: [{ categoryId: q(0), value: 'maybe' }] }), 400, /value/);
    expectError(await post('responses', { location, responses: [{ categoryId: q(3), value: { text: 'x' } }] }), 400, /value/);
    expectError(await post('responses', { location, responses: 'all good' }), 400, /responses/);
    // documented as tolerant: numbers for keys, phone numbers and rooms
    expect((await post('Contact', { foreignId: 4242, mobile: 16135550123, room: 12 })).statusCode).toBe(200);
  });

  it('bad dates are a 400, in every date field', async () => {
    for (const bad of [
      'tomorrow',
      '2018-13-01T00:00:00Z',
      '2020-02-31',
      '2021-02-29T10:00:00Z',
      'Mon, 31 Feb 2020 10:00:00 +0000',
      '01/02/2018',
      -5,
      1e20,
      true,
    ]) {
      expectError(await post('Contact', { foreignId: 'dates', arrivalTime: bad }), 400, /arrivalTime/);
      expectError(await post('ContactEvent', { event: 'checkin', foreignId: 'abc123', timestamp: bad }), 400, /timestamp/);
      expectError(await loop({ timestamp: bad }), 400, /timestamp/);
    }
    expectError(
      await post('Contact', { foreignId: 'dates', arrivalTime: '2018-02-04T00:00:00Z', departureTime: '2018-02-01T00:00:00Z' }),
      400,
      /departureTime/,
    );
    // and good ones pass: ISO 8601, RFC 2822, epoch ms, 29 Feb of a leap year
    for (const good of ['2020-02-29', 'Sat, 29 Feb 2020 10:00:00 +0000', '2018-02-01T11:00:00.000Z', 1517482800000]) {
      expect((await post('Contact', { foreignId: 'dates', arrivalTime: good })).statusCode).toBe(200);
    }
  });

  it('unknown locations, loop types, custom fields and surveys are a 404', async () => {
    expectError(await loop({ location: '9999' }), 404, /location/);
    expectError(await loop({ loopType: 'plumbing' }), 404, /loop type/);
    // A custom-field key written as a Loop id must name one of the account's custom fields.
    expectError(await loop({ customFields: [{ ffffffffffffffffffffffff: '1' }] }), 404, /custom field/);
    expect((await loop({ customFields: [{ pmsNote: 'kept as sent' }] })).statusCode).toBe(200);
    expectError(await post('Contact', { foreignId: 'x', locationId: 'nowhere' }), 404, /location/);
    expectError(await post('ContactEvent', { event: 'checkin', foreignId: 'new-inc', location: 'nowhere' }), 404, /location/);
    expectError(await post('invite/url', { locationId: 'nowhere' }), 404, /location/);
    expectError(await post('users', { username: 'u-404', locations: ['nowhere'] }), 404, /location/);
    expectError(await get('locations/9999'), 404);
    expectError(await get('customfields/floor'), 404);
    expectError(await get('surveys/bar'), 404);
    expectError(await get('surveys?location=9999'), 404);
  });

  it('malformed, foreign-kind and out-of-range ids are a 404, never a 500', async () => {
    const big = 2 ** 40; // well-formed, but beyond any key
    const malformed = ['zzz', '', '0'.repeat(24), 'g'.repeat(24), encodeId('location', ids.locations['1300']), encodeId('guest', big)];
    for (const id of malformed) {
      if (id) expectError(await post('ContactEvent', { event: 'checkin', contactId: id }), 404);
      if (id) expectError(await get(`loops?customer=${id}`), 404);
      if (id) expectError(await raw('DELETE', 'Contact', JSON.stringify({ id })), 404);
      if (id) expectError(await post('Contact', { id, email: 'ids@example.com' }), 404);
      expectError(await loop({ customer: id || 'x' }), 404, /customer/);
    }
    expectError(await loop({ location: encodeId('location', big) }), 404, /location/);
    expectError(await loop({ loopType: encodeId('looptype', big) }), 404, /loop type/);
    expectError(await loop({ loopType: encodeId('location', ids.locations['1300']) }), 404, /loop type/);
    expectError(await get(`surveys?location=${encodeId('location', big)}`), 404);
    for (const categoryId of ['zz', encodeId('question', big), encodeId('survey', ids.survey)]) {
      expectError(await post('responses', { location, responses: [{ categoryId, value: true }] }), 404, /categoryId/);
    }
    const page = await t.app.inject({ method: 'GET', url: `/loop/p/demo/loops/${encodeId('loop', big)}?sig=x` });
    expect(page.statusCode).toBe(404);
  });

  it('missing required fields are a 400', async () => {
    expectError(await post('Contact', {}), 400);
    expectError(await post('Contact', { firstname: 'Nobody' }), 400);
    expectError(await raw('DELETE', 'Contact', '{}'), 400);
    expectError(await raw('DELETE', 'Contact'), 400);
    expectError(await post('ContactEvent', { foreignId: 'abc123' }), 400, /event/);
    expectError(await post('ContactEvent', { event: 'checkin' }), 400);
    expectError(await post('loops', { location, loopType }), 400, /description/);
    expectError(await post('loops', { location, description: 'x' }), 400, /loopType/);
    expectError(await post('loops', { loopType, description: 'x' }), 400, /location/);
    expectError(await loop({ description: '   ' }), 400, /description/);
    expectError(await get('loops'), 400, /customer/);
    expectError(await get('users'), 400);
    expectError(await post('users', { name: 'No Username' }), 400, /username/);
    expectError(await post('users', { username: '' }), 400, /username/);
    expectError(await post('responses', { location, responses: [] }), 400, /responses/);
    expectError(await post('responses', { responses: [{ categoryId: encodeId('question', ids.questions[0]), value: true }] }), 400, /location/);
    expectError(await post('responses', { location, responses: [{ categoryId: encodeId('question', ids.questions[0]) }] }), 400, /value/);
  });

  it('a taken employee username is a 409', async () => {
    expectError(await post('users', { username: 'benria' }), 409, /taken/);
  });

  it('NUL characters anywhere are a 400, not a database error', async () => {
    expectError(await post('Contact', { foreignId: 'nul', firstname: 'a\u0000b' }), 400, /NUL/);
    expectError(await post('Contact', { foreignId: 'nul\u0000' }), 400, /NUL/);
    expectError(await post('Contact', { foreignId: 'nul', customFields: [{ 'k\u0000': 'v' }] }), 400, /NUL/);
    expectError(await loop({ description: 'towels\u0000' }), 400, /NUL/);
    expectError(await get('locations/%00'), 400, /NUL/);
    expectError(await get('users?username=%00'), 400, /NUL/);
    expectError(await get('surveys?location=a%00'), 400, /NUL/);
  });

  it('over-long keys (foreignId, e-mail, mobile, username) are a 400, not a database error', async () => {
    const long = randomBytes(3000).toString('hex');
    expectError(await post('Contact', { foreignId: long }), 400, /foreignId/);
    expectError(await post('Contact', { foreignId: 'x', email: `${long}@example.com` }), 400, /email/);
    expectError(await post('Contact', { foreignId: 'x', mobile: long }), 400, /mobile/);
    expectError(await post('ContactEvent', { event: 'checkin', foreignId: long, name: 'Long' }), 400, /foreignId/);
    expectError(await post('users', { username: long }), 400, /username/);
    expectError(await post('users', { username: 'long-mail', email: `${long}@example.com` }), 400, /email/);
    expectError(await post('invite/url', { email: `${long}@example.com` }), 400, /email/);
    expectError(await loop({ user: { sms: long } }), 400, /sms/);
    expect((await get(`users?email=${long}`)).statusCode).toBe(200); // a lookup is harmless
    // 255 characters is fine
    expect((await post('Contact', { foreignId: 'k'.repeat(255) })).statusCode).toBe(200);
  });

  it('never answered with a 500', () => {
    expect(t.logs.length).toBeGreaterThan(0);
    const errors = t.logs.map((l) => JSON.parse(l)).filter((l) => l.level >= 50 || l.res?.statusCode >= 500);
    expect(errors).toEqual([]);
  });
});
