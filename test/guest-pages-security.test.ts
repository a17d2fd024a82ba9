import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPageLink } from '../src/core/accounts/page-links.js';
import { ensureDemoAccount, type DemoIds } from '../src/core/demo/seed-demo.js';
import { encodeId } from '../src/api/loop-v1/ids.js';
import { dialects } from './helpers/database.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { loopCall } from './helpers/loop.js';
import { createLooponClient } from './helpers/loopon.js';

/*
 * The public pages (Loop invite and loop pages, the Loopon stay page) and the API reference pages:
 * every invite link is signed and every link that opens nothing answers one and the same 404;
 * loops opened from the pages are rate-limited per client address and per personal link; every
 * HTML page carries its security headers, and the JSON APIs do not.
 */

const PER_ADDRESS = 3; // GUEST_PAGE_LOOPS_PER_ADDRESS for this file: small, so the limit is reached quickly
const PER_LINK = 10; // fixed in creation-limits.ts

describe.each(dialects())('Public pages and security headers (%s)', (dialect) => {
  let t: TestApp;
  let token: string;
  let ids: DemoIds;
  let secret: string;
  let address = 0;
  /** a client address of its own, so one test's loops never count against another's */
  const nextAddress = () => `198.51.100.${++address}`;

  beforeAll(async () => {
    t = await createTestApp(dialect, { GUEST_PAGE_LOOPS_PER_ADDRESS: String(PER_ADDRESS) }, { demo: true });
    const demo = await ensureDemoAccount(t.database.db);
    token = demo.loopToken;
    ids = demo.ids;
    secret = demo.account.page_secret;
  });
  afterAll(async () => t?.close());

  const ok = (res: LightMyRequestResponse) => {
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const pathOf = (url: string) => {
    const u = new URL(url);
    return u.pathname + u.search;
  };
  const inviteUrl = async (body: Record<string, unknown>) => pathOf(ok(await loopCall(t, token, 'POST', 'invite/url', body)).url);
  const loopCount = async () => (await t.database.db.selectFrom('loops').select('id').execute()).length;
  const location1300 = () => encodeId('location', ids.locations['1300']);
  const get = (url: string, remoteAddress = nextAddress()) => t.app.inject({ method: 'GET', url, remoteAddress, headers: { 'x-request-id': 'same-request' } });
  const postForm = (url: string, fields: Record<string, string>, remoteAddress = nextAddress()) =>
    t.app.inject({
      method: 'POST',
      url,
      remoteAddress,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'same-request' },
      payload: new URLSearchParams(fields).toString(),
    });
  const loopFields = () => ({ location: location1300(), loopType: encodeId('looptype', ids.loopTypes.housekeeping), description: 'Two more towels' });

  /** The headers every guest page (and its 404 and 429) carries. */
  const expectGuestPageHeaders = (res: LightMyRequestResponse) => {
    const csp = String(res.headers['content-security-policy']);
    expect(csp, res.body).toMatch(/(^|;)default-src 'none'(;|$)/);
    expect(csp).toMatch(/(^|;)style-src 'sha256-[A-Za-z0-9+/]+=*'( 'sha256-[A-Za-z0-9+/]+=*')*(;|$)/);
    // scripts only from this server (the chat module), never inline
    expect(csp).toMatch(/(^|;)script-src 'self'(;|$)/);
    expect(csp).toMatch(/(^|;)script-src-attr 'none'(;|$)/);
    expect(csp).toMatch(/(^|;)frame-ancestors 'none'(;|$)/);
    expect(csp).toMatch(/(^|;)form-action 'self' http:\/\/openstay\.test(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-robots-tag']).toMatch(/noindex/);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  };

  describe('invite links', () => {
    it('hands out signed generic links, bound to their location, that open the invite page', async () => {
      const generic = await inviteUrl({});
      expect(generic).toMatch(/^\/loop\/p\/demo\/create\/any\?sig=[\w-]{22}$/);
      const atLocation = await inviteUrl({ locationId: location1300() });
      expect(atLocation).toMatch(/^\/loop\/p\/demo\/create\/1300\?sig=[\w-]{22}$/);
      // a shortcode with capitals signs and opens as written
      const upper = await inviteUrl({ locationId: 'X01' });
      expect(upper).toMatch(/^\/loop\/p\/demo\/create\/X01\?sig=/);
      expect((await get(upper)).statusCode).toBe(200);

      const page = await get(generic);
      expect(page.statusCode).toBe(200);
      expectGuestPageHeaders(page);
      expect(page.body).toContain('Andros Island Bahamas');
      // the form posts back to the signed link
      expect(page.body).toContain(`action="${generic}"`);

      // the signature of one location does not open another, nor all of them
      const sig = new URL(generic, 'http://x').searchParams.get('sig');
      expect((await get(`/loop/p/demo/create/1300?sig=${sig}`)).statusCode).toBe(404);
      const sig1300 = new URL(atLocation, 'http://x').searchParams.get('sig');
      expect((await get(`/loop/p/demo/create/any?sig=${sig1300}`)).statusCode).toBe(404);
    });

    it('opens a loop from a signed generic link, and nothing from an unsigned one', async () => {
      const before = await loopCount();
      const created = await postForm(await inviteUrl({}), loopFields());
      expect(created.statusCode, created.body).toBe(303);
      expect(created.headers.location).toMatch(/^http:\/\/openstay\.test\/loop\/p\/demo\/loops\/[0-9a-f]{24}\?sig=/);
      expect(await loopCount()).toBe(before + 1);
      expectGuestPageHeaders(await get(pathOf(String(created.headers.location))));

      for (const url of [
        '/loop/p/demo/create/any',
        '/loop/p/demo/create/1300',
        '/loop/p/demo/create/whatever',
        `/loop/p/demo/create/any?sig=${'A'.repeat(22)}`,
      ]) {
        const refused = await postForm(url, loopFields());
        expect(refused.statusCode, url).toBe(404);
        expectGuestPageHeaders(refused);
      }
      expect(await loopCount()).toBe(before + 1);
    });

    it('answers the very same 404 to an unsigned, a badly signed or a foreign link, an unknown location and an unknown account', async () => {
      const generic = await inviteUrl({});
      const personal = new URL(await inviteUrl({ name: 'Evil Morty', email: 'evil@example.com' }), 'http://x');
      const validSig = new URL(generic, 'http://x').searchParams.get('sig')!;
      const tampered = `${validSig[0] === 'A' ? 'B' : 'A'}${validSig.slice(1)}`;
      const refused = [
        '/loop/p/demo/create/any', // unsigned
        `/loop/p/demo/create/any?sig=${tampered}`, // badly signed
        '/loop/p/demo/create/any?sig=', // empty signature
        `/loop/p/demo/create/any?sig=${validSig}x`, // too long
        `/loop/p/demo/create/nowhere?sig=${signPageLink(secret, 'invite:demo:nowhere')}`, // unknown location, signed
        `/loop/p/demo/create/any?_uid=${encodeId('guest', ids.contact)}&sig=${personal.searchParams.get('sig')}`, // another guest
        `/loop/p/demo/create/any?_uid=${encodeId('guest', 999_999)}&sig=${signPageLink(secret, `guest:${encodeId('guest', 999_999)}`)}`, // unknown guest, signed
        '/loop/p/nobody/create/any', // unknown account
        `/loop/p/nobody/create/any?sig=${validSig}`, // unknown account with a signature of another
        `/loop/p/nobody/loops/${encodeId('loop', 1)}?sig=${validSig}`,
        `/loop/p/demo/loops/${encodeId('loop', 1)}`,
        `/loop/p/demo/loops/${encodeId('loop', 999_999)}?sig=${signPageLink(secret, `loop:${encodeId('loop', 999_999)}`)}`, // unknown loop, signed
      ];
      const answers = await Promise.all(refused.map((url) => get(url, '203.0.113.9')));
      const posted = await Promise.all(refused.slice(0, 9).map((url) => postForm(url, loopFields(), '203.0.113.9')));
      const [first] = answers;
      expect(first.statusCode).toBe(404);
      expectGuestPageHeaders(first);
      expect(first.body).toContain('This link is not valid');
      for (const [i, res] of [...answers, ...posted].entries()) {
        const url = [...refused, ...refused][i];
        expect(res.statusCode, url).toBe(404);
        expect(res.rawPayload.equals(first.rawPayload), url).toBe(true);
        // every header but Date, which ticks when the requests straddle a second (a loaded machine)
        expect({ ...res.headers, date: undefined }, url).toEqual({ ...first.headers, date: undefined });
      }
    });

    it('keeps personal links working and prefills the guest', async () => {
      const personal = await inviteUrl({ locationId: location1300(), name: 'Mr Poopybutthole', email: 'poopy@example.com' });
      expect(personal).toMatch(/^\/loop\/p\/demo\/create\/1300\?_uid=[0-9a-f]{24}&sig=[\w-]{22}$/);
      const page = await get(personal);
      expect(page.statusCode).toBe(200);
      expectGuestPageHeaders(page);
      expect(page.body).toContain('Hello Mr Poopybutthole');
      const before = await loopCount();
      expect((await postForm(personal, loopFields())).statusCode).toBe(303);
      expect(await loopCount()).toBe(before + 1);
    });

    it('answers a form sent without its fields with an HTML page, not the API error', async () => {
      const res = await postForm(await inviteUrl({}), { location: location1300() });
      expect(res.statusCode).toBe(400);
      expectGuestPageHeaders(res);
      expect(res.body).toContain('description');
    });
  });

  describe('rate limits on loops opened from the pages', () => {
    it(`lets one client address open ${PER_ADDRESS} loops in 10 minutes, then answers an HTML 429 with Retry-After and creates nothing`, async () => {
      const generic = await inviteUrl({});
      const client = '192.0.2.10';
      const before = await loopCount();
      for (let i = 0; i < PER_ADDRESS; i++) expect((await postForm(generic, loopFields(), client)).statusCode).toBe(303);
      const limited = await postForm(generic, loopFields(), client);
      expect(limited.statusCode).toBe(429);
      expectGuestPageHeaders(limited);
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(600);
      expect(limited.body).toContain('try again in 10 minutes');
      expect(await loopCount()).toBe(before + PER_ADDRESS);
      // a personal link from the same address is held back too; other addresses are not
      const personal = await inviteUrl({ name: 'Noob Noob', email: 'noob@example.com' });
      expect((await postForm(personal, loopFields(), client)).statusCode).toBe(429);
      expect((await postForm(generic, loopFields(), '192.0.2.11')).statusCode).toBe(303);
      // reading the page is not limited
      expect((await get(generic, client)).statusCode).toBe(200);
      expect(await loopCount()).toBe(before + PER_ADDRESS + 1);
    });

    it('counts IPv6 clients per /64', async () => {
      const generic = await inviteUrl({});
      for (let i = 1; i <= PER_ADDRESS; i++) expect((await postForm(generic, loopFields(), `2001:db8:1:2::${i}`)).statusCode).toBe(303);
      expect((await postForm(generic, loopFields(), '2001:db8:1:2::ffff')).statusCode).toBe(429);
      expect((await postForm(generic, loopFields(), '2001:db8:1:3::1')).statusCode).toBe(303);
    });

    it(`lets one personal link open ${PER_LINK} loops an hour from any number of addresses, then 429`, async () => {
      const personal = await inviteUrl({ name: 'Scary Terry', email: 'terry@example.com' });
      const before = await loopCount();
      for (let i = 0; i < PER_LINK; i++) expect((await postForm(personal, loopFields())).statusCode).toBe(303);
      const limited = await postForm(personal, loopFields());
      expect(limited.statusCode).toBe(429);
      expectGuestPageHeaders(limited);
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(600);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      expect(await loopCount()).toBe(before + PER_LINK);
      // another guest's link, and the generic one, still open loops
      expect((await postForm(await inviteUrl({ name: 'Pencilvester', email: 'pencil@example.com' }), loopFields())).statusCode).toBe(303);
      expect((await postForm(await inviteUrl({}), loopFields())).statusCode).toBe(303);
    });
  });

  describe('security headers', () => {
    it('are on the Loopon stay page and its 404, identical for an unknown token', async () => {
      const client = await createLooponClient(t, (await ensureDemoAccount(t.database.db)).account.id);
      const unit = ids.locations['1300'];
      const stay = await t.app.inject({
        method: 'POST',
        url: `/loopon/public/units/${unit}/stays`,
        headers: { ...client.headers, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'Summer Smith', email: 'summer@example.com', bookingReference: 'SEC-1', status: 'instay' }),
      });
      expect(stay.statusCode, stay.body).toBe(200);
      const page = await get(pathOf(stay.json().url));
      expect(page.statusCode).toBe(200);
      expectGuestPageHeaders(page);
      expect(page.body).toContain('Hello Summer Smith');
      const missing = await get('/loopon/stay/nope');
      expect(missing.statusCode).toBe(404);
      expectGuestPageHeaders(missing);
      // All but `date`, which moves on when the two answers straddle a second.
      const { date: _a, ...unknownToken } = (await get(`/loopon/stay/${'A'.repeat(32)}`)).headers;
      const { date: _b, ...notAToken } = missing.headers;
      expect(unknownToken).toEqual(notAToken);
    });

    it('the inline style of the pages is the one their CSP allows', async () => {
      const { createHash } = await import('node:crypto');
      const page = await get(await inviteUrl({}));
      const style = /<style>([\s\S]*?)<\/style>/.exec(page.body)![1];
      const hash = createHash('sha256').update(style).digest('base64');
      expect(page.headers['content-security-policy']).toContain(`style-src 'sha256-${hash}'`);
      expect(page.body).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
    });

    it.each(['/loop/docs', '/loopon/docs', '/admin/docs'])('are on the docs page %s, which still renders with its assets', async (docs) => {
      const page = await t.app.inject({ method: 'GET', url: docs });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('swagger-ui');
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toMatch(/(^|;)script-src 'self'(;|$)/);
      expect(csp).toMatch(/(^|;)frame-ancestors 'none'(;|$)/);
      expect(csp).toMatch(/(^|;)connect-src 'self' http:\/\/openstay\.test(;|$)/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|upgrade-insecure-requests/);
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['x-frame-options']).toBe('DENY');
      // no inline script on the page: every script and stylesheet is a file the server serves
      expect(page.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(assets.length).toBeGreaterThanOrEqual(5);
      for (const asset of assets) {
        const res = await t.app.inject({ method: 'GET', url: new URL(asset, `http://openstay.test${docs}`).pathname });
        expect(res.statusCode, asset).toBe(200);
        expect(res.headers['x-content-type-options'], asset).toBe('nosniff');
      }
      const initializer = await t.app.inject({ method: 'GET', url: `${docs}/static/swagger-initializer.js` });
      expect(initializer.body).toContain('validatorUrl: null');
      expect((await t.app.inject({ method: 'GET', url: `${docs}/json` })).statusCode).toBe(200);
    });

    it('are not added to the JSON APIs', async () => {
      const responses = [
        await loopCall(t, token, 'GET', 'locations'),
        await t.app.inject({ method: 'GET', url: '/loop/openapi.json' }),
        await t.app.inject({ method: 'GET', url: '/healthz' }),
      ];
      for (const res of responses) {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-security-policy']).toBeUndefined();
        expect(res.headers['x-ratelimit-limit']).toBeUndefined();
      }
    });
  });

  it('never answered with a 500', () => {
    const errors = t.logs.map((l) => JSON.parse(l)).filter((l) => l.level >= 50 || l.res?.statusCode >= 500);
    expect(errors).toEqual([]);
  });
});
