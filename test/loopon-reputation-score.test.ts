import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocation } from '../src/core/locations/locations.js';
import { addCompetitiveSetMember, createCompetitiveSet } from '../src/core/locations/competitive-sets.js';
import { todayUtc } from '../src/core/reputation/values.js';
import { importReputation } from '../src/api/imports/import-reputation.js';
import { parseJsonLines } from '../src/api/imports/json-lines.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { createLooponClient } from './helpers/loopon.js';
import { FIXED_NOW, freezeDateForFile } from './helpers/clock.js';

// Date is frozen at FIXED_NOW (noon UTC): "today" is the same day for the fixtures and the server.
freezeDateForFile();

// Loopon Online Reputation: the daily reputation score of units, chains and competitive sets.
describe.each(dialects())('Loopon reputation on %s', (dialect) => {
  let t: TestApp;
  let accountId: number;
  let ids: { chain: number; kattegat: number; skagerrak: number; rival: number; bare: number };
  let headers: Record<string, string>;
  const DAY = '2026-10-01';
  const nulls = (date: string) => ({ date, rank: null, rankOf: null, score: null, normalizedScore: null });

  const get = async (url: string, h = headers) => {
    const res = await t.app.inject({ method: 'GET', url: `/loopon/public${url}`, headers: h });
    return { status: res.statusCode, body: res.json() };
  };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const { account } = await createTestAccount(t);
    accountId = account.id;
    const db = t.database.db;
    const chain = await createLocation(db, accountId, { title: { en: 'Sea Hotels' }, kind: 'chain' });
    const kattegat = await createLocation(db, accountId, { title: { en: 'Sea Hotel Kattegat' }, parentId: chain.id, propertyCode: 'X01' });
    const skagerrak = await createLocation(db, accountId, { title: { en: 'Sea Hotel Skagerrak' }, parentId: chain.id, propertyCode: 'X02' });
    const rival = await createLocation(db, accountId, { title: { en: 'Rival Inn' }, propertyCode: 'R1', kind: 'competitor' });
    const bare = await createLocation(db, accountId, { title: { en: 'No Data Hotel' } });
    ids = { chain: chain.id, kattegat: kattegat.id, skagerrak: skagerrak.id, rival: rival.id, bare: bare.id };
    const set = await createCompetitiveSet(db, accountId, { locationId: kattegat.id, name: 'Gothenburg', memberIds: [rival.id] });
    await addCompetitiveSetMember(db, accountId, set.set.id, skagerrak.id);
    await createCompetitiveSet(db, accountId, { locationId: kattegat.id, name: 'Empty set' });
    const lines = [
      // Kattegat: per-source rows only, so all sources is their average
      { unitId: kattegat.id, date: DAY, source: 'TripAdvisor', rank: 3, rankOf: 57, score: 8.7, normalizedScore: 0.87 },
      { propertyCode: 'X01', date: DAY, source: 'booking.com', rank: 6, rankOf: 62, score: 8.9 },
      // Skagerrak: a stored all-sources row wins over the average
      { unitId: skagerrak.id, date: DAY, rank: 2, rankOf: 40, score: 9.1, normalizedScore: 0.91 },
      { unitId: skagerrak.id, date: DAY, source: 'tripadvisor', rank: 1, rankOf: 30, score: 9.5, normalizedScore: 0.95 },
      // Rival: only one source
      { unitId: rival.id, date: DAY, source: 'tripadvisor', rank: 7, rankOf: 57, score: 7.5, normalizedScore: 0.75 },
      { unitId: kattegat.id, date: todayUtc(new Date(FIXED_NOW)), score: 8 },
    ];
    const result = await importReputation(db, accountId, parseJsonLines(lines.map((l) => JSON.stringify(l)).join('\n')));
    expect(result).toMatchObject({ imported: lines.length, failedCount: 0, failed: [] });
    headers = (await createLooponClient(t, accountId)).headers;
  });
  afterAll(async () => t?.close());

  it("averages the day's sources when no all-sources figures are stored", async () => {
    const { status, body } = await get(`/units/${ids.kattegat}/reputation?date=${DAY}`);
    expect(status).toBe(200);
    expect(body).toHaveLength(1);
    expect(body[0].unit).toEqual({ unitId: ids.kattegat, propertyCode: 'X01', name: 'Sea Hotel Kattegat', defaultEvaluationId: null });
    const result = body[0].result;
    expect(result).toMatchObject({ date: DAY, rank: 4.5, rankOf: 60 });
    expect(result.score).toBeCloseTo(8.8, 10);
    expect(result.normalizedScore).toBeCloseTo(0.88, 10); // booking.com's 0.89 derived from its score
  });

  it('returns one source when asked, matching its name without case', async () => {
    const { body } = await get(`/units/${ids.kattegat}/reputation?date=${DAY}&source=tripadvisor`);
    expect(body[0].result).toEqual({ date: DAY, rank: 3, rankOf: 57, score: 8.7, normalizedScore: 0.87 });
    const upper = await get(`/units/${ids.kattegat}/reputation?date=${DAY}&source=TRIPADVISOR`);
    expect(upper.body[0].result).toEqual(body[0].result);
    const unknown = await get(`/units/${ids.kattegat}/reputation?date=${DAY}&source=expedia`);
    expect(unknown.body[0].result).toEqual(nulls(DAY));
  });

  it('prefers stored all-sources figures', async () => {
    const { body } = await get(`/units/${ids.skagerrak}/reputation?date=${DAY}`);
    expect(body[0].result).toEqual({ date: DAY, rank: 2, rankOf: 40, score: 9.1, normalizedScore: 0.91 });
  });

  it("renders competitive sets with their units' results and no property codes", async () => {
    const { body } = await get(`/units/${ids.kattegat}/reputation?date=${DAY}&source=tripadvisor`);
    expect(body[0].competitiveSets).toEqual([
      {
        competitiveSetId: expect.any(Number),
        name: 'Gothenburg',
        units: [
          {
            unit: { unitId: ids.skagerrak, propertyCode: null, name: 'Sea Hotel Skagerrak', defaultEvaluationId: null },
            result: { date: DAY, rank: 1, rankOf: 30, score: 9.5, normalizedScore: 0.95 },
          },
          {
            unit: { unitId: ids.rival, propertyCode: null, name: 'Rival Inn', defaultEvaluationId: null },
            result: { date: DAY, rank: 7, rankOf: 57, score: 7.5, normalizedScore: 0.75 },
          },
        ],
      },
      { competitiveSetId: expect.any(Number), name: 'Empty set', units: [] },
    ]);
  });

  it('returns the results of every unit within a chain', async () => {
    const { status, body } = await get(`/units/${ids.chain}/reputation?date=${DAY}`);
    expect(status).toBe(200);
    expect(body.map((r: any) => r.unit.unitId)).toEqual([ids.kattegat, ids.skagerrak]);
    expect(body[1]).toEqual({
      unit: { unitId: ids.skagerrak, propertyCode: 'X02', name: 'Sea Hotel Skagerrak', defaultEvaluationId: null },
      result: { date: DAY, rank: 2, rankOf: 40, score: 9.1, normalizedScore: 0.91 },
      competitiveSets: [],
    });
    expect(body[0].competitiveSets.map((s: any) => s.name)).toEqual(['Gothenburg', 'Empty set']);
  });

  it('has null figures for a day or unit without data', async () => {
    expect((await get(`/units/${ids.kattegat}/reputation?date=2026-09-30`)).body[0].result).toEqual(nulls('2026-09-30'));
    const bare = await get(`/units/${ids.bare}/reputation?date=${DAY}`);
    expect(bare.body).toEqual([{ unit: expect.objectContaining({ unitId: ids.bare }), result: nulls(DAY), competitiveSets: [] }]);
  });

  it('defaults to today', async () => {
    const { body } = await get(`/units/${ids.kattegat}/reputation`);
    expect(body[0].result).toEqual({ date: todayUtc(new Date(FIXED_NOW)), rank: null, rankOf: null, score: 8, normalizedScore: 0.8 });
  });

  it('refuses a date in another format with 400', async () => {
    for (const date of ['01-10-2026', '2026-10-32', 'today']) {
      const { status, body } = await get(`/units/${ids.kattegat}/reputation?date=${date}`);
      expect(status, date).toBe(400);
      expect(body).toEqual({ error: 'bad_request', message: 'The date has an invalid format' });
    }
  });

  it('keeps to the units a client may use', async () => {
    const kattegatOnly = (await createLooponClient(t, accountId, { unitIds: [ids.kattegat] })).headers;
    expect((await get(`/units/${ids.kattegat}/reputation?date=${DAY}`, kattegatOnly)).status).toBe(200);
    expect((await get(`/units/${ids.skagerrak}/reputation?date=${DAY}`, kattegatOnly)).status).toBe(403);
    expect((await get(`/units/${ids.chain}/reputation?date=${DAY}`, kattegatOnly)).status).toBe(403);
    const chainClient = (await createLooponClient(t, accountId, { unitIds: [ids.chain] })).headers;
    expect((await get(`/units/${ids.skagerrak}/reputation?date=${DAY}`, chainClient)).status).toBe(200);
    const other = await createTestAccount(t);
    const otherHeaders = (await createLooponClient(t, other.account.id)).headers;
    expect((await get(`/units/${ids.kattegat}/reputation?date=${DAY}`, otherHeaders)).status).toBe(404);
  });
});
