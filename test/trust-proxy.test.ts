import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';

// Which address logs (and rate limits) see: X-Forwarded-For counts only through trusted proxies (defect 9).
describe('TRUST_PROXY', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const t of apps) await t.close();
  });

  /** The address the request log shows for a request from 127.0.0.1 through two proxies. */
  async function seenAddress(trustProxy: string | undefined): Promise<string> {
    const t = await createTestApp('sqlite', trustProxy === undefined ? {} : { TRUST_PROXY: trustProxy });
    apps.push(t);
    const res = await t.app.inject({ url: '/healthz', headers: { 'x-forwarded-for': '203.0.113.7, 198.51.100.2' } });
    const line = t.logs.map((l) => JSON.parse(l)).find((l) => l.reqId === res.headers['x-request-id'] && l.req);
    return line.req.remoteAddress;
  }

  it.each([
    [undefined, '127.0.0.1'],
    ['false', '127.0.0.1'],
    ['true', '203.0.113.7'],
    ['1', '198.51.100.2'],
    ['2', '203.0.113.7'],
    ['127.0.0.1', '198.51.100.2'],
    ['127.0.0.0/8, 198.51.100.0/24', '203.0.113.7'],
    ['loopback', '198.51.100.2'],
    ['10.0.0.0/8', '127.0.0.1'],
  ])('TRUST_PROXY=%s sees %s', async (trustProxy, address) => {
    expect(await seenAddress(trustProxy)).toBe(address);
  });
});
