import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allOrLineByLine, runImport } from '../src/api/imports/import-batches.js';
import { upsertSnapshots, type SnapshotInput } from '../src/core/reputation/snapshots.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';

// Admin API: JSON-lines imports of reviews and reputation snapshots.
describe.each(dialects())('admin reputation imports on %s', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  const call = (token: string, method: string, url: string, payload?: unknown) =>
    t.app.inject({
      method: method as any,
      url: `/admin/v1${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as any }),
    });

  const importLines = (token: string, kind: string, lines: unknown[], contentType = 'application/x-ndjson') =>
    t.app.inject({
      method: 'POST',
      url: `/admin/v1/imports/${kind}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      payload: lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'),
    });

  async function setup() {
    const { account, adminToken } = await createTestAccount(t);
    const chain = (await call(adminToken, 'POST', '/locations', { title: 'Chain', kind: 'chain' })).json();
    const hotel = (await call(adminToken, 'POST', '/locations', { title: 'Hotel', propertyCode: 'H1', parentId: chain.id })).json();
    const rival = (await call(adminToken, 'POST', '/competitors', { title: 'Rival', propertyCode: 'R1' })).json();
    await call(adminToken, 'POST', '/review-questions', { key: 'clean', description: 'Cleanliness', answerType: 'number' });
    await call(adminToken, 'POST', '/review-questions', { key: 'trip', description: 'Trip', answerType: 'enum', answerValues: ['business', 'leisure'] });
    await call(adminToken, 'POST', '/review-questions', { key: 'liked', description: 'Liked', answerType: 'text' });
    return { accountId: account.id, adminToken, chain, hotel, rival };
  }

  const reviewRows = (accountId: number) => t.database.db.selectFrom('reviews').selectAll().where('account_id', '=', accountId).orderBy('id').execute();

  it('imports good review lines and reports each bad one with its line number', async () => {
    const { accountId, adminToken, chain, hotel, rival } = await setup();
    const good = { propertyCode: 'H1', channel: 'TripAdvisor', externalId: 'a1', reviewDate: '2026-05-01' };
    const res = await importLines(adminToken, 'reviews', [
      {
        ...good,
        title: 'Fine',
        rating: 4,
        normalizedRating: 0.8,
        ratings: [
          { question: 'clean', score: 5, normalizedScore: 1 },
          { question: 'trip', textAnswer: 'business' },
        ],
      },
      '{"unitId": ',
      { ...good, externalId: 'a2', reviewDate: '2026-02-30' },
      { ...good, externalId: 'a3', propertyCode: 'NOPE' },
      { ...good, externalId: 'a4', unitId: chain.id, propertyCode: undefined },
      { ...good, externalId: 'a5', ratings: [{ question: 'trip', textAnswer: 'space' }] },
      { ...good, externalId: 'a6', ratings: [{ question: 'unknown', score: 1 }] },
      '',
      { ...good, externalId: 'a7', normalizedRating: 1.5 },
      { ...good, externalId: 'a8', managementResponseDate: '2026-04-01' },
      { ...good, externalId: 'a9', stars: 5 },
      { unitId: rival.id, channel: 'google', externalId: 9, reviewDate: '2026-05-02', ratings: [{ question: 'liked', textAnswer: 'Pool' }] },
      '[1, 2]',
      { ...good, externalId: 'a10', ratings: [{ question: 'clean', textAnswer: 'very' }] },
      { ...good, channel: undefined, externalId: 'a11' },
      { ...good, externalId: 'a12', text: 'nul \u0000 here' },
    ]);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.imported).toBe(2);
    expect(body.failed.map((f: any) => f.line)).toEqual([2, 3, 4, 5, 6, 7, 9, 10, 11, 13, 14, 15, 16]);
    const messages = Object.fromEntries(body.failed.map((f: any) => [f.line, f.error]));
    expect(messages[2]).toBe('not valid JSON');
    expect(messages[3]).toMatch(/reviewDate must be a date/);
    expect(messages[4]).toMatch(/no unit has propertyCode "NOPE"/);
    expect(messages[5]).toMatch(/chain/);
    expect(messages[6]).toMatch(/must be one of "business", "leisure"/);
    expect(messages[7]).toMatch(/no review question has key "unknown"/);
    expect(messages[9]).toMatch(/normalizedRating must be at most 1/);
    expect(messages[10]).toMatch(/managementResponseDate cannot be before reviewDate/);
    expect(messages[11]).toMatch(/unknown field "stars"/);
    expect(messages[13]).toMatch(/JSON object/);
    expect(messages[14]).toMatch(/number question/);
    expect(messages[15]).toMatch(/channel is required/);
    expect(messages[16]).toMatch(/NUL/);

    const rows = await reviewRows(accountId);
    expect(rows.map((r) => [r.location_id, r.channel, r.external_id])).toEqual([
      [hotel.id, 'tripadvisor', 'a1'],
      [rival.id, 'google', '9'],
    ]);
    expect(rows[0]).toMatchObject({ title: 'Fine', rating_raw: 4, rating_normalized: 0.8, respondable: 0 });
  });

  it('updates a review imported again, replacing its ratings, and never duplicates it', async () => {
    const { accountId, adminToken, hotel } = await setup();
    const base = { unitId: hotel.id, channel: 'google', externalId: 'same', reviewDate: '2026-06-01' };
    await importLines(adminToken, 'reviews', [
      {
        ...base,
        title: 'Old',
        ratings: [
          { question: 'clean', score: 2 },
          { question: 'liked', textAnswer: 'Bed' },
        ],
      },
    ]);
    const again = await importLines(
      adminToken,
      'reviews',
      [{ ...base, title: 'New', respondable: true, managementResponseDate: '2026-06-03', ratings: [{ question: 'clean', score: 4 }] }],
      'text/plain',
    );
    expect(again.json()).toEqual({ imported: 1, failedCount: 0, failed: [] });
    const rows = await reviewRows(accountId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ title: 'New', respondable: 1, management_response_date: '2026-06-03' });
    expect(rows[0].updated_at).toBeGreaterThanOrEqual(rows[0].created_at);
    const ratings = await t.database.db.selectFrom('review_ratings').selectAll().where('review_id', '=', rows[0].id).execute();
    expect(ratings.map((r) => r.score_raw)).toEqual([4]);
    // the same key twice in one body: the later line wins
    const twice = await importLines(adminToken, 'reviews', [
      { ...base, title: 'First' },
      { ...base, title: 'Second' },
    ]);
    expect(twice.json()).toEqual({ imported: 2, failedCount: 0, failed: [] });
    expect((await reviewRows(accountId)).map((r) => r.title)).toEqual(['Second']);
  });

  it('writes large imports in batches and reports a bad line among them', async () => {
    const { accountId, adminToken, hotel } = await setup();
    const lines: unknown[] = [];
    for (let i = 1; i <= 1203; i++) {
      lines.push(
        i === 700
          ? { unitId: hotel.id, channel: 'google', reviewDate: '2026-01-01' }
          : { unitId: hotel.id, channel: 'google', externalId: `b${i}`, reviewDate: '2026-01-01', ratings: [{ question: 'clean', score: i % 5 }] },
      );
    }
    const res = await importLines(adminToken, 'reviews', lines);
    expect(res.json()).toEqual({ imported: 1202, failedCount: 1, failed: [{ line: 700, error: 'externalId is required' }] });
    expect(await reviewRows(accountId)).toHaveLength(1202);
  });

  it('imports reputation snapshots, replacing them on a new import', async () => {
    const { accountId, adminToken, hotel, rival, chain } = await setup();
    const res = await importLines(adminToken, 'reputation', [
      { unitId: hotel.id, date: '2026-07-01', source: 'Booking.com', rank: 2, rankOf: 10, score: 9 },
      { propertyCode: 'R1', date: '2026-07-01', rank: 1.5, rankOf: 12, normalizedScore: 0.7 },
      { unitId: hotel.id, date: '2026-07-01', rank: 11, rankOf: 10 },
      { unitId: hotel.id, date: '2026-07-01', score: 10.5 },
      { unitId: hotel.id, source: 'x', score: 5 },
      { unitId: chain.id, date: '2026-07-01', score: 5 },
      { unitId: hotel.id, date: '2026-07-01' },
      { unitId: hotel.id, date: '2026-07-01', rankOf: 3.5 },
      { unitId: 999999, date: '2026-07-01', score: 1 },
      { unitId: hotel.id, propertyCode: 'R1', date: '2026-07-01', score: 1 },
    ]);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.imported).toBe(2);
    expect(body.failed.map((f: any) => [f.line, f.error])).toEqual([
      [3, 'rank cannot be greater than rankOf'],
      [4, 'score must be at most 10'],
      [5, 'date is required'],
      [6, expect.stringMatching(/chain/)],
      [7, 'give at least one of rank, rankOf, score, normalizedScore'],
      [8, 'rankOf must be a whole number'],
      [9, `unit 999999 does not exist`],
      [10, `unit ${hotel.id} does not have propertyCode "R1"`],
    ]);
    const rows = () => t.database.db.selectFrom('reputation_snapshots').selectAll().where('account_id', '=', accountId).orderBy('location_id').execute();
    expect(await rows()).toEqual([
      { account_id: accountId, location_id: hotel.id, day: '2026-07-01', source: 'booking.com', rank: 2, rank_of: 10, score: 9, normalized_score: 0.9 },
      { account_id: accountId, location_id: rival.id, day: '2026-07-01', source: '', rank: 1.5, rank_of: 12, score: null, normalized_score: 0.7 },
    ]);
    const again = await importLines(adminToken, 'reputation', [{ unitId: hotel.id, date: '2026-07-01', source: 'booking.com', rank: 1, rankOf: 10 }]);
    expect(again.json()).toEqual({ imported: 1, failedCount: 0, failed: [] });
    expect((await rows())[0]).toMatchObject({ rank: 1, rank_of: 10, score: null, normalized_score: null });
  });

  it('reads JSON lines bodies only, answering 200 for an empty body, 202 for a large one and 401 without a token', async () => {
    const { adminToken } = await setup();
    expect((await importLines(adminToken, 'reviews', [])).json()).toEqual({ imported: 0, failedCount: 0, failed: [] });
    expect((await importLines(adminToken, 'reputation', ['', '  '], 'text/plain; charset=utf-8')).json()).toEqual({ imported: 0, failedCount: 0, failed: [] });
    // bodies over 1 MiB (the server's default limit) are taken too, as background jobs
    const big = '\n'.repeat(1_500_000);
    for (const type of ['application/x-ndjson', 'text/plain']) {
      const res = await importLines(adminToken, 'reputation', [big], type);
      expect(res.statusCode, type).toBe(202);
      expect(res.headers.location).toMatch(/^\/admin\/v1\/imports\/jobs\/\d+$/);
    }
    const json = await importLines(adminToken, 'reviews', ['{"a":1}', '{"b":2}'], 'application/json');
    expect(json.statusCode).toBe(400);
    const form = await importLines(adminToken, 'reviews', ['a=b'], 'application/x-www-form-urlencoded');
    expect(form.statusCode).toBe(415);
    const noAuth = await t.app.inject({ method: 'POST', url: '/admin/v1/imports/reviews', headers: { 'content-type': 'application/x-ndjson' }, payload: '{}' });
    expect(noAuth.statusCode).toBe(401);
    // another account's units are unknown here
    const other = await setup();
    const foreign = await importLines(adminToken, 'reputation', [{ unitId: other.hotel.id, date: '2026-07-01', score: 5 }]);
    expect(foreign.json().failed).toEqual([{ line: 1, error: `unit ${other.hotel.id} does not exist` }]);
  });

  it('retries a batch the database refuses line by line, rolling the batch back, and reports progress', async () => {
    const { accountId, hotel } = await setup();
    const records = Array.from({ length: 12 }, (_, i) => ({ line: i + 1, value: i + 1 }));
    const progress: number[] = [];
    const result = await runImport<SnapshotInput>(
      t.database.db,
      records,
      {
        read: (value) => ({
          locationId: hotel.id,
          day: `2026-08-${String(value).padStart(2, '0')}`,
          source: '',
          rank: null,
          rankOf: null,
          score: Number(value) % 10,
          normalizedScore: null,
        }),
        write: allOrLineByLine(async (trx, items) => {
          await upsertSnapshots(trx, accountId, items);
          if (items.some((i) => i.day === '2026-08-07')) throw new Error('refused by the database');
        }),
      },
      { onProgress: (state) => progress.push(state.linesRead), batchSize: 5 },
    );
    expect(result).toEqual({ imported: 11, failedCount: 1, failed: [{ line: 7, error: 'could not be stored: refused by the database' }], linesRead: 12 });
    expect(progress).toEqual([5, 10, 12]);
    const days = await t.database.db.selectFrom('reputation_snapshots').select('day').where('account_id', '=', accountId).orderBy('day').execute();
    expect(days).toHaveLength(11);
    expect(days.map((d) => d.day)).not.toContain('2026-08-07');
  });
});
