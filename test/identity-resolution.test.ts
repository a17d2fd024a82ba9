import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeId } from '../src/api/loop-v1/ids.js';
import { updateAccountSettings } from '../src/core/accounts/accounts.js';
import { addBlocklistEntry } from '../src/core/accounts/identity-blocklist.js';
import { listGuestMatches } from '../src/core/guests/match-records.js';
import { createLocation } from '../src/core/locations/locations.js';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { loopCall } from './helpers/loop.js';
import { createLooponClient } from './helpers/loopon.js';

/*
 * Identity resolution as the faces see it: placeholder and shared values never merge people,
 * names that clearly differ are different people, phone numbers match in E.164 however written,
 * and one real person is one guest whichever face they arrive through.
 */
describe.each(dialects())('guest identity resolution on %s', (dialect) => {
  let t: TestApp;
  let accountId: number;
  let token: string;
  let adminToken: string;
  let unit: number;
  let client: Awaited<ReturnType<typeof createLooponClient>>;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const created = await createTestAccount(t);
    accountId = created.account.id;
    token = created.loopToken;
    adminToken = created.adminToken;
    unit = (await createLocation(t.database.db, accountId, { title: { en: 'Kattegat' }, shortcode: 'kattegat', country: 'SE' })).id;
    client = await createLooponClient(t, accountId);
  });
  afterAll(async () => t?.close());

  const loop = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await loopCall(t, token, method, path, body);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const adminGet = async (url: string) => {
    const res = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${adminToken}` } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const guestRow = (id: number) => t.database.db.selectFrom('guests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const guestsWith = (column: 'email' | 'mobile', value: string) =>
    t.database.db.selectFrom('guests').select('id').where('account_id', '=', accountId).where(column, '=', value).execute();
  const invite = async (body: Record<string, unknown>) => decodeId('guest', (await loop('POST', 'invite/url', body)).guestId)!;
  const registerStay = async (body: Record<string, unknown>) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${unit}/stays`,
      headers: { ...client.headers, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const stayGuest = async (stayId: number) =>
    (await t.database.db.selectFrom('stays').select('guest_id').where('id', '=', stayId).executeTakeFirstOrThrow()).guest_id;

  it('20 concurrent arrivals carrying one placeholder e-mail never merge', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        loopCall(t, token, 'POST', 'invite/url', { name: i % 2 ? 'Ann Lee' : `Guest ${i}`, email: 'noemail@agency.example' }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => r.json().guestId)).size).toBe(20);
    expect(await guestsWith('email', 'noemail@agency.example')).toHaveLength(20);
  });

  it('two Loop invites for different names with a blocked e-mail give two guests, and the blocked value stays a contact detail', async () => {
    const a = await invite({ name: 'Rick Sanchez', email: 'NO-REPLY@pms.example' });
    const b = await invite({ name: 'Morty Smith', email: 'no-reply@pms.example' });
    expect(a).not.toBe(b);
    expect((await guestRow(a)).email).toBe('no-reply@pms.example');
    const users = (await loop('GET', 'users?email=no-reply@pms.example')).users;
    expect(users.map((u: { id: string }) => decodeId('guest', u.id))).toEqual([a, b]);
    // No value that names no one person is a near match: nothing is recorded, and the admin API
    // tells why the value does not match.
    expect(await listGuestMatches(t.database.db, accountId, b)).toEqual([]);
    const detail = await adminGet(`/admin/v1/guests/${b}`);
    expect(detail.identifiers).toEqual([{ kind: 'email', value: 'no-reply@pms.example', matches: false, reason: 'blocked' }]);
  });

  it('a value on the account blocklist (a glob) never matches; the seeded phone rules block repeated digits', async () => {
    await addBlocklistEntry(t.database.db, accountId, '*@front-desk.example');
    const a = await invite({ name: 'Ann', email: 'desk@front-desk.example' });
    const b = await invite({ name: 'Ann', email: 'desk@front-desk.example' });
    expect(a).not.toBe(b);
    const c = await invite({ name: 'Bo', sms: '+1 222 222 2222' });
    const d = await invite({ name: 'Bo', sms: '+12222222222' });
    expect(c).not.toBe(d);
    expect((await guestRow(c)).mobile).toBe('+12222222222');
  });

  it('an unkeyed arrival whose given name clearly differs is a new guest (name_conflict); a compatible name is the same guest', async () => {
    const rick = await invite({ name: 'Rick Sanchez', email: 'family@example.com' });
    const morty = await invite({ name: 'Morty Sanchez', email: 'family@example.com' });
    expect(morty).not.toBe(rick);
    expect((await listGuestMatches(t.database.db, accountId, morty))[0]).toMatchObject({
      rule: 'new',
      reason: 'name_conflict',
      identifier: 'family@example.com',
    });
    const again = await invite({ name: 'R. Sanchez', email: 'Family@Example.com' });
    expect(again).toBe(rick);
    const matches = await listGuestMatches(t.database.db, accountId, rick);
    expect(matches[0]).toMatchObject({ rule: 'email', source: 'loop', identifier: 'family@example.com', reason: null, count: 1 });
    await invite({ name: 'Rick', email: 'family@example.com' });
    expect((await listGuestMatches(t.database.db, accountId, rick))[0].count).toBe(2);
  });

  it('a value held by more guests than the account limit names none of them', async () => {
    // Four PMS contacts share an address (different foreignIds are different contacts).
    const ids = [];
    for (let i = 0; i < 4; i++)
      ids.push(decodeId('guest', (await loop('POST', 'Contact', { foreignId: `share-${i}`, firstname: 'Sam', email: 'shared@example.com' })).id)!);
    expect(new Set(ids).size).toBe(4);
    const walkIn = await invite({ name: 'Sam', email: 'shared@example.com' });
    expect(ids).not.toContain(walkIn);
    expect(await listGuestMatches(t.database.db, accountId, walkIn)).toEqual([]);
    expect((await adminGet(`/admin/v1/guests/${walkIn}`)).identifiers).toEqual([
      { kind: 'email', value: 'shared@example.com', matches: false, reason: 'shared' },
    ]);
    // With a higher limit the value names a person again: the oldest holder.
    await updateAccountSettings(t.database.db, accountId, { sharedIdentifierLimit: 10 });
    expect(await invite({ name: 'Sam', email: 'shared@example.com' })).toBe(ids[0]);
    await updateAccountSettings(t.database.db, accountId, { sharedIdentifierLimit: null });
  });

  it('phone numbers match in E.164: national numbers in the location country, else the account default; unparsable ones are kept and never match', async () => {
    const swede = decodeId(
      'guest',
      (await loop('POST', 'Contact', { foreignId: 'se-1', firstname: 'Simon', mobile: '073-044 24 80', location: 'kattegat' })).id,
    )!;
    expect((await guestRow(swede)).mobile).toBe('+46730442480');
    expect(await invite({ name: 'Simon', sms: '+46 73 044 24 80' })).toBe(swede);

    await updateAccountSettings(t.database.db, accountId, { defaultCountry: 'CA' });
    const ottawa = await invite({ name: 'Jason', sms: '(613) 555-0199' });
    expect((await guestRow(ottawa)).mobile).toBe('+16135550199');
    expect(await invite({ name: 'Jason', sms: '+1 613 555 0199' })).toBe(ottawa);
    expect((await loop('GET', 'users?sms=6135550199')).users.map((u: { id: string }) => decodeId('guest', u.id))).toEqual([ottawa]);

    const odd = await invite({ name: 'Una', sms: 'ask at desk' });
    expect((await guestRow(odd)).mobile).toBe('ask at desk');
    expect(await invite({ name: 'Una', sms: 'ask at desk' })).not.toBe(odd);
  });

  it('the same real e-mail through the Loop, Loopon and admin faces is one guest', async () => {
    const contact = decodeId(
      'guest',
      (await loop('POST', 'Contact', { foreignId: 'one-1', firstname: 'Dora', lastname: 'Explorer', email: 'Dora@Example.org' })).id,
    )!;
    const stay = await registerStay({
      name: 'Dora Explorer',
      email: 'dora@example.org',
      checkinDate: '2026-06-01',
      checkoutDate: '2026-06-03',
      status: 'prestay',
    });
    expect(await stayGuest(stay.stayId)).toBe(contact);
    expect(await invite({ name: 'Dora', email: 'dora@EXAMPLE.org' })).toBe(contact);
    const admin = await t.app.inject({
      method: 'POST',
      url: '/admin/v1/guests',
      headers: { authorization: `Bearer ${adminToken}` },
      payload: { firstName: 'Dora', email: 'DORA@example.org', key: 'crm:D-7' },
    });
    expect(admin.statusCode, admin.body).toBe(200);
    expect(admin.json()).toMatchObject({ created: false, rule: 'email', guest: { id: contact } });
    expect(await guestsWith('email', 'dora@example.org')).toEqual([{ id: contact }]);
  });

  it('Loopon stays with a blocked e-mail match on unit, dates, name and that e-mail together', async () => {
    const stay = { email: 'noemail@agency.example', checkinDate: '2026-07-01', checkoutDate: '2026-07-05', status: 'prestay' };
    const ann = await registerStay({ ...stay, name: 'Ann Berg' });
    const bo = await registerStay({ ...stay, name: 'Bo Berg' });
    expect(bo.stayId).not.toBe(ann.stayId);
    expect(await stayGuest(bo.stayId)).not.toBe(await stayGuest(ann.stayId));
    const resent = await registerStay({ ...stay, name: 'Ann Berg', room: '12' });
    expect(resent.stayId).toBe(ann.stayId);
    expect(resent.room).toBe('12');
    // Without a name a blocked e-mail identifies no stay: a new one.
    const anonymous = await registerStay(stay);
    expect([ann.stayId, bo.stayId]).not.toContain(anonymous.stayId);
  });

  it('refuses identity settings that are not what they say (400, nothing changed)', async () => {
    const { adminToken } = await createTestAccount(t);
    const patch = (settings: unknown) =>
      t.app.inject({ method: 'PATCH', url: '/admin/v1/account', headers: { authorization: `Bearer ${adminToken}` }, payload: { settings } });
    expect((await patch({ defaultCountry: 'XX' })).statusCode).toBe(400);
    expect((await patch({ defaultCountry: 'Canada' })).statusCode).toBe(400);
    expect((await patch({ sharedIdentifierLimit: 0 })).statusCode).toBe(400);
    const fine = await patch({ defaultCountry: 'SE', sharedIdentifierLimit: 5 });
    expect(fine.statusCode, fine.body).toBe(200);
    expect(fine.json().settings).toMatchObject({ defaultCountry: 'SE', sharedIdentifierLimit: 5 });
  });
});
