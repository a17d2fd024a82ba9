import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';

/** The value of one series in a Prometheus text exposition, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe.each(dialects())('/metrics on %s', (dialect) => {
  let t: TestApp;
  let loopToken: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    ({ loopToken } = await createTestAccount(t));
  });
  afterAll(async () => t?.close());

  it('counts answers by face, route pattern and status, never by URL or account', async () => {
    await t.app.inject({ url: `/loop/api/v1/locations?authToken=${loopToken}` });
    await t.app.inject({ url: '/loop/api/v1/locations?authToken=wrong' });
    await t.app.inject({ url: '/admin/v1/guests/123', headers: { authorization: 'Bearer nope' } });
    for (const path of ['/nothing/here', '/nothing/else', '/loop/no/such/thing']) await t.app.inject({ url: path });

    const res = await t.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    const route = '/loop/api/:version/locations';
    expect(sample(text, 'openstay_http_requests_total', { face: 'loop', route, status: '200' })).toBe(1);
    expect(sample(text, 'openstay_http_requests_total', { face: 'loop', route, status: '401' })).toBe(1);
    expect(sample(text, 'openstay_http_requests_total', { face: 'admin', route: '/admin/v1/guests/:id', status: '401' })).toBe(1);
    // Unmatched URLs share one series per face.
    expect(sample(text, 'openstay_http_requests_total', { face: 'other', route: '(unmatched)', status: '404' })).toBe(2);
    expect(sample(text, 'openstay_http_requests_total', { face: 'loop', route: '(unmatched)', status: '404' })).toBe(1);
    expect(text).not.toContain('/nothing/here');
    expect(text).not.toContain(loopToken);
    expect(sample(text, 'openstay_http_request_duration_seconds_count', { face: 'loop', route, method: 'GET' })).toBe(2);
    expect(text).toMatch(/openstay_http_request_duration_seconds_bucket\{face="loop",route="\/loop\/api\/:version\/locations",method="GET",le="\+Inf"\} 2/);
    expect(text).not.toMatch(/account/i);
  });

  it('reports the database pool and the event-loop lag', async () => {
    const text = (await t.app.inject({ url: '/metrics' })).body;
    if (dialect === 'postgres') {
      expect(sample(text, 'openstay_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'openstay_db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'openstay_db_pool_waiting')).toBe(0);
      expect(sample(text, 'openstay_db_pool_max')).toBe(10);
    } else {
      expect(sample(text, 'openstay_db_write_queue')).toBe(0);
      expect(sample(text, 'openstay_db_writes_committing')).toBe(0);
    }
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'openstay_http_connections_refused_total')).toBe(0);
  });

  it('takes more gauges from other code', async () => {
    t.app.metrics.gauge({ name: 'openstay_test_due', help: 'a gauge added later', collect: async () => 7 });
    expect(sample((await t.app.inject({ url: '/metrics' })).body, 'openstay_test_due')).toBe(7);
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  const token = 'metrics-token-0123456789abcdef';
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp('sqlite', { METRICS_TOKEN: token });
  });
  afterAll(async () => t?.close());

  it('needs the token as a Bearer credential', async () => {
    const missing = await t.app.inject({ url: '/metrics' });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(missing.body).not.toContain('openstay_http_requests_total');
    for (const authorization of [`Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Basic ${token}`, token]) {
      expect((await t.app.inject({ url: '/metrics', headers: { authorization } })).statusCode).toBe(401);
    }
    const ok = await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('openstay_http_requests_total');
  });
});
