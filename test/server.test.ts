import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';

describe.each(dialects())('server on %s', (dialect) => {
  let t: TestApp;
  let loopToken: string;

  beforeAll(async () => {
    t = await createTestApp(dialect, { FACE_HOSTS: 'loop.hotel.test=loop' });
    ({ loopToken } = await createTestAccount(t));
  });
  afterAll(async () => t?.close());

  it('answers /healthz and /readyz', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', database: dialect });
  });

  it('echoes a request id, or makes one', async () => {
    const given = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await t.app.inject({ url: '/healthz' });
    expect(made.headers['x-request-id']).toBeTruthy();
  });

  it('never writes the authToken to the log', async () => {
    const res = await t.app.inject({ url: `/loop/api/v1/locations?authToken=${loopToken}` });
    expect(res.statusCode).toBe(200);
    await t.app.inject({ url: `/loop/api/v1/locations?authToken=${loopToken}x` });
    await t.app.inject({
      method: 'POST',
      url: `/loop/api/v1/Contact?authToken=${loopToken}`,
      payload: '{bad',
      headers: { 'content-type': 'application/json' },
    });
    // However the parameter's name is escaped or cased (the query parser decodes it, so it authenticates).
    for (const name of ['%61uthToken', 'auth%54oken', 'AUTHTOKEN']) await t.app.inject({ url: `/loop/api/v1/looptypes?${name}=${loopToken}` });
    // Or slightly malformed URLs, which still carry the real token: in the path, after ;, with [] or an escaped =.
    for (const url of [
      `/loop/api/v1/locations&authToken=${loopToken}`,
      `/loop/api/v1/locations;authToken=${loopToken}`,
      `/loop/api/v1/locations?authToken[]=${loopToken}`,
      `/loop/api/v1/locations?authToken%3D${loopToken}`,
    ]) {
      const res = await t.app.inject({ url });
      expect(res.body).not.toContain(loopToken);
    }
    // A URL the router cannot decode is a 400 that does not echo it.
    const badUrl = await t.app.inject({ url: `/loop/api/v1/locations/%C0%AF?authToken=${loopToken}` });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.body).not.toContain(loopToken);
    const logged = t.logs.join('\n');
    expect(logged).toContain('/loop/api/v1/locations');
    expect(logged).toContain('authToken=[redacted]');
    expect(logged).not.toContain(loopToken);
  });

  it('never writes an admin Bearer token to the log', async () => {
    await t.app.inject({ url: '/admin/v1/account', headers: { authorization: 'Bearer very-secret-admin-token' } });
    expect(t.logs.join('\n')).not.toContain('very-secret-admin-token');
  });

  it('serves a face at the root of a host named in FACE_HOSTS', async () => {
    const viaHost = await t.app.inject({ url: `/api/v1/locations?authToken=${loopToken}`, headers: { host: 'loop.hotel.test' } });
    expect(viaHost.statusCode).toBe(200);
    expect(viaHost.json()).toHaveProperty('locations');
    const withPort = await t.app.inject({ url: `/api/v1/locations?authToken=${loopToken}`, headers: { host: 'LOOP.hotel.test:8080' } });
    expect(withPort.statusCode).toBe(200);
    // The prefixed path keeps working on that host, and other hosts do not get the rewrite.
    expect((await t.app.inject({ url: `/loop/api/v1/locations?authToken=${loopToken}`, headers: { host: 'loop.hotel.test' } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/v1/locations?authToken=${loopToken}`, headers: { host: 'other.test' } })).statusCode).toBe(404);
  });

  it('publishes an OpenAPI 3.1 document of the Loop face and a reference page', async () => {
    const res = await t.app.inject({ url: '/loop/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0].url).toBe('http://openstay.test/loop');
    for (const path of [
      '/api/v1/Contact',
      '/api/v1/ContactEvent',
      '/api/v1/loops',
      '/api/v1/locations',
      '/api/v1/locations/{shortcode}',
      '/api/v1/looptypes',
      '/api/v1/customfields',
      '/api/v1/customfields/{shortcode}',
      '/api/v1/users',
      '/api/v1/invite/url',
      '/api/v1/surveys',
      '/api/v1/surveys/{shortcode}',
      '/api/v1/responses',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/api/v1/Contact'].post.requestBody).toBeTruthy();
    // The documented paths say v1, as Loop's do; the route's :version is no parameter of them.
    const names = doc.paths['/api/v1/locations/{shortcode}'].get.parameters.map((p: { name: string }) => p.name);
    expect(names).toContain('shortcode');
    expect(names).not.toContain('version');
    const page = await t.app.inject({ url: '/loop/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
  });
});
