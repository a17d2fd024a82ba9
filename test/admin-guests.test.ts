import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { accountRows, createPlace, seedGuest } from './helpers/guest-rows.js';

// The admin API's guests: identity resolution, lookups, profile changes, merge and split.
describe.each(dialects())('admin API guests on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());
  const call = adminCall(() => t);

  // Found by the fuzz (docs/reliability.md): a location's country is free text, and a national
  // number arriving with a location whose country is two letters naming no country was a 500.
  it('reads a national mobile in the default country when the location names no real country', async () => {
    const { adminToken: token } = await createTestAccount(t);
    const location = await call(token, 'POST', '/locations', { title: { en: 'Nowhere' }, country: 'ZZ' });
    expect(location.statusCode, location.body).toBe(201);
    await call(token, 'PATCH', '/account', { settings: { defaultCountry: 'CA' } });
    const guest = await call(token, 'POST', '/guests', { firstName: 'Zed', mobile: '613-555-0199', locationId: location.json().id });
    expect(guest.statusCode, guest.body).toBe(201);
    expect(guest.json().guest.mobile).toBe('+16135550199');
  });

  it('adds guests through identity resolution: 201 for a new one, 200 with the rule for a found one', async () => {
    const { adminToken: token } = await createTestAccount(t);
    const created = await call(token, 'POST', '/guests', { firstName: 'Ada', lastName: 'Lovelace', email: 'Ada@Example.test', key: 'pms:R-1' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ created: true, rule: 'new', reason: null, guest: { name: 'Ada Lovelace', email: 'ada@example.test' } });
    const id = created.json().guest.id;
    const byEmail = await call(token, 'POST', '/guests', { firstName: 'Ada', email: 'ada@example.test', customFields: { pillow: 'soft' } });
    expect(byEmail.statusCode).toBe(200);
    expect(byEmail.json()).toMatchObject({ created: false, rule: 'email', guest: { id, customFields: { pillow: 'soft' } } });
    const byKey = await call(token, 'POST', '/guests', { key: 'pms:R-1', language: 'en' });
    expect(byKey.json()).toMatchObject({ created: false, rule: 'key', guest: { id, language: 'en' } });
    const conflict = await call(token, 'POST', '/guests', { firstName: 'Bob', email: 'ada@example.test' });
    expect(conflict.statusCode).toBe(201);
    expect(conflict.json()).toMatchObject({ created: true, rule: 'new', reason: 'name_conflict' });

    const detail = (await call(token, 'GET', `/guests/${conflict.json().guest.id}`)).json();
    expect(detail.matches).toEqual([
      expect.objectContaining({ rule: 'new', source: 'admin', identifier: 'ada@example.test', reason: 'name_conflict', count: 1 }),
    ]);
    expect((await call(token, 'GET', `/guests/${id}`)).json()).toMatchObject({
      id,
      requestedId: id,
      keys: [{ source: 'pms', value: 'R-1', key: 'pms:R-1' }],
      matches: [expect.objectContaining({ rule: 'email', source: 'admin', identifier: 'ada@example.test', count: 1 })],
      merges: [],
    });
  });

  it('refuses bad input with a 4xx and a clear message, never a 500', async () => {
    const { adminToken: token } = await createTestAccount(t);
    const cases: Array<[string, string, unknown, number, RegExp]> = [
      ['POST', '/guests', {}, 400, /at least one/],
      ['POST', '/guests', { key: 'no-colon' }, 400, /<source>:<value>/],
      ['POST', '/guests', { key: ':value' }, 400, /<source>:<value>/],
      ['POST', '/guests', { email: 'not an e-mail' }, 400, /email/],
      ['POST', '/guests', { name: 'X', locationId: 999999 }, 404, /location 999999/],
      ['POST', '/guests', { name: 'X', shoeSize: 42 }, 400, /shoeSize/],
      ['GET', '/guests/abc', undefined, 404, /No such resource/],
      ['GET', '/guests/999999', undefined, 404, /guest 999999/],
      ['GET', '/guests?key=nocolon', undefined, 400, /<source>:<value>/],
      ['GET', '/guests?limit=0', undefined, 400, /limit/],
      ['PATCH', '/guests/999999', { name: 'X' }, 404, /guest/],
      ['POST', '/guests/merge', { survivorId: 1 }, 400, /otherId/],
      ['POST', '/guests/merge', { survivorId: 'x', otherId: 2 }, 400, /survivorId/],
      ['POST', '/guests/999998/split', { key: 'loop:x' }, 404, /guest 999998/],
      ['POST', '/guests/1/split', { key: 'loop' }, 400, /<source>:<value>/],
    ];
    for (const [method, url, body, status, message] of cases) {
      const res = await call(token, method, url, body);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
      expect(res.json().error.message, `${method} ${url}`).toMatch(message);
    }
  });

  it('lists guests by normalised e-mail, mobile and key, with paging, never a merged-away one', async () => {
    const { adminToken: token } = await createTestAccount(t);
    expect((await call(token, 'PATCH', '/account', { settings: { defaultCountry: 'SE' } })).statusCode).toBe(200);
    const add = async (body: object) => (await call(token, 'POST', '/guests', body)).json().guest.id as number;
    const ada = await add({ firstName: 'Ada', email: 'ada@example.test', mobile: '070-123 45 67' });
    const bea = await add({ firstName: 'Bea', key: 'loop:B:1' });
    const cid = await add({ firstName: 'Cid' });
    const list = async (query: string) => (await call(token, 'GET', `/guests${query}`)).json();
    expect((await list('?email=ADA@example.TEST')).guests.map((g: any) => g.id)).toEqual([ada]);
    expect((await list('?mobile=0701234567')).guests).toMatchObject([{ id: ada, mobile: '+46701234567' }]);
    expect((await list('?key=loop:B:1')).guests.map((g: any) => g.id)).toEqual([bea]);
    expect((await list('?key=loop:B')).guests).toEqual([]);
    expect(await list('?limit=2')).toMatchObject({ guests: [{ id: ada }, { id: bea }], limit: 2, offset: 0, nextOffset: 2 });
    expect(await list('?limit=2&offset=2')).toMatchObject({ guests: [{ id: cid }], nextOffset: null });

    expect((await call(token, 'POST', '/guests/merge', { survivorId: cid, otherId: ada })).statusCode).toBe(200);
    expect((await list('')).guests.map((g: any) => g.id)).toEqual([bea, cid]);
    expect((await list('?mobile=%2B46701234567')).guests.map((g: any) => g.id)).toEqual([cid]);
  });

  it('changes a profile with e-mail and mobile normalised; a merged-away id changes its survivor', async () => {
    const { adminToken: token } = await createTestAccount(t);
    const a = (await call(token, 'POST', '/guests', { firstName: 'Ada', key: 'loop:a' })).json().guest.id;
    const b = (await call(token, 'POST', '/guests', { firstName: 'Bea', key: 'loop:b' })).json().guest.id;
    const patched = await call(token, 'PATCH', `/guests/${a}`, { email: 'ADA@Example.Test', mobile: '+46 (0)70 123 45 67', vipStatus: 'gold' });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ id: a, email: 'ada@example.test', mobile: '+46701234567', vipStatus: 'gold' });
    expect((await call(token, 'PATCH', `/guests/${a}`, { vipStatus: null })).json().vipStatus).toBeNull();

    const merged = await call(token, 'POST', '/guests/merge', { survivorId: a, otherId: b });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json()).toMatchObject({
      merge: { survivorId: a, mergedId: b, actor: 'admin', splitAt: null, moved: { guest_keys: 1 } },
      survivor: { id: a },
    });
    const asked = (await call(token, 'GET', `/guests/${b}`)).json();
    expect(asked).toMatchObject({ id: a, requestedId: b, keys: [{ key: 'loop:a' }, { key: 'loop:b' }], merges: [{ mergedId: b, moved: { guest_keys: 1 } }] });
    expect((await call(token, 'PATCH', `/guests/${b}`, { groupName: 'Choir' })).json()).toMatchObject({ id: a, requestedId: b, groupName: 'Choir' });

    const again = await call(token, 'POST', '/guests/merge', { survivorId: a, otherId: b });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain(`merged into guest ${a}`);
    expect((await call(token, 'POST', '/guests/merge', { survivorId: a, otherId: a })).statusCode).toBe(400);

    const split = await call(token, 'POST', `/guests/${a}/split`, { key: 'loop:b' });
    expect(split.statusCode, split.body).toBe(200);
    expect(split.json()).toMatchObject({ guest: { id: a }, splitOff: { id: b, firstName: 'Bea' }, restoredMergeId: merged.json().merge.id });
    expect((await call(token, 'GET', `/guests/${b}`)).json()).toMatchObject({ id: b, requestedId: b, keys: [{ key: 'loop:b' }] });
    expect((await call(token, 'GET', `/guests/${a}`)).json().merges).toEqual([expect.objectContaining({ mergedId: b, splitAt: expect.any(Number) })]);
    expect((await call(token, 'POST', `/guests/${a}/split`, { key: 'loop:b' })).statusCode).toBe(404);
  });

  it('a merge refused for two chat sessions at one location changes nothing', async () => {
    const { account, adminToken: token } = await createTestAccount(t);
    const db = t.database.db;
    const place = await createPlace(db, account.id);
    const ada = await seedGuest(db, account.id, place, 'A1', { firstName: 'Ada' });
    const bea = await seedGuest(db, account.id, place, 'B1', { firstName: 'Bea' });
    const before = await accountRows(db, account.id);
    const res = await call(token, 'POST', '/guests/merge', { survivorId: ada.guestId, otherId: bea.guestId });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toEqual({ code: 'conflict', message: `both guests have a chat session at location ${place.locationId}; close or move one first` });
    expect(await accountRows(db, account.id)).toEqual(before);
  });

  it('merge then split over HTTP restores every linked row', async () => {
    const { account, adminToken: token } = await createTestAccount(t);
    const db = t.database.db;
    const ada = await seedGuest(db, account.id, await createPlace(db, account.id, 'Lobby'), 'A1', { firstName: 'Ada', email: 'ada@example.test' });
    const bea = await seedGuest(db, account.id, await createPlace(db, account.id, 'Spa'), 'B1', { firstName: 'Bea', mobile: '+46701234567' });
    const before = await accountRows(db, account.id);
    const merged = await call(token, 'POST', '/guests/merge', { survivorId: ada.guestId, otherId: bea.guestId });
    expect(merged.json().merge.moved).toEqual({
      guest_keys: 2,
      stays: 1,
      journey_events: 1,
      loops: 1,
      loop_activities: 1,
      answer_documents: 1,
      chat_sessions: 1,
      guest_matches: 1,
    });
    expect(merged.json().merge.filled).toEqual({ mobile: '+46701234567' });
    const split = await call(token, 'POST', `/guests/${bea.guestId}/split`, { key: 'loop:B1-extra' });
    expect(split.json()).toMatchObject({ guest: { id: ada.guestId }, splitOff: { id: bea.guestId, mobile: '+46701234567' } });
    expect(await accountRows(db, account.id)).toEqual(before);
  });

  it("another account's guest is a 404", async () => {
    const mine = await createTestAccount(t);
    const theirs = await createTestAccount(t);
    const id = (await call(theirs.adminToken, 'POST', '/guests', { name: 'Them' })).json().guest.id;
    const own = (await call(mine.adminToken, 'POST', '/guests', { name: 'Me' })).json().guest.id;
    expect((await call(mine.adminToken, 'GET', `/guests/${id}`)).statusCode).toBe(404);
    expect((await call(mine.adminToken, 'POST', '/guests/merge', { survivorId: own, otherId: id })).statusCode).toBe(404);
    expect((await call(mine.adminToken, 'PATCH', `/guests/${id}`, { name: 'X' })).statusCode).toBe(404);
  });
});
