import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocation } from '../src/core/locations/locations.js';
import { openLoop } from '../src/core/requests/loops.js';
import { loopPageUrl } from '../src/api/loop-v1/links.js';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { createLooponClient } from './helpers/loopon.js';
import { writeContext } from '../src/core/shared/write-context.js';

/*
 * Issue 9, defect 6: failed credential checks are limited per address and per credential (429 with
 * Retry-After, the right credential included, until the window ends); valid credentials are never
 * throttled unless the account sets a per-client quota. The clock is Date mocked forward (never
 * back), so a window passes without waiting.
 */

type Res = { statusCode: number; body: string; headers: Record<string, unknown> };

describe.each(dialects())('credential failure limits on %s', (dialect) => {
  let t: TestApp;
  let accountId: number;
  let adminToken: string;
  let loopToken: string;
  let client: Awaited<ReturnType<typeof createLooponClient>>;
  let unitId: number;
  let loopPage: string;
  let stayPage: string;
  let now = Date.now();
  let addressCount = 0;
  /** a client address no earlier test used */
  const newAddress = () => `10.9.${dialect === 'sqlite' ? 1 : 2}.${++addressCount}`;
  /** the mocked clock moves on by `ms` (only ever forward) */
  const advance = (ms: number) => {
    now += ms;
    vi.setSystemTime(now);
  };

  const loop = (token: string, remoteAddress: string, path = 'locations') =>
    t.app.inject({ url: `/loop/api/v1/${path}?authToken=${encodeURIComponent(token)}`, remoteAddress });
  const loopon = (token: string, remoteAddress: string) =>
    t.app.inject({ url: `/loopon/public/units/${unitId}`, headers: { authorization: `Bearer ${token}` }, remoteAddress });
  const admin = (token: string, remoteAddress: string) =>
    t.app.inject({ url: '/admin/v1/account', headers: { authorization: `Bearer ${token}` }, remoteAddress });
  const grant = (clientId: string, secret: string, remoteAddress: string) =>
    t.app.inject({
      method: 'POST',
      url: '/loopon/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }).toString(),
      remoteAddress,
    });
  const page = (path: string, remoteAddress: string) => t.app.inject({ url: path, remoteAddress });

  /**
   * `n` attempts, one after another (attempts made at once are all checked before the first
   * failure is counted: a burst gets its answers; the limit applies from then on).
   */
  async function attempts(n: number, attempt: (i: number) => Promise<Res>): Promise<Res[]> {
    const out: Res[] = [];
    for (let i = 0; i < n; i++) out.push(await attempt(i));
    return out;
  }

  /** `n` calls, 50 at a time. */
  async function calls(n: number, call: () => Promise<Res>): Promise<Res[]> {
    const out: Res[] = [];
    for (let i = 0; i < n; i += 50) out.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, call))));
    return out;
  }

  function expectRetryAfter(res: Res): number {
    expect(res.statusCode, res.body).toBe(429);
    const seconds = Number(res.headers['retry-after']);
    expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60, `Retry-After ${res.headers['retry-after']}`).toBe(true);
    return seconds;
  }

  beforeAll(async () => {
    vi.setSystemTime(now);
    t = await createTestApp(dialect);
    const account = await createTestAccount(t);
    ({ adminToken, loopToken } = account);
    accountId = account.account.id;
    const db = t.database.db;
    unitId = (await createLocation(db, accountId, { title: { en: 'Sea Hotel Kattegat' } })).id;
    client = await createLooponClient(t, accountId);
    const { loop: opened } = await openLoop(writeContext(db, accountId), { locationId: unitId, description: 'More towels' });
    loopPage = new URL(await loopPageUrl(db, t.config, accountId, opened.id)).pathname + new URL(await loopPageUrl(db, t.config, accountId, opened.id)).search;
    const stay = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${unitId}/stays`,
      headers: { ...client.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'Simon Finne', email: 'simon@example.com', bookingReference: 'CL-1', status: 'instay' }),
    });
    expect(stay.statusCode, stay.body).toBe(200);
    stayPage = new URL(stay.json().url).pathname;
  });
  afterAll(async () => {
    vi.useRealTimers();
    await t?.close();
  });

  it('the Loop authToken: 500 wrong tokens lock the address out, the right token included, until the window ends', async () => {
    const from = newAddress();
    const wrong = await attempts(500, (i) => loop(`wrong-token-${i}`, from));
    expect(wrong.filter((r) => r.statusCode === 401)).toHaveLength(30);
    expect(wrong.filter((r) => r.statusCode === 429)).toHaveLength(470);
    const refused = await loop(loopToken, from);
    expectRetryAfter(refused);
    expect(refused.json()).toEqual({ status: 'Error', code: 'too_many_attempts', message: expect.stringMatching(/retry in \d+ s/) });
    // Only the address tripped: the same token from elsewhere works.
    expect((await loop(loopToken, newAddress())).statusCode).toBe(200);
    advance(61_000);
    expect((await loop(loopToken, from)).statusCode).toBe(200);
  });

  it('the same wrong authToken ten times locks that token out from every address', async () => {
    const from = newAddress();
    await attempts(10, () => loop('stale-token', from));
    const elsewhere = await loop('stale-token', newAddress());
    expectRetryAfter(elsewhere);
    // the address itself is not locked (ten failures of 30)
    expect((await loop(loopToken, from)).statusCode).toBe(200);
    advance(61_000);
    expect((await loop('stale-token', newAddress())).statusCode).toBe(401);
  });

  it('the token endpoint: wrong secrets lock the client id out, the right secret included, from every address', async () => {
    const from = newAddress();
    const wrong = await attempts(500, (i) => grant(client.clientId, `wrong-secret-${i}`, from));
    expect(wrong.filter((r) => r.statusCode === 401).length).toBe(10);
    const refused = await grant(client.clientId, client.clientSecret, from);
    expectRetryAfter(refused);
    expect(refused.json()).toEqual({ error: 'too_many_attempts', error_description: expect.any(String) });
    expectRetryAfter(await grant(client.clientId, client.clientSecret, newAddress()));
    // The client's access tokens keep working: only its client authentication is locked.
    expect((await loopon(client.token, newAddress())).statusCode).toBe(200);
    advance(61_000);
    const again = await grant(client.clientId, client.clientSecret, from);
    expect(again.statusCode, again.body).toBe(200);
  });

  it('the token endpoint: unknown clients lock the address out only', async () => {
    const from = newAddress();
    const wrong = await attempts(500, (i) => grant(`unknown-client-${i}`, 'secret', from));
    expect(wrong.filter((r) => r.statusCode === 401)).toHaveLength(30);
    expectRetryAfter(await grant(client.clientId, client.clientSecret, from));
    expect((await grant(client.clientId, client.clientSecret, newAddress())).statusCode).toBe(200);
    advance(61_000);
    expect((await grant(client.clientId, client.clientSecret, from)).statusCode).toBe(200);
  });

  it('the Loopon access token: 500 wrong tokens lock the address out', async () => {
    const from = newAddress();
    await attempts(500, (i) => loopon(`wrong-access-token-${i}`, from));
    const refused = await loopon(client.token, from);
    expectRetryAfter(refused);
    expect(refused.json()).toEqual({ error: 'too_many_attempts', message: expect.any(String) });
    expect((await loopon(client.token, newAddress())).statusCode).toBe(200);
    advance(61_000);
    expect((await loopon(client.token, from)).statusCode).toBe(200);
  });

  it('the admin token: 500 wrong tokens lock the address out', async () => {
    const from = newAddress();
    await attempts(500, (i) => admin(`wrong-admin-token-${i}`, from));
    const refused = await admin(adminToken, from);
    expectRetryAfter(refused);
    expect(refused.json()).toEqual({ error: { code: 'too_many_attempts', message: expect.any(String) } });
    expect((await admin(adminToken, newAddress())).statusCode).toBe(200);
    advance(61_000);
    expect((await admin(adminToken, from)).statusCode).toBe(200);
  });

  it('a loop page: wrong signatures lock the address out, the right signature included', async () => {
    const from = newAddress();
    const link = new URL(loopPage, 'http://x');
    const wrong = await attempts(500, (i) => page(`${link.pathname}?sig=${String(i).padStart(22, 'x')}`, from));
    expect(wrong.filter((r) => r.statusCode === 404)).toHaveLength(30);
    const refused = await page(loopPage, from);
    expectRetryAfter(refused);
    expect(refused.headers['content-type']).toMatch(/^text\/html/);
    // the guest pages' security headers are on their 429 too
    expect(refused.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(refused.headers['cache-control']).toBe('no-store');
    // The link is not locked out for other addresses (the generic link is printed in every room).
    expect((await page(loopPage, newAddress())).statusCode).toBe(200);
    advance(61_000);
    expect((await page(loopPage, from)).statusCode).toBe(200);
  });

  it('a page link tried again and again as it is, wrong, is locked out from every address', async () => {
    const wrongLink = `${new URL(loopPage, 'http://x').pathname}?sig=${'y'.repeat(22)}`;
    await attempts(10, () => page(wrongLink, newAddress()));
    expectRetryAfter(await page(wrongLink, newAddress()));
    expect((await page(loopPage, newAddress())).statusCode).toBe(200);
  });

  it('the stay page: 500 unknown link tokens lock the address out', async () => {
    const from = newAddress();
    const wrong = await attempts(500, (i) => page(`/loopon/stay/${String(i).padStart(32, 'A')}`, from));
    expect(wrong.filter((r) => r.statusCode === 404)).toHaveLength(30);
    const refused = await page(stayPage, from);
    expectRetryAfter(refused);
    expect(refused.headers['content-type']).toMatch(/^text\/html/);
    expect(refused.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect((await page(stayPage, newAddress())).statusCode).toBe(200);
    advance(61_000);
    expect((await page(stayPage, from)).statusCode).toBe(200);
  });

  it('a valid credential making 1,000 calls is never throttled', async () => {
    const from = newAddress();
    for (const call of [() => loop(loopToken, from), () => loopon(client.token, from), () => admin(adminToken, from)]) {
      const results = await calls(1000, call);
      expect(results.filter((r) => r.statusCode !== 200)).toEqual([]);
    }
  });

  it('the per-client quota, when the account sets one, answers 429 with Retry-After past it', async () => {
    const from = newAddress();
    const set = (quota: number | null) =>
      t.app.inject({
        method: 'PATCH',
        url: '/admin/v1/account',
        headers: { authorization: `Bearer ${adminToken}` },
        payload: { settings: { clientQuotaPerMinute: quota } },
      });
    expect((await set(0)).statusCode).toBe(400);
    const patched = await set(5);
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().settings.clientQuotaPerMinute).toBe(5);

    const loopCalls = await attempts(6, () => loop(loopToken, from));
    expect(loopCalls.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 429]);
    const overLoop = loopCalls.find((r) => r.statusCode === 429)!;
    expectRetryAfter(overLoop);
    expect(JSON.parse(overLoop.body)).toMatchObject({ status: 'Error', code: 'too_many_requests' });

    // Per client: a second OAuth client of the account has a quota of its own.
    const other = await createLooponClient(t, accountId);
    const looponCalls = await attempts(6, () => loopon(client.token, from));
    expect(looponCalls.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 429]);
    expect(JSON.parse(looponCalls.find((r) => r.statusCode === 429)!.body)).toMatchObject({ error: 'too_many_requests' });
    expect((await loopon(other.token, from)).statusCode).toBe(200);
    // The admin API has no quota (the setting can always be changed back).
    expect((await attempts(10, () => admin(adminToken, from))).every((r) => r.statusCode === 200)).toBe(true);

    advance(61_000);
    expect((await loop(loopToken, from)).statusCode).toBe(200);
    expect((await set(null)).statusCode).toBe(200);
    expect((await attempts(50, () => loop(loopToken, from))).every((r) => r.statusCode === 200)).toBe(true);
  });
});
