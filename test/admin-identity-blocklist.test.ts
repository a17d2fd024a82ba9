import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';

// The admin API's identity blocklist: values that never match a guest automatically.
describe.each(dialects())('admin API identity blocklist on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());
  const call = adminCall(() => t);
  const patterns = async (token: string) => (await call(token, 'GET', '/identity/blocklist')).json().entries.map((e: { pattern: string }) => e.pattern);

  it('lists the seeded entries and the known phone rules', async () => {
    const { adminToken: token } = await createTestAccount(t);
    const res = await call(token, 'GET', '/identity/blocklist');
    expect(res.statusCode).toBe(200);
    expect(res.json().entries).toContainEqual({ id: expect.any(Number), kind: 'email', pattern: 'noemail@*', createdAt: expect.any(Number) });
    expect(res.json().phoneRules.map((r: { pattern: string }) => r.pattern)).toEqual(['rule:fewer-than-6-digits', 'rule:one-repeated-digit']);
  });

  it('adds a pattern (normalised), lists it, and it stops matching; removes it by body, query or id', async () => {
    const { adminToken: token } = await createTestAccount(t);
    expect((await call(token, 'PATCH', '/account', { settings: { defaultCountry: 'CA' } })).statusCode).toBe(200);
    const added = await call(token, 'POST', '/identity/blocklist', { pattern: 'Front.Desk@Hotel.test' });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ kind: 'email', pattern: 'front.desk@hotel.test' });
    expect((await call(token, 'POST', '/identity/blocklist', { pattern: 'front.desk@hotel.test' })).json().id).toBe(added.json().id);
    const phone = await call(token, 'POST', '/identity/blocklist', { pattern: '(613) 555-0100' });
    expect(phone.json()).toMatchObject({ kind: 'phone', pattern: '+16135550100' });
    const glob = await call(token, 'POST', '/identity/blocklist', { pattern: '+1 613 555*' });
    expect(glob.json()).toMatchObject({ kind: 'phone', pattern: '+1613555*' });
    expect(await patterns(token)).toEqual(expect.arrayContaining(['front.desk@hotel.test', '+16135550100', '+1613555*']));

    const first = await call(token, 'POST', '/guests', { firstName: 'Ada', email: 'front.desk@hotel.test' });
    const second = await call(token, 'POST', '/guests', { firstName: 'Ada', email: 'front.desk@hotel.test' });
    expect(second.json()).toMatchObject({ created: true, rule: 'new', reason: 'blocked_email' });
    expect(second.json().guest.id).not.toBe(first.json().guest.id);

    expect((await call(token, 'DELETE', '/identity/blocklist', { pattern: 'FRONT.DESK@hotel.test' })).statusCode).toBe(204);
    expect((await call(token, 'DELETE', `/identity/blocklist?pattern=${encodeURIComponent('613-555-0100')}`)).statusCode).toBe(204);
    expect((await call(token, 'DELETE', `/identity/blocklist/${glob.json().id}`)).statusCode).toBe(204);
    expect(await patterns(token)).not.toEqual(expect.arrayContaining(['front.desk@hotel.test']));
    expect(await patterns(token)).not.toContain('+16135550100');
    expect(await patterns(token)).not.toContain('+1613555*');
    const third = await call(token, 'POST', '/guests', { firstName: 'Ada', email: 'front.desk@hotel.test' });
    expect(third.json()).toMatchObject({ created: false, rule: 'email' });
  });

  it('refuses bad patterns and unknown entries with a 4xx, and changes nothing', async () => {
    const { adminToken: token } = await createTestAccount(t);
    const before = await patterns(token);
    const cases: Array<[string, string, unknown, number, RegExp]> = [
      ['POST', '/identity/blocklist', { pattern: 'rule:no-such-rule' }, 400, /unknown phone rule "rule:no-such-rule"; known: rule:fewer-than-6-digits/],
      ['POST', '/identity/blocklist', { pattern: 'call the desk' }, 400, /neither an e-mail pattern/],
      ['POST', '/identity/blocklist', { pattern: '' }, 400, /pattern/],
      ['POST', '/identity/blocklist', {}, 400, /pattern/],
      ['POST', '/identity/blocklist', { pattern: 'a@b', extra: 1 }, 400, /extra/],
      ['DELETE', '/identity/blocklist', undefined, 400, /pattern is required/],
      ['DELETE', '/identity/blocklist', { pattern: 'nobody@example.test' }, 404, /not found/],
      ['DELETE', '/identity/blocklist/999999', undefined, 404, /blocklist entry 999999/],
      ['DELETE', '/identity/blocklist/abc', undefined, 404, /No such resource/],
    ];
    for (const [method, url, body, status, message] of cases) {
      const res = await call(token, method, url, body);
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(body)}: ${res.body}`).toBe(status);
      expect(res.json().error.message).toMatch(message);
    }
    expect(await patterns(token)).toEqual(before);
  });

  it("another account's entry cannot be removed by id", async () => {
    const mine = await createTestAccount(t);
    const theirs = await createTestAccount(t);
    const entry = (await call(theirs.adminToken, 'POST', '/identity/blocklist', { pattern: 'theirs@*' })).json();
    expect((await call(mine.adminToken, 'DELETE', `/identity/blocklist/${entry.id}`)).statusCode).toBe(404);
    expect(await patterns(theirs.adminToken)).toContain('theirs@*');
  });
});
