import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOauthClient, revokeOauthClient } from '../src/core/accounts/oauth.js';
import { LOOPON_SCOPES } from '../src/api/loopon/context.js';
import { createLocation } from '../src/core/locations/locations.js';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { createLooponClient } from './helpers/loopon.js';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe.each(dialects())('Loopon OAuth 2 and units on %s', (dialect) => {
  let t: TestApp;
  let accountId: number;
  let clientId: string;
  let clientSecret: string;
  let units: Record<string, number>;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const { account } = await createTestAccount(t);
    accountId = account.id;
    const db = t.database.db;
    const chain = await createLocation(db, accountId, { title: { en: 'Sea Hotels' }, kind: 'chain', propertyCode: '' });
    units = { chain: chain.id };
    for (const [code, name] of [
      ['X01', 'Sea Hotel Gulf of Bothnia'],
      ['X02', 'Sea Hotel Kattegat'],
      ['X03', 'Sea Hotel Skagerrak'],
    ]) {
      units[code] = (await createLocation(db, accountId, { title: { en: name }, parentId: chain.id, propertyCode: code })).id;
    }
    units.other = (await createLocation(db, accountId, { title: { en: 'Elsewhere' }, propertyCode: 'Y01' })).id;
    const created = await createOauthClient(db, accountId, { scopes: ['basic', 'read_scores'], unitIds: [chain.id] }, LOOPON_SCOPES);
    clientId = created.client.client_id;
    clientSecret = created.clientSecret;
  });
  afterAll(async () => t?.close());

  const token = (payload: string, headers: Record<string, string> = FORM) => t.app.inject({ method: 'POST', url: '/loopon/oauth2/token', payload, headers });

  it('issues a bearer token for the client credentials grant (the spec example)', async () => {
    const res = await token(form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'basic' }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(body.access_token).toMatch(/^[A-Za-z0-9]{40,}$/);
    const units = await t.app.inject({ url: '/loopon/public/units', headers: { authorization: `Bearer ${body.access_token}` } });
    expect(units.statusCode).toBe(200);
  });

  it('issues a token with only the granted scopes when more are asked, and says so in scope', async () => {
    const res = await token(
      form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'basic manage_stays chat_sessions read_scores' }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().scope).toBe('basic read_scores');
    const stays = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${units.X02}/stays`,
      headers: { authorization: `Bearer ${res.json().access_token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ status: 'instay' }),
    });
    expect(stays.statusCode).toBe(403);
  });

  it('accepts HTTP Basic client authentication, and grants every client scope when none is asked', async () => {
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    const res = await token(form({ grant_type: 'client_credentials' }), { ...FORM, authorization: `Basic ${basic}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().scope).toBe('basic read_scores');
  });

  it('answers RFC 6749 errors', async () => {
    const badSecret = await token(form({ grant_type: 'client_credentials', client_id: clientId, client_secret: 'nope' }));
    expect(badSecret.statusCode).toBe(401);
    expect(badSecret.json()).toMatchObject({ error: 'invalid_client' });
    const noClient = await token(form({ grant_type: 'client_credentials' }));
    expect(noClient.statusCode).toBe(401);
    expect(noClient.json().error).toBe('invalid_client');
    const grant = await token(form({ grant_type: 'password', client_id: clientId, client_secret: clientSecret }));
    expect(grant.statusCode).toBe(400);
    expect(grant.json().error).toBe('unsupported_grant_type');
    const scope = await token(form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'basic fly' }));
    expect(scope.statusCode).toBe(400);
    expect(scope.json().error).toBe('invalid_scope');
    const ungranted = await token(form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'manage_stays' }));
    expect(ungranted.statusCode).toBe(400);
    expect(ungranted.json().error).toBe('invalid_scope');
    const missing = await token(form({ client_id: clientId }));
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toBe('invalid_request');
  });

  it('answers every malformed token request with an RFC 6749 invalid_request, never a 500', async () => {
    const basic = { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` };
    const cases: Array<[string, string | undefined, Record<string, string>]> = [
      ['empty POST', undefined, {}],
      ['Basic auth, no body', undefined, basic],
      ['malformed JSON', '{"grant_type":"client_credentials"', { 'content-type': 'application/json' }],
      ['empty JSON body', '', { 'content-type': 'application/json' }],
      ['null grant_type', '{"grant_type":null}', { 'content-type': 'application/json' }],
      ['a number as the secret', `{"grant_type":"client_credentials","client_id":"${clientId}","client_secret":5}`, { 'content-type': 'application/json' }],
    ];
    for (const [what, payload, headers] of cases) {
      const res = await t.app.inject({ method: 'POST', url: '/loopon/oauth2/token', headers, ...(payload === undefined ? {} : { payload }) });
      expect(res.statusCode, what).toBe(400);
      expect(res.json(), what).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    }
  });

  it('answers another method on the token endpoint with a 405 naming POST', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/loopon/oauth2/token' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.json().error).toBe('invalid_request');
  });

  it('reads the form however it is sent: no content type, text/plain, JSON; scope as a list too', async () => {
    const creds = `grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}&scope=basic read_scores`;
    // Loopon's own demo backend sets the form body without a content type.
    for (const headers of [{}, { 'content-type': 'text/plain;charset=UTF-8' }, { 'content-type': 'application/octet-stream' }]) {
      const res = await t.app.inject({ method: 'POST', url: '/loopon/oauth2/token', headers, payload: Buffer.from(creds) });
      expect(res.statusCode, JSON.stringify(headers)).toBe(200);
      expect(res.json().scope).toBe('basic read_scores');
    }
    const json = await token(JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: ['basic'] }), {
      'content-type': 'application/json',
    });
    expect(json.statusCode).toBe(200);
    expect(json.json().scope).toBe('basic');
  });

  it('refuses missing, unknown, expired and revoked tokens with 401', async () => {
    expect((await t.app.inject({ url: '/loopon/public/units' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/loopon/public/units', headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);
    const c = await createLooponClient(t, accountId);
    expect((await t.app.inject({ url: '/loopon/public/units', headers: c.headers })).statusCode).toBe(200);
    await t.database.db
      .updateTable('oauth_tokens')
      .set({ expires_at: Date.now() - 1 })
      .where('account_id', '=', accountId)
      .execute();
    const expired = await t.app.inject({ url: '/loopon/public/units', headers: c.headers });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error).toBe('unauthorized');
    const d = await createLooponClient(t, accountId);
    await revokeOauthClient(t.database.db, accountId, d.clientId);
    expect((await t.app.inject({ url: '/loopon/public/units', headers: d.headers })).statusCode).toBe(401);
  });

  it('takes the optional integer VERSION header', async () => {
    const c = await createLooponClient(t, accountId);
    expect((await t.app.inject({ url: '/loopon/public/units', headers: { ...c.headers, version: '1' } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/loopon/public/units', headers: { ...c.headers, version: '7' } })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/loopon/public/units', headers: { ...c.headers, version: 'one' } })).statusCode).toBe(400);
  });

  it('lists the units a client may access, searches by property code, and gets one unit (both spellings)', async () => {
    const c = await createLooponClient(t, accountId, { scopes: ['basic'], unitIds: [units.chain] });
    const list = (await t.app.inject({ url: '/loopon/public/units', headers: c.headers })).json();
    expect(list.map((u: { name: string }) => u.name)).toEqual(['Sea Hotels', 'Sea Hotel Gulf of Bothnia', 'Sea Hotel Kattegat', 'Sea Hotel Skagerrak']);
    expect(list[0]).toEqual({ unitId: units.chain, propertyCode: '', name: 'Sea Hotels', defaultEvaluationId: null });
    const search = (await t.app.inject({ url: '/loopon/public/units?propertyCode=X02', headers: c.headers })).json();
    expect(search).toEqual([{ unitId: units.X02, propertyCode: 'X02', name: 'Sea Hotel Kattegat', defaultEvaluationId: null }]);
    for (const path of [`/loopon/public/units/${units.X02}`, `/loopon/public/unit/${units.X02}`]) {
      const one = await t.app.inject({ url: path, headers: c.headers });
      expect(one.statusCode).toBe(200);
      expect(one.json().unitId).toBe(units.X02);
    }
    expect((await t.app.inject({ url: `/loopon/public/units/${units.X02}/evaluations`, headers: c.headers })).json()).toEqual([]);
  });

  it('is 403 for a unit the client may not use, 404 for unknown units and other accounts', async () => {
    const c = await createLooponClient(t, accountId, { scopes: ['basic'], unitIds: [units.X01] });
    const forbidden = await t.app.inject({ url: `/loopon/public/units/${units.X02}`, headers: c.headers });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().message).toBe('You are not allowed to access the requested unit');
    expect((await t.app.inject({ url: '/loopon/public/units/999999', headers: c.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/loopon/public/units/abc', headers: c.headers })).statusCode).toBe(404);
    const { account: other } = await createTestAccount(t);
    const stranger = await createLooponClient(t, other.id);
    expect((await t.app.inject({ url: `/loopon/public/units/${units.X01}`, headers: stranger.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/loopon/public/units', headers: stranger.headers })).json()).toEqual([]);
  });

  it('needs the basic scope on every endpoint ("required to use API at all")', async () => {
    const c = await createLooponClient(t, accountId, { scopes: ['read_scores', 'manage_stays', 'chat_sessions', 'read_answers', 'read_public_reviews'] });
    const calls = [
      { url: '/loopon/public/units' },
      { url: `/loopon/public/units/${units.X02}/evaluation/scores/nps` },
      { url: `/loopon/public/units/${units.X02}/reviews` },
      { url: `/loopon/public/units/${units.X02}/stays/1/events` },
      { method: 'POST' as const, url: `/loopon/public/units/${units.X02}/stays`, payload: { status: 'instay' } },
    ];
    for (const call of calls) {
      const res = await t.app.inject({ ...call, headers: c.headers });
      expect(res.statusCode, call.url).toBe(403);
      expect(res.json().message).toMatch(/basic/);
    }
  });

  it('publishes its OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/loopon/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/oauth2/token', '/public/units', '/public/units/{unitId}', '/public/unit/{unitId}']));
  });
});
