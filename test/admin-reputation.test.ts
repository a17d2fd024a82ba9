import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { createLooponClient } from './helpers/loopon.js';

// Admin API: review questions, competitors and competitive sets.
describe.each(dialects())('admin reputation configuration on %s', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  const call = (token: string, method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: method as any,
      url: `/admin/v1${url}`,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(payload === undefined ? {} : { payload: payload as any }),
    });

  describe('review questions', () => {
    it('creates, lists and deletes review questions of each answer type', async () => {
      const { adminToken } = await createTestAccount(t);
      const number = await call(adminToken, 'POST', '/review-questions', { key: 'cleanliness', description: 'Cleanliness', answerType: 'number' });
      expect(number.statusCode).toBe(201);
      expect(number.json()).toEqual({ id: expect.any(Number), key: 'cleanliness', description: 'Cleanliness', answerType: 'number', answerValues: null });
      const enumQ = await call(adminToken, 'POST', '/review-questions', {
        key: 'trip_type',
        description: 'Trip type',
        answerType: 'enum',
        answerValues: ['business', 'leisure'],
      });
      expect(enumQ.json()).toMatchObject({ answerType: 'enum', answerValues: ['business', 'leisure'] });
      await call(adminToken, 'POST', '/review-questions', { key: 'liked', description: 'Liked', answerType: 'text', answerValues: null });
      const list = (await call(adminToken, 'GET', '/review-questions')).json().reviewQuestions;
      expect(list.map((q: any) => q.key)).toEqual(['cleanliness', 'trip_type', 'liked']);

      expect((await call(adminToken, 'DELETE', `/review-questions/${number.json().id}`)).statusCode).toBe(204);
      expect((await call(adminToken, 'DELETE', `/review-questions/${number.json().id}`)).statusCode).toBe(404);
      expect((await call(adminToken, 'GET', '/review-questions')).json().reviewQuestions).toHaveLength(2);
    });

    it('refuses a taken key (409) and inconsistent answer values (400)', async () => {
      const { adminToken } = await createTestAccount(t);
      await call(adminToken, 'POST', '/review-questions', { key: 'location', description: 'Location', answerType: 'number' });
      const taken = await call(adminToken, 'POST', '/review-questions', { key: 'location', description: 'Again', answerType: 'text' });
      expect(taken.statusCode).toBe(409);
      expect(taken.json().error.message).toContain('"location"');
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ key: 'a', description: 'A', answerType: 'enum' }, /answerValues/],
        [{ key: 'a', description: 'A', answerType: 'enum', answerValues: ['x', 'x'] }, /repeat/],
        [{ key: 'a', description: 'A', answerType: 'number', answerValues: ['x'] }, /only for/],
        [{ key: 'a', description: 'A', answerType: 'stars' }, /answerType/],
        [{ key: 'has space', description: 'A', answerType: 'text' }, /key/],
        [{ key: 'a', description: '  ', answerType: 'text' }, /description/],
        [{ key: 'a', description: 'A', answerType: 'text', extra: 1 }, /extra/],
      ];
      for (const [body, message] of cases) {
        const res = await call(adminToken, 'POST', '/review-questions', body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().error.message).toMatch(message);
      }
    });

    it("keeps a question that reviews rate (409) and hides other accounts' questions", async () => {
      const { adminToken } = await createTestAccount(t);
      const hotel = (await call(adminToken, 'POST', '/locations', { title: 'Hotel' })).json();
      const q = (await call(adminToken, 'POST', '/review-questions', { key: 'staff', description: 'Staff', answerType: 'number' })).json();
      const line = JSON.stringify({
        unitId: hotel.id,
        channel: 'google',
        externalId: 'g1',
        reviewDate: '2026-05-01',
        ratings: [{ question: 'staff', score: 4 }],
      });
      const imported = await call(adminToken, 'POST', '/imports/reviews', line, { 'content-type': 'application/x-ndjson' });
      expect(imported.json()).toEqual({ imported: 1, failedCount: 0, failed: [] });
      const refused = await call(adminToken, 'DELETE', `/review-questions/${q.id}`);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('conflict');

      const other = await createTestAccount(t);
      expect((await call(other.adminToken, 'DELETE', `/review-questions/${q.id}`)).statusCode).toBe(404);
      expect((await call(other.adminToken, 'GET', '/review-questions')).json().reviewQuestions).toEqual([]);
    });
  });

  describe('competitors and competitive sets', () => {
    it('creates competitors that are locations but never units', async () => {
      const { account, adminToken } = await createTestAccount(t);
      const rival = await call(adminToken, 'POST', '/competitors', { title: 'Rival Inn', propertyCode: 'R1', city: 'Gothenburg' });
      expect(rival.statusCode).toBe(201);
      expect(rival.json()).toMatchObject({ id: expect.any(Number), kind: 'competitor', title: { en: 'Rival Inn' }, propertyCode: 'R1', city: 'Gothenburg' });
      expect((await call(adminToken, 'GET', '/competitors')).json().competitors.map((c: any) => c.id)).toEqual([rival.json().id]);
      expect((await call(adminToken, 'GET', '/locations')).json().locations.map((l: any) => l.kind)).toEqual(['competitor']);
      const client = await createLooponClient(t, account.id);
      expect((await t.app.inject({ method: 'GET', url: '/loopon/public/units', headers: client.headers })).json()).toEqual([]);
      expect((await call(adminToken, 'POST', '/competitors', { title: 'X', kind: 'chain' })).statusCode).toBe(400);
    });

    it('creates, lists, reads and deletes competitive sets, adding and removing members', async () => {
      const { adminToken } = await createTestAccount(t);
      const hotel = (await call(adminToken, 'POST', '/locations', { title: 'Hotel' })).json();
      const sister = (await call(adminToken, 'POST', '/locations', { title: 'Sister' })).json();
      const rival = (await call(adminToken, 'POST', '/competitors', { title: 'Rival' })).json();
      const rival2 = (await call(adminToken, 'POST', '/competitors', { title: 'Rival 2' })).json();

      const created = await call(adminToken, 'POST', '/competitive-sets', { locationId: hotel.id, name: ' City ', memberIds: [rival.id, sister.id, rival.id] });
      expect(created.statusCode).toBe(201);
      const set = created.json();
      expect(set).toEqual({ id: expect.any(Number), locationId: hotel.id, name: 'City', memberIds: [sister.id, rival.id].sort((a, b) => a - b) });
      expect((await call(adminToken, 'GET', `/competitive-sets/${set.id}`)).json()).toEqual(set);

      const added = await call(adminToken, 'PUT', `/competitive-sets/${set.id}/members/${rival2.id}`);
      expect(added.statusCode).toBe(200);
      expect(added.json().memberIds).toHaveLength(3);
      expect((await call(adminToken, 'PUT', `/competitive-sets/${set.id}/members/${rival2.id}`)).json().memberIds).toHaveLength(3);
      expect((await call(adminToken, 'DELETE', `/competitive-sets/${set.id}/members/${sister.id}`)).statusCode).toBe(204);
      expect((await call(adminToken, 'DELETE', `/competitive-sets/${set.id}/members/${sister.id}`)).statusCode).toBe(404);
      expect((await call(adminToken, 'GET', `/competitive-sets/${set.id}`)).json().memberIds).toEqual([rival.id, rival2.id]);

      const second = (await call(adminToken, 'POST', '/competitive-sets', { locationId: sister.id, name: 'Other' })).json();
      expect((await call(adminToken, 'GET', '/competitive-sets')).json().competitiveSets.map((s: any) => s.id)).toEqual([set.id, second.id]);
      expect((await call(adminToken, 'GET', `/competitive-sets?locationId=${sister.id}`)).json().competitiveSets).toEqual([{ ...second, memberIds: [] }]);

      expect((await call(adminToken, 'DELETE', `/competitive-sets/${set.id}`)).statusCode).toBe(204);
      expect((await call(adminToken, 'GET', `/competitive-sets/${set.id}`)).statusCode).toBe(404);
      expect((await call(adminToken, 'GET', '/competitors')).json().competitors).toHaveLength(2); // members are kept
      // deleting a competitor removes it from the sets it was in
      await call(adminToken, 'PUT', `/competitive-sets/${second.id}/members/${rival.id}`);
      expect((await call(adminToken, 'DELETE', `/locations/${rival.id}`)).statusCode).toBe(204);
      expect((await call(adminToken, 'GET', `/competitive-sets/${second.id}`)).json().memberIds).toEqual([]);
    });

    it("refuses owners and members that cannot be compared (400) and other accounts' sets (404)", async () => {
      const { adminToken } = await createTestAccount(t);
      const chain = (await call(adminToken, 'POST', '/locations', { title: 'Chain', kind: 'chain' })).json();
      const hotel = (await call(adminToken, 'POST', '/locations', { title: 'Hotel', parentId: chain.id })).json();
      const rival = (await call(adminToken, 'POST', '/competitors', { title: 'Rival' })).json();
      const bad: Array<[Record<string, unknown>, RegExp]> = [
        [{ locationId: chain.id, name: 'A' }, /chain/],
        [{ locationId: rival.id, name: 'A' }, /competitor/],
        [{ locationId: 999999, name: 'A' }, /does not exist/],
        [{ locationId: hotel.id, name: 'A', memberIds: [hotel.id] }, /own/],
        [{ locationId: hotel.id, name: 'A', memberIds: [chain.id] }, /chain/],
        [{ locationId: hotel.id, name: '   ' }, /name/],
      ];
      for (const [body, message] of bad) {
        const res = await call(adminToken, 'POST', '/competitive-sets', body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().error.message).toMatch(message);
      }
      // a refused member leaves no half-made set behind
      expect((await call(adminToken, 'GET', '/competitive-sets')).json().competitiveSets).toEqual([]);

      const set = (await call(adminToken, 'POST', '/competitive-sets', { locationId: hotel.id, name: 'A' })).json();
      expect((await call(adminToken, 'PUT', `/competitive-sets/${set.id}/members/999999`)).statusCode).toBe(400);
      const other = await createTestAccount(t);
      const foreign = (await call(other.adminToken, 'POST', '/competitors', { title: 'Foreign' })).json();
      expect((await call(adminToken, 'PUT', `/competitive-sets/${set.id}/members/${foreign.id}`)).statusCode).toBe(400);
      for (const [method, url] of [
        ['GET', `/competitive-sets/${set.id}`],
        ['DELETE', `/competitive-sets/${set.id}`],
        ['PUT', `/competitive-sets/${set.id}/members/${foreign.id}`],
      ]) {
        expect((await call(other.adminToken, method, url)).statusCode, `${method} ${url}`).toBe(404);
      }
      expect((await call(adminToken, 'GET', '/competitive-sets/abc')).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'GET', url: '/admin/v1/competitive-sets' })).statusCode).toBe(401);
    });
  });
});
