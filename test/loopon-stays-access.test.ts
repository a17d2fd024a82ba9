import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { createLocation } from '../src/core/locations/locations.js';
import { isPrivateHost } from '../src/core/shared/callback-url.js';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { createLooponClient } from './helpers/loopon.js';

/*
 * Register Guest Stay refusals: scopes, units, and what the body must look like (status, dates,
 * contact formats, callbacks on private networks unless ALLOW_PRIVATE_CALLBACK_URLS allows them).
 */

describe.each(dialects())('Loopon stays: scopes, units and input on %s', (dialect) => {
  let t: TestApp;
  let accountId: number;
  let unit: number;
  let chain: number;
  let otherUnit: number;
  let foreignUnit: number;
  let all: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const db = t.database.db;
    accountId = (await createTestAccount(t)).account.id;
    chain = (await createLocation(db, accountId, { title: { en: 'Sea Hotels' }, kind: 'chain' })).id;
    unit = (await createLocation(db, accountId, { title: { en: 'Sea Hotel Kattegat' }, parentId: chain })).id;
    otherUnit = (await createLocation(db, accountId, { title: { en: 'Elsewhere' } })).id;
    const stranger = (await createTestAccount(t)).account.id;
    foreignUnit = (await createLocation(db, stranger, { title: { en: 'Not yours' } })).id;
    all = (await createLooponClient(t, accountId)).headers;
  });
  afterAll(async () => t?.close());

  const post = (body: unknown, headers: Record<string, string> = all, unitId: number | string = unit) =>
    t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${unitId}/stays`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
  const status = async (body: unknown, headers?: Record<string, string>, unitId?: number | string) => {
    const res = await post(body, headers, unitId);
    return res.statusCode;
  };
  const callback = { url: 'https://pms.example.com/cb', auth: 'none' };

  it('needs a bearer token (401) and the manage_stays scope (403)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${unit}/stays`,
      headers: { 'content-type': 'application/json' },
      payload: '{"status":"instay"}',
    });
    expect(res.statusCode).toBe(401);
    const { headers } = await createLooponClient(t, accountId, { scopes: ['basic', 'chat_sessions'] });
    const denied = await post({ status: 'instay' }, headers);
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ error: 'forbidden', message: expect.stringContaining('manage_stays') });
  });

  it('needs chat_sessions for a callback (403); without it the Stay has no chatSession', async () => {
    const { headers } = await createLooponClient(t, accountId, { scopes: ['basic', 'manage_stays'] });
    const denied = await post({ status: 'instay', stayCallback: callback }, headers);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().message).toContain('chat_sessions');
    const res = await post({ status: 'instay', email: 'nochat@example.com' }, headers);
    expect(res.statusCode).toBe(200);
    expect(res.json()).not.toHaveProperty('chatSession');
    expect(res.json().guest.email).toBe('nochat@example.com');
    // The same guest, asked for with chat_sessions, gets a session; it is the same on every call.
    const withChat = await post({ status: 'instay', email: 'nochat@example.com' });
    const again = await post({ status: 'poststay', email: 'nochat@example.com' });
    expect(withChat.json().chatSession.sessionId).toBe(again.json().chatSession.sessionId);
  });

  it('answers 403 for a unit the client may not use, 404 for another account\u2019s or no unit', async () => {
    const { headers } = await createLooponClient(t, accountId, { unitIds: [otherUnit] });
    expect(await status({ status: 'instay' }, headers)).toBe(403);
    expect(await status({ status: 'instay' }, headers, otherUnit)).toBe(200);
    const viaChain = await createLooponClient(t, accountId, { unitIds: [chain] });
    expect(await status({ status: 'instay' }, viaChain.headers)).toBe(200);
    expect(await status({ status: 'instay' }, all, foreignUnit)).toBe(404);
    expect(await status({ status: 'instay' }, all, 99999999)).toBe(404);
    expect(await status({ status: 'instay' }, all, 'abc')).toBe(404);
  });

  it('registers a stay at a chain too (the first unit a client lists is the chain)', async () => {
    const res = await post({ status: 'instay', email: 'chain.guest@example.com' }, all, chain);
    expect(res.statusCode).toBe(200);
    expect(res.json().unitId).toBe(chain);
  });

  it.each([
    [{}, /status/],
    [{ status: 'checkedin' }, /status/],
    [{ status: 'INSTAY' }, /status/],
    [{ status: 'instay', checkinDate: '2026-02-30' }, /checkinDate/],
    [{ status: 'instay', checkinDate: '18/11/2017' }, /checkinDate/],
    [{ status: 'instay', bookingDate: '2017-11-01T10:00:00Z' }, /bookingDate/],
    [{ status: 'instay', checkinDate: '2026-03-05', checkoutDate: '2026-03-04' }, /checkoutDate is before checkinDate/],
    [{ status: 'instay', email: 'not-an-email' }, /email/],
    [{ status: 'instay', email: 42 }, /email/],
    [{ status: 'instay', mobile: '12ab' }, /mobile/],
    [{ status: 'instay', language: 'english' }, /language/],
    [{ status: 'instay', room: { no: 1 } }, /room/],
    [{ status: 'instay', stayCallback: { url: 'ftp://pms.example.com/x' } }, /http or https/],
    [{ status: 'instay', stayCallback: { url: 'not a url' } }, /stayCallback\.url/],
    [{ status: 'instay', stayCallback: { url: 'https://user:pw@pms.example.com/' } }, /credentials/],
    [{ status: 'instay', stayCallback: { url: 'https://pms.example.com/', auth: 'basic' } }, /authToken/],
    [{ status: 'instay', stayCallback: { url: 'https://pms.example.com/', auth: 'digest', authToken: 'x' } }, /auth/],
    [{ status: 'instay', stayCallback: { auth: 'none' } }, /url/],
    [{ status: 'instay', stayCallback: { url: 'http://localhost:8080/cb' } }, /private/],
    [{ status: 'instay', stayCallback: { url: 'http://127.0.0.1/cb' } }, /private/],
    [{ status: 'instay', stayCallback: { url: 'http://10.1.2.3/cb' } }, /private/],
    [{ status: 'instay', stayCallback: { url: 'http://172.20.0.1/cb' } }, /private/],
    [{ status: 'instay', stayCallback: { url: 'http://192.168.1.10/cb' } }, /private/],
    [{ status: 'instay', stayCallback: { url: 'http://169.254.169.254/latest' } }, /private/],
    [{ status: 'instay', stayCallback: { url: 'http://[::1]/cb' } }, /private/],
    [{ status: 'instay', stayCallback: { url: 'http://0x7f.1/cb' } }, /private/],
  ])('refuses %j with 400', async (body, message) => {
    const res = await post(body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().message).toMatch(message);
  });

  it('accepts tolerant input: numbers for room, reference and mobile; region-tagged languages; nulls as absent', async () => {
    const res = await post({
      status: 'nextstay',
      room: 12,
      bookingReference: 777,
      mobile: 46730000001,
      language: 'en-GB',
      email: null,
      name: '',
      stayCallback: null,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'nextstay',
      room: '12',
      bookingReference: '777',
      language: 'en',
      guest: { mobile: '46730000001', email: null },
    });
  });

  it('documents the stay routes in the face OpenAPI (not the guest page)', async () => {
    const paths = Object.keys((await t.app.inject({ url: '/loopon/openapi.json' })).json().paths);
    expect(paths).toEqual(expect.arrayContaining(['/public/units/{unitId}/stays', '/public/units/{unitId}/stays/{stayId}/events']));
    expect(paths.some((p) => p.startsWith('/stay/'))).toBe(false);
  });

  it('reads ALLOW_PRIVATE_CALLBACK_URLS as a flag (default off)', () => {
    expect(loadConfig({}).allowPrivateCallbackUrls).toBe(false);
    expect(loadConfig({ ALLOW_PRIVATE_CALLBACK_URLS: 'TRUE' }).allowPrivateCallbackUrls).toBe(true);
    expect(loadConfig({ ALLOW_PRIVATE_CALLBACK_URLS: '0' }).allowPrivateCallbackUrls).toBe(false);
    expect(() => loadConfig({ ALLOW_PRIVATE_CALLBACK_URLS: 'maybe' })).toThrow(ConfigError);
  });

  it('classifies callback hosts', () => {
    for (const host of [
      'localhost',
      'api.localhost',
      '127.0.0.1',
      '10.0.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '100.64.0.1',
      '0.0.0.0',
      '[::1]',
      '[fd00::1]',
      '[fe80::1]',
      '[::ffff:7f00:1]',
    ]) {
      expect(isPrivateHost(host), host).toBe(true);
    }
    for (const host of ['pms.example.com', '8.8.8.8', '172.32.0.1', '[2001:db8::1]', '79.99.7.10']) {
      expect(isPrivateHost(host), host).toBe(false);
    }
  });
});

describe.each(dialects())('Loopon stays with ALLOW_PRIVATE_CALLBACK_URLS on %s', (dialect) => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it('accepts a callback on localhost', async () => {
    t = await createTestApp(dialect, { ALLOW_PRIVATE_CALLBACK_URLS: 'true' });
    const accountId = (await createTestAccount(t)).account.id;
    const unit = (await createLocation(t.database.db, accountId, { title: { en: 'Lab' } })).id;
    const { headers } = await createLooponClient(t, accountId);
    const res = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${unit}/stays`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ status: 'instay', stayCallback: { url: 'http://127.0.0.1:9999/cb', auth: 'bearer', authToken: 't' } }),
    });
    expect(res.statusCode, res.body).toBe(200);
  });
});
