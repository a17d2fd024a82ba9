import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocation } from '../src/core/locations/locations.js';
import { addCompetitiveSetMember, createCompetitiveSet, removeCompetitiveSetMember } from '../src/core/locations/competitive-sets.js';
import { importReviews } from '../src/api/imports/import-reviews.js';
import { createReviewQuestion } from '../src/core/reputation/review-questions.js';
import { parseJsonLines } from '../src/api/imports/json-lines.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { createLooponClient } from './helpers/loopon.js';
import { freezeDateForFile } from './helpers/clock.js';

// Date is frozen at FIXED_NOW (noon UTC): "today" is the same day for the fixtures and the server.
freezeDateForFile();

// Loopon Online Reputation: review questions and reviews (paging, date window, chains, access).
describe.each(dialects())('Loopon reviews on %s', (dialect) => {
  let t: TestApp;
  let accountId: number;
  let ids: { chain: number; kattegat: number; skagerrak: number; rival: number; loner: number };
  let all: Record<string, string>;
  let setId: number;

  const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url: `/loopon/public${url}`, headers });

  const review = (unit: Record<string, unknown>, externalId: string, reviewDate: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ ...unit, channel: 'tripadvisor', externalId, reviewDate, ...extra });

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const { account } = await createTestAccount(t);
    accountId = account.id;
    const db = t.database.db;
    const chain = await createLocation(db, accountId, { title: { en: 'Sea Hotels' }, kind: 'chain' });
    const kattegat = await createLocation(db, accountId, { title: { en: 'Sea Hotel Kattegat' }, parentId: chain.id, propertyCode: 'X01' });
    const skagerrak = await createLocation(db, accountId, { title: { en: 'Sea Hotel Skagerrak' }, parentId: chain.id, propertyCode: 'X02' });
    const rival = await createLocation(db, accountId, { title: { en: 'Rival Inn' }, propertyCode: 'R1', kind: 'competitor' });
    const loner = await createLocation(db, accountId, { title: { en: 'Lone Competitor' }, kind: 'competitor' });
    ids = { chain: chain.id, kattegat: kattegat.id, skagerrak: skagerrak.id, rival: rival.id, loner: loner.id };
    setId = (await createCompetitiveSet(db, accountId, { locationId: kattegat.id, name: 'Gothenburg', memberIds: [rival.id] })).set.id;
    await createReviewQuestion(db, accountId, { key: 'cleanliness', description: 'Cleanliness', answerType: 'number' });
    await createReviewQuestion(db, accountId, { key: 'liked', description: 'What the guest liked', answerType: 'text' });
    await createReviewQuestion(db, accountId, { key: 'trip_type', description: 'Trip type', answerType: 'enum', answerValues: ['business', 'leisure'] });
    const k = { unitId: kattegat.id };
    const lines = [
      review(k, 'k3', '2026-03-10'),
      review(k, 'k1', '2026-01-15', {
        stayDate: '2026-01-01',
        language: 'en',
        title: 'Lovely',
        text: 'Great breakfast',
        rating: 4,
        normalizedRating: 0.8,
        respondable: true,
        managementResponseDate: '2026-02-20',
        travelComposition: 'couple',
        ratings: [
          { question: 'cleanliness', score: 5, normalizedScore: 1 },
          { question: 'liked', textAnswer: 'The view' },
          { question: 'trip_type', textAnswer: 'leisure' },
        ],
      }),
      review(k, 'k2', '2026-02-01', { channel: 'booking.com' }),
      review({ propertyCode: 'X02' }, 's1', '2026-02-05'),
      review({ unitId: rival.id }, 'r1', '2026-02-07'),
      review({ unitId: loner.id }, 'l1', '2026-02-08'),
      review(k, 'future', '2999-01-01'),
    ];
    const result = await importReviews(db, accountId, parseJsonLines(lines.join('\n')));
    expect(result).toMatchObject({ imported: 7, failedCount: 0, failed: [] });
    all = (await createLooponClient(t, accountId)).headers;
  });
  afterAll(async () => t?.close());

  const externalIds = async (url: string, headers = all) => {
    const res = await get(url, headers);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().map((r: any) => `${r.channel}:${r.reviewDate}`);
  };

  it('lists the review questions of the account', async () => {
    const res = await get(`/units/${ids.kattegat}/review-questions`, all);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      { key: 'cleanliness', description: 'Cleanliness', answerType: 'number', answerValues: null },
      { key: 'liked', description: 'What the guest liked', answerType: 'text', answerValues: null },
      { key: 'trip_type', description: 'Trip type', answerType: 'enum', answerValues: ['business', 'leisure'] },
    ]);
  });

  it('renders a review with every field and its ratings', async () => {
    const res = await get(`/units/${ids.kattegat}/reviews?from=2026-01-01&to=2026-02-20`, all);
    expect(res.statusCode).toBe(200);
    const [first, second] = res.json();
    expect(first).toEqual({
      reviewId: expect.any(Number),
      issueId: null,
      unit: { unitId: ids.kattegat, propertyCode: 'X01', name: 'Sea Hotel Kattegat', defaultEvaluationId: null },
      reviewDate: '2026-01-15',
      stayDate: '2026-01-01',
      channel: 'tripadvisor',
      language: 'en',
      title: 'Lovely',
      text: 'Great breakfast',
      rating: 4,
      normalizedRating: 0.8,
      respondable: true,
      managementResponseDate: '2026-02-20',
      travelComposition: 'couple',
      ratings: [
        {
          reviewQuestion: { key: 'cleanliness', description: 'Cleanliness', answerType: 'number', answerValues: null },
          score: 5,
          normalizedScore: 1,
          textAnswer: null,
        },
        {
          reviewQuestion: { key: 'liked', description: 'What the guest liked', answerType: 'text', answerValues: null },
          score: null,
          normalizedScore: null,
          textAnswer: 'The view',
        },
        {
          reviewQuestion: { key: 'trip_type', description: 'Trip type', answerType: 'enum', answerValues: ['business', 'leisure'] },
          score: null,
          normalizedScore: null,
          textAnswer: 'leisure',
        },
      ],
    });
    expect(second).toMatchObject({
      channel: 'booking.com',
      reviewDate: '2026-02-01',
      stayDate: null,
      language: null,
      title: null,
      rating: null,
      respondable: false,
      managementResponseDate: null,
      ratings: [],
    });
  });

  it('counts a review as updated up to `to` only when its management response is too', async () => {
    // reviewed in January but answered on February 20
    expect(await externalIds(`/units/${ids.kattegat}/reviews?from=2026-01-01&to=2026-01-31`)).toEqual([]);
    expect(await externalIds(`/units/${ids.kattegat}/reviews?from=2026-01-01&to=2026-02-19`)).toEqual(['booking.com:2026-02-01']);
  });

  it('lists chronologically by reviewDate, up to today by default', async () => {
    expect(await externalIds(`/units/${ids.kattegat}/reviews`)).toEqual(['tripadvisor:2026-01-15', 'booking.com:2026-02-01', 'tripadvisor:2026-03-10']);
  });

  it('counts a review as updated since `from` when its management response is', async () => {
    expect(await externalIds(`/units/${ids.kattegat}/reviews?from=2026-02-10`)).toEqual(['tripadvisor:2026-01-15', 'tripadvisor:2026-03-10']);
    expect(await externalIds(`/units/${ids.kattegat}/reviews?since=2026-02-21`)).toEqual(['tripadvisor:2026-03-10']);
    expect(await externalIds(`/units/${ids.kattegat}/reviews?from=2026-03-11`)).toEqual([]);
    expect(await externalIds(`/units/${ids.kattegat}/reviews?from=2998-12-31&to=2999-12-31`)).toEqual(['tripadvisor:2999-01-01']);
  });

  it('includes the reviews of every unit of a chain', async () => {
    expect(await externalIds(`/units/${ids.chain}/reviews?from=2026-01-01`)).toEqual([
      'tripadvisor:2026-01-15',
      'booking.com:2026-02-01',
      'tripadvisor:2026-02-05',
      'tripadvisor:2026-03-10',
    ]);
    expect(await externalIds(`/units/${ids.skagerrak}/reviews`)).toEqual(['tripadvisor:2026-02-05']);
  });

  it('pages from pageId 0; a page out of bounds is empty', async () => {
    const page = (n: number) => externalIds(`/units/${ids.chain}/reviews?pageSize=3&pageId=${n}`);
    expect(await page(0)).toEqual(['tripadvisor:2026-01-15', 'booking.com:2026-02-01', 'tripadvisor:2026-02-05']);
    expect(await page(1)).toEqual(['tripadvisor:2026-03-10']);
    expect(await page(2)).toEqual([]);
    expect(await externalIds(`/units/${ids.chain}/reviews?pageSize=2`)).toHaveLength(2);
    // Any page number is a page ("empty array if page is out of bounds"); a size over 1000 is 1000.
    expect(await externalIds(`/units/${ids.chain}/reviews?pageId=100000001`)).toEqual([]);
    expect(await externalIds(`/units/${ids.chain}/reviews?pageId=99999999999999999999&pageSize=1000`)).toEqual([]);
    expect(await externalIds(`/units/${ids.chain}/reviews?pageSize=5000`)).toHaveLength(4);
    for (const bad of ['pageSize=0', 'pageSize=x', 'pageId=-1', 'pageId=1.5']) {
      expect((await get(`/units/${ids.chain}/reviews?${bad}`, all)).statusCode, bad).toBe(400);
    }
  });

  it('refuses a date in another format or an impossible date with 400', async () => {
    for (const from of ['2026-1-5', '20260105', '2026-02-30', 'yesterday']) {
      const res = await get(`/units/${ids.kattegat}/reviews?from=${from}`, all);
      expect(res.statusCode, from).toBe(400);
      expect(res.json()).toEqual({ error: 'bad_request', message: 'The since date has an invalid format' });
    }
    const to = await get(`/units/${ids.kattegat}/reviews?to=2026-13-01`, all);
    expect(to.statusCode).toBe(400);
    expect(to.json().message).toBe('The to date has an invalid format');
  });

  it('needs the basic and read_public_reviews scopes', async () => {
    const noReviews = await createLooponClient(t, accountId, { scopes: ['basic', 'read_scores'] });
    const noBasic = await createLooponClient(t, accountId, { scopes: ['read_public_reviews'] });
    for (const headers of [noReviews.headers, noBasic.headers]) {
      for (const path of ['review-questions', 'reviews', 'reputation']) {
        const res = await get(`/units/${ids.kattegat}/${path}`, headers);
        expect(res.statusCode, path).toBe(403);
        expect(res.json().error).toBe('forbidden');
      }
    }
    expect((await get(`/units/${ids.kattegat}/reviews`, { authorization: 'Bearer nope' })).statusCode).toBe(401);
  });

  it("answers 403 for a unit the client may not use, 404 for another account's or an unknown unit", async () => {
    const kattegatOnly = (await createLooponClient(t, accountId, { unitIds: [ids.kattegat] })).headers;
    expect(await externalIds(`/units/${ids.kattegat}/reviews?pageSize=1`, kattegatOnly)).toHaveLength(1);
    for (const path of ['reviews', 'review-questions', 'reputation']) {
      const res = await get(`/units/${ids.skagerrak}/${path}`, kattegatOnly);
      expect(res.statusCode, path).toBe(403);
      expect(res.json()).toEqual({ error: 'forbidden', message: 'You are not allowed to access the requested unit' });
    }
    const other = await createTestAccount(t);
    const foreign = await createLocation(t.database.db, other.account.id, { title: { en: 'Elsewhere' } });
    for (const id of [foreign.id, 999999, 'abc']) {
      for (const path of ['reviews', 'review-questions', 'reputation']) {
        expect((await get(`/units/${id}/${path}`, all)).statusCode, `${id}/${path}`).toBe(404);
      }
    }
  });

  it('lets a client read the reviews of a competitor in a competitive set of its unit, without property code', async () => {
    const kattegatOnly = (await createLooponClient(t, accountId, { unitIds: [ids.kattegat] })).headers;
    const res = await get(`/units/${ids.rival}/reviews`, kattegatOnly);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toHaveLength(1);
    expect(res.json()[0].unit).toEqual({ unitId: ids.rival, propertyCode: null, name: 'Rival Inn', defaultEvaluationId: null });
    expect((await get(`/units/${ids.rival}/review-questions`, kattegatOnly)).statusCode).toBe(200);
    // a competitor in no set of the client's units is not a unit of the account
    expect((await get(`/units/${ids.loner}/reviews`, all)).statusCode).toBe(404);
    const skagerrakOnly = (await createLooponClient(t, accountId, { unitIds: [ids.skagerrak] })).headers;
    expect((await get(`/units/${ids.rival}/reviews`, skagerrakOnly)).statusCode).toBe(404);
    // competitors are no units of their own
    expect((await get(`/units/${ids.rival}/reputation`, all)).statusCode).toBe(404);
    const units = (await get('/units', all)).json().map((u: any) => u.unitId);
    expect(units).not.toContain(ids.rival);
    // a sister property in the set: its reviews become readable, nothing else of it
    await addCompetitiveSetMember(t.database.db, accountId, setId, ids.skagerrak);
    const sister = await get(`/units/${ids.skagerrak}/reviews`, kattegatOnly);
    expect(sister.statusCode).toBe(200);
    expect(sister.json().map((r: any) => r.unit.propertyCode)).toEqual([null]);
    expect((await get(`/units/${ids.skagerrak}/reputation`, kattegatOnly)).statusCode).toBe(403);
    await removeCompetitiveSetMember(t.database.db, accountId, setId, ids.skagerrak);
    expect((await get(`/units/${ids.skagerrak}/reviews`, kattegatOnly)).statusCode).toBe(403);
  });
});
