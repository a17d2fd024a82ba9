import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';

// The native admin API: authentication, error bodies, the account, credentials and the OpenAPI document.
describe.each(dialects())('admin API on %s', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  const call = (token: string | undefined, method: string, url: string, payload?: unknown) =>
    t.app.inject({
      method: method as any,
      url: `/admin/v1${url}`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(payload === undefined ? {} : { payload: payload as any }),
    });

  describe('query numbers beyond what the columns hold', () => {
    // Found by npm run fuzz on PostgreSQL: each reached an integer column and failed there (a 500).
    it('answers a cursor, a guest id or an offset out of range with a 400', async () => {
      const { adminToken } = await createTestAccount(t);
      for (const url of [
        '/requests?before=2147483648',
        '/loyalty/operations?guestId=2147483648',
        '/loyalty/operations?offset=1e300',
        '/messages?before=1e300',
        '/audit?before=1e300',
      ]) {
        const res = await call(adminToken, 'GET', url);
        expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
        expect(res.json().error.code).toBe('validation_failed');
      }
      expect((await call(adminToken, 'GET', '/requests?before=2147483647')).statusCode).toBe(200);
    });
  });

  describe('authentication', () => {
    it('refuses a request without a token with a 401 JSON error', async () => {
      const res = await call(undefined, 'GET', '/account');
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining('Bearer') } });
    });

    it('refuses a wrong token, a malformed header and a Loop token', async () => {
      const { loopToken } = await createTestAccount(t);
      expect((await call('not-a-token', 'GET', '/account')).statusCode).toBe(401);
      expect((await call(loopToken, 'GET', '/locations')).statusCode).toBe(401);
      const basic = await t.app.inject({ url: '/admin/v1/account', headers: { authorization: 'Basic abc' } });
      expect(basic.statusCode).toBe(401);
      expect(basic.json().error.code).toBe('unauthorized');
    });

    it('refuses writes without a token before reading the body', async () => {
      const res = await call(undefined, 'POST', '/locations', { title: 'Lobby' });
      expect(res.statusCode).toBe(401);
    });
  });

  describe('errors', () => {
    it('answers an unknown path with a JSON 404', async () => {
      const { adminToken } = await createTestAccount(t);
      const res = await call(adminToken, 'GET', '/no-such-thing');
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: { code: 'not_found', message: 'No such endpoint: GET /admin/v1/no-such-thing' } });
      expect((await t.app.inject({ url: '/admin/nothing' })).json().error.code).toBe('not_found');
    });

    it('answers malformed JSON with a 400', async () => {
      const { adminToken } = await createTestAccount(t);
      const res = await t.app.inject({
        method: 'POST',
        url: '/admin/v1/locations',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        payload: '{"title": ',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toBe('Request body is not valid JSON');
    });

    it('answers a non-numeric or out-of-range path id with a 404 (it names nothing), never a 500', async () => {
      const { adminToken } = await createTestAccount(t);
      const word = await call(adminToken, 'GET', '/locations/abc');
      expect(word.statusCode).toBe(404);
      expect(word.json().error).toEqual({ code: 'not_found', message: 'No such resource: GET /admin/v1/locations/abc' });
      expect((await call(adminToken, 'GET', '/locations/99999999999')).statusCode).toBe(404);
      expect((await call(adminToken, 'GET', '/locations/123456')).statusCode).toBe(404);
    });
  });

  describe('account', () => {
    it('shows the account of the token', async () => {
      const { account, adminToken } = await createTestAccount(t);
      const res = await call(adminToken, 'GET', '/account');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ id: account.id, slug: account.slug, name: account.name, settings: {}, createdAt: account.created_at });
    });

    it('renames the account and merges settings; null removes a setting', async () => {
      const { adminToken } = await createTestAccount(t);
      await call(adminToken, 'POST', '/loop-types', { shortcode: 'feedback', title: 'Feedback' });
      const res = await call(adminToken, 'PATCH', '/account', {
        name: '  Hotel Mar  ',
        settings: { responsesCreateLoops: true, responseLoopType: 'feedback' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ name: 'Hotel Mar', settings: { responsesCreateLoops: true, responseLoopType: 'feedback' } });
      const cleared = await call(adminToken, 'PATCH', '/account', { settings: { responseLoopType: null } });
      expect(cleared.json().settings).toEqual({ responsesCreateLoops: true });
      expect((await call(adminToken, 'GET', '/account')).json()).toMatchObject({ name: 'Hotel Mar', settings: { responsesCreateLoops: true } });
    });

    it('keeps both of two settings changed at the same time', async () => {
      const { adminToken } = await createTestAccount(t);
      await call(adminToken, 'POST', '/loop-types', { shortcode: 'feedback', title: 'Feedback' });
      for (let i = 0; i < 10; i++) {
        await call(adminToken, 'PATCH', '/account', { settings: { responsesCreateLoops: null, responseLoopType: null } });
        await Promise.all([
          call(adminToken, 'PATCH', '/account', { settings: { responsesCreateLoops: true } }),
          call(adminToken, 'PATCH', '/account', { settings: { responseLoopType: 'feedback' } }),
        ]);
        expect((await call(adminToken, 'GET', '/account')).json().settings).toEqual({ responsesCreateLoops: true, responseLoopType: 'feedback' });
      }
    });

    it('refuses unknown settings, wrong types, a blank name and an unknown loop type', async () => {
      const { adminToken } = await createTestAccount(t);
      const unknown = await call(adminToken, 'PATCH', '/account', { settings: { colour: 'blue' } });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.message).toBe('body.settings: unknown field "colour"');
      const wrongType = await call(adminToken, 'PATCH', '/account', { settings: { responsesCreateLoops: 'yes' } });
      expect(wrongType.statusCode).toBe(400);
      expect(wrongType.json().error.message).toBe('body.settings.responsesCreateLoops must be boolean or null');
      expect((await call(adminToken, 'PATCH', '/account', { name: '   ' })).statusCode).toBe(400);
      expect((await call(adminToken, 'PATCH', '/account', { slug: 'other' })).statusCode).toBe(400);
      const loopType = await call(adminToken, 'PATCH', '/account', { settings: { responseLoopType: 'nope' } });
      expect(loopType.statusCode).toBe(400);
      expect(loopType.json().error.message).toContain('no loop type with shortcode "nope"');
    });
  });

  describe('credentials', () => {
    it('issues a Loop authToken that the Loop face accepts', async () => {
      const { adminToken, loopToken } = await createTestAccount(t);
      const res = await call(adminToken, 'POST', '/credentials', { kind: 'loop' });
      expect(res.statusCode).toBe(201);
      const { kind, token } = res.json();
      expect(kind).toBe('loop');
      expect(token).toMatch(/^[A-Za-z0-9]{24}$/);
      expect((await t.app.inject({ url: `/loop/api/v1/locations?authToken=${token}` })).statusCode).toBe(200);
      expect((await t.app.inject({ url: `/loop/api/v1/locations?authToken=${loopToken}` })).statusCode).toBe(200);
    });

    it('revokes the older tokens of the kind when asked', async () => {
      const { adminToken, loopToken } = await createTestAccount(t);
      const res = await call(adminToken, 'POST', '/credentials', { kind: 'loop', revokeExisting: true });
      expect(res.statusCode).toBe(201);
      expect((await t.app.inject({ url: `/loop/api/v1/locations?authToken=${loopToken}` })).statusCode).toBe(401);
      expect((await t.app.inject({ url: `/loop/api/v1/locations?authToken=${res.json().token}` })).statusCode).toBe(200);
      expect((await call(adminToken, 'GET', '/account')).statusCode).toBe(200);
    });

    it('rotates the admin token', async () => {
      const { adminToken } = await createTestAccount(t);
      const res = await call(adminToken, 'POST', '/credentials', { kind: 'admin', revokeExisting: true });
      expect(res.statusCode).toBe(201);
      expect((await call(adminToken, 'GET', '/account')).statusCode).toBe(401);
      expect((await call(res.json().token, 'GET', '/account')).statusCode).toBe(200);
    });

    it('refuses an unknown kind', async () => {
      const { adminToken } = await createTestAccount(t);
      const res = await call(adminToken, 'POST', '/credentials', { kind: 'root' });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toBe('body.kind must be one of "loop", "admin", "loyalty"');
      expect((await call(adminToken, 'POST', '/credentials', {})).json().error.message).toBe('body: missing required field "kind"');
    });
  });

  describe('API clients (Loopon OAuth)', () => {
    const token = (clientId: string, clientSecret: string) =>
      t.app.inject({
        method: 'POST',
        url: '/loopon/oauth2/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
      });

    it('registers a client (secret shown once), lists it, and revokes it: its live tokens stop at once', async () => {
      const { adminToken } = await createTestAccount(t);
      const created = await call(adminToken, 'POST', '/clients', { name: 'Guest app backend', scopes: ['basic', 'manage_stays'] });
      expect(created.statusCode).toBe(201);
      const client = created.json();
      expect(client).toMatchObject({
        name: 'Guest app backend',
        scopes: ['basic', 'manage_stays'],
        unitIds: null,
        revoked: null,
        tokenUrl: expect.stringMatching(/\/loopon\/oauth2\/token$/),
      });
      const access = (await token(client.clientId, client.clientSecret)).json().access_token;
      const units = () => t.app.inject({ url: '/loopon/public/units', headers: { authorization: `Bearer ${access}` } });
      expect((await units()).statusCode).toBe(200);

      const listed = (await call(adminToken, 'GET', '/clients')).json().clients;
      expect(listed).toEqual([expect.objectContaining({ clientId: client.clientId, revoked: null })]);
      expect(listed[0]).not.toHaveProperty('clientSecret');

      expect((await call(adminToken, 'DELETE', `/clients/${client.clientId}`)).statusCode).toBe(204);
      expect((await units()).statusCode).toBe(401);
      expect((await token(client.clientId, client.clientSecret)).statusCode).toBe(401);
      expect((await call(adminToken, 'GET', '/clients')).json().clients[0].revoked).toEqual(expect.any(String));
    });

    it("refuses unknown scopes and units (400) and another account's client (404)", async () => {
      const { adminToken } = await createTestAccount(t);
      expect((await call(adminToken, 'POST', '/clients', { scopes: ['basic', 'fly'] })).statusCode).toBe(400);
      expect((await call(adminToken, 'POST', '/clients', { scopes: [] })).statusCode).toBe(400);
      expect((await call(adminToken, 'POST', '/clients', { scopes: ['basic'], unitIds: [99999999] })).statusCode).toBe(400);
      const other = await createTestAccount(t);
      const theirs = (await call(other.adminToken, 'POST', '/clients', { scopes: ['basic'] })).json();
      expect((await call(adminToken, 'DELETE', `/clients/${theirs.clientId}`)).statusCode).toBe(404);
      expect((await call(adminToken, 'DELETE', '/clients/nope')).statusCode).toBe(404);
    });
  });

  describe('documentation', () => {
    it('serves an OpenAPI 3.1 document listing every path, without a token', async () => {
      const res = await t.app.inject({ url: '/admin/openapi.json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.servers[0].url).toBe('http://openstay.test/admin');
      expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(Object.keys(doc.paths).sort()).toEqual(
        [
          '/v1/account',
          '/v1/retention',
          '/v1/clients',
          '/v1/clients/{clientId}',
          '/v1/credentials',
          '/v1/custom-fields',
          '/v1/custom-fields/{id}',
          '/v1/employees',
          '/v1/employees/{id}',
          '/v1/locations',
          '/v1/locations/{id}',
          '/v1/loop-types',
          '/v1/loop-types/{id}',
          '/v1/surveys',
          '/v1/surveys/{id}',
          '/v1/surveys/{id}/question-sets',
          '/v1/review-questions',
          '/v1/review-questions/{id}',
          '/v1/competitors',
          '/v1/competitive-sets',
          '/v1/competitive-sets/{id}',
          '/v1/competitive-sets/{id}/members/{locationId}',
          '/v1/imports/reviews',
          '/v1/imports/reputation',
          '/v1/imports/answer-documents',
          '/v1/imports/config',
          '/v1/imports/contacts',
          '/v1/imports/jobs/{id}',
          '/v1/guests',
          '/v1/guests/{id}',
          '/v1/guests/merge',
          '/v1/guests/{id}/split',
          '/v1/guests/{id}/timeline',
          '/v1/guests/{id}/export',
          '/v1/guests/{id}/erase',
          '/v1/dashboards/scores',
          '/v1/dashboards/answer-documents',
          '/v1/dashboards/reputation',
          '/v1/identity/blocklist',
          '/v1/identity/blocklist/{id}',
          '/v1/chat/sessions',
          '/v1/chat/sessions/{id}',
          '/v1/chat/sessions/{id}/assignee',
          '/v1/chat/sessions/{id}/messages',
          '/v1/chat/sessions/{id}/notes',
          '/v1/chat/sessions/{id}/read',
          '/v1/chat/sessions/{id}/typing',
          '/v1/requests',
          '/v1/requests/{id}',
          '/v1/requests/{id}/assignee',
          '/v1/requests/{id}/messages',
          '/v1/requests/{id}/notes',
          '/v1/requests/{id}/read',
          '/v1/inbox',
          '/v1/inbox/settings',
          '/v1/realtime/tickets',
          '/v1/webhooks',
          '/v1/webhooks/{id}',
          '/v1/webhooks/{id}/enable',
          '/v1/webhooks/{id}/disable',
          '/v1/webhooks/{id}/test',
          '/v1/deliveries',
          '/v1/deliveries/{id}',
          '/v1/deliveries/{id}/replay',
          '/v1/loyalty/program',
          '/v1/loyalty/levels',
          '/v1/loyalty/levels/{id}',
          '/v1/loyalty/products',
          '/v1/loyalty/products/{id}',
          '/v1/loyalty/members',
          '/v1/loyalty/members/{id}',
          '/v1/loyalty/members/{id}/operations',
          '/v1/loyalty/operations',
          '/v1/rules',
          '/v1/rules/{id}',
          '/v1/rules/{id}/enable',
          '/v1/rules/{id}/disable',
          '/v1/rules/{id}/preview',
          '/v1/rules/{id}/dry-run',
          '/v1/journey-events/{id}/explain',
          '/v1/messaging/settings',
          '/v1/messaging/suppressions',
          '/v1/templates',
          '/v1/templates/{name}/{channel}/{language}',
          '/v1/templates/{id}',
          '/v1/messages',
          '/v1/messages/{id}',
          '/v1/session',
          '/v1/session/password-reset',
          '/v1/session/password',
          '/v1/session/link',
          '/v1/staff',
          '/v1/staff/{id}',
          '/v1/audit',
        ].sort(),
      );
      const post = doc.paths['/v1/locations'].post;
      expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '409']));
      expect(post.requestBody.content['application/json'].schema.required).toContain('title');
      expect(Object.keys(doc.paths['/v1/surveys/{id}'].delete.responses)).toEqual(expect.arrayContaining(['204', '401', '404']));
      // imports: 200 with the first failures and a count, or 202 with a job to follow
      const importDoc = doc.paths['/v1/imports/reviews'].post;
      expect(Object.keys(importDoc.responses)).toEqual(expect.arrayContaining(['200', '202', '413']));
      expect(Object.keys(importDoc.responses['200'].content['application/json'].schema.properties)).toEqual(['imported', 'failedCount', 'failed']);
      expect(Object.keys(importDoc.responses['202'].content['application/json'].schema.properties)).toEqual(['jobId', 'status', 'statusUrl']);
      expect(Object.keys(doc.paths['/v1/imports/jobs/{id}'].get.responses)).toEqual(expect.arrayContaining(['200', '401', '404']));
    });

    it('renders the reference page', async () => {
      const res = await t.app.inject({ url: '/admin/docs/' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
    });
  });
});
