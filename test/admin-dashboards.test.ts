import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerDocument, updateAnswerDocument } from '../src/core/feedback/answer-documents.js';
import { rebuildScoreRollups } from '../src/core/feedback/score-rollups.js';
import { upsertReviews } from '../src/core/reputation/reviews.js';
import { upsertSnapshots } from '../src/core/reputation/snapshots.js';
import { writeContext } from '../src/core/shared/write-context.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';

// Admin API: the dashboards (scores from the rollups, drill-down, reputation), figures checked by hand.
describe.each(dialects())('admin dashboards on %s', (dialect) => {
  let t: TestApp;
  let data: Awaited<ReturnType<typeof seed>>;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    data = await seed();
  });
  afterAll(async () => t?.close());
  const call = adminCall(() => t);

  /**
   * A chain with hotels A and B, one survey (NPS + a rating of semantic id 1004) and seven documents:
   *  1 A 2026-03-30 poststay nps 10 rating 1     5 B 2026-04-06 manual   nps 0 rating 0
   *  2 A 2026-03-31 poststay nps 9  rating 0.75  6 B (no checkout, received 2026-04-02 23:30Z) public nps 8 rating 0.5
   *  3 A 2026-04-01 public   nps 6  rating 0.25  7 A 2026-05-01 poststay nps 10 (outside April)
   *  4 B 2026-04-05 poststay nps 9  no rating
   */
  async function seed() {
    const { account, adminToken } = await createTestAccount(t);
    const chain = (await call(adminToken, 'POST', '/locations', { title: 'Chain', kind: 'chain' })).json();
    const a = (await call(adminToken, 'POST', '/locations', { title: 'A', parentId: chain.id })).json();
    const b = (await call(adminToken, 'POST', '/locations', { title: 'B', parentId: chain.id })).json();
    const survey = (
      await call(adminToken, 'POST', '/surveys', {
        name: 'Stay',
        locationIds: [a.id, b.id],
        sections: [
          {
            questions: [
              { type: 'radio', title: 'Recommend?', semanticId: 0 },
              { type: 'radio', title: 'Restaurant', semanticId: 1004, options: [0, 0.25, 0.5, 0.75, 1].map((score) => ({ title: `${score}`, score })) },
            ],
          },
        ],
      })
    ).json();
    const [nps, rating] = survey.questionSet.sections[0].questions;
    const npsOption = (v: number) => nps.options[v].id;
    const ratingOption = (score: number) => rating.options.find((o: any) => o.score === score).id;
    const docs: Array<[number, string | null, string, number, number | null, number?]> = [
      [a.id, '2026-03-30', 'poststay', 10, 1],
      [a.id, '2026-03-31', 'poststay', 9, 0.75],
      [a.id, '2026-04-01', 'public', 6, 0.25],
      [b.id, '2026-04-05', 'poststay', 9, null],
      [b.id, '2026-04-06', 'manual', 0, 0],
      [b.id, null, 'public', 8, 0.5, Date.parse('2026-04-02T23:30:00Z')],
      [a.id, '2026-05-01', 'poststay', 10, null],
    ];
    const ids: number[] = [];
    const write = (...[locationId, checkoutDate, source, npsValue, score, receivedAt]: (typeof docs)[number]) =>
      t.database.db.transaction().execute((trx) =>
        createAnswerDocument(writeContext(trx, account.id), {
          locationId,
          evaluationId: survey.id,
          source: source as any,
          checkoutDate,
          guestName: 'Ann Guest',
          receivedAt: receivedAt ?? Date.parse(`${checkoutDate}T12:00:00Z`),
          answers: [
            { questionId: nps.id, optionId: npsOption(npsValue) },
            ...(score === null ? [] : [{ questionId: rating.id, optionId: ratingOption(score) }]),
          ],
        }),
      );
    for (const doc of docs) ids.push((await write(...doc)).document.id);
    return { accountId: account.id, adminToken, chain, a, b, ids, write };
  }

  const scores = async (query: string) => {
    const res = await call(data.adminToken, 'GET', `/dashboards/scores?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('counts NPS and question averages as computed by hand, by month, location and source', async () => {
    const body = await scores(`from=2026-03-30&to=2026-04-30&locationIds=${data.chain.id}&groupBy=month`);
    expect(body.questions).toEqual([
      { semanticId: 0, title: 'Recommend?' },
      { semanticId: 1004, title: 'Restaurant' },
    ]);
    // 10 9 6 9 0 8: promoters 3, passives 1, detractors 2 -> (3 - 2) / 6 = 16.7 -> 17
    expect(body.total.nps).toEqual({ promoters: 3, passives: 1, detractors: 2, responses: 6, nps: 17 });
    expect(body.total.questions[1]).toEqual({ semanticId: 1004, answerCount: 5, scoredCount: 5, average: 0.5 });
    expect(body.periods.map((p: any) => [p.start, p.end, p.nps.nps, p.questions.find((q: any) => q.semanticId === 1004)?.average])).toEqual([
      ['2026-03-30', '2026-03-31', 100, 0.875],
      ['2026-04-01', '2026-04-30', -25, 0.25],
    ]);
    expect(body.byLocation.map((l: any) => [l.locationId, l.nps.nps])).toEqual([
      [data.a.id, 33],
      [data.b.id, 0],
    ]);
    expect(body.bySource.map((s: any) => [s.source, s.nps.responses, s.nps.nps])).toEqual([
      ['manual', 1, -100],
      ['poststay', 3, 100],
      ['public', 2, -50],
    ]);
    expect(body.drillDown).toBe(`/admin/v1/dashboards/answer-documents?from=2026-03-30&to=2026-04-30&locationIds=${data.chain.id}`);
  });

  it('groups by ISO week across the month boundary, with empty weeks and clipped ends', async () => {
    const body = await scores('from=2026-03-30&to=2026-04-30&groupBy=week');
    expect(body.periods.map((p: any) => [p.start, p.end, p.nps.responses, p.nps.nps])).toEqual([
      ['2026-03-30', '2026-04-05', 5, 40],
      ['2026-04-06', '2026-04-12', 1, -100],
      ['2026-04-13', '2026-04-19', 0, null],
      ['2026-04-20', '2026-04-26', 0, null],
      ['2026-04-27', '2026-04-30', 0, null],
    ]);
    const days = await scores('from=2026-04-01&to=2026-04-03&groupBy=day');
    expect(days.periods.map((p: any) => [p.start, p.nps.responses])).toEqual([
      ['2026-04-01', 1],
      ['2026-04-02', 1],
      ['2026-04-03', 0],
    ]);
  });

  it('reads ranges that cut segments (day rollups at the edges) and single days exactly', async () => {
    // 2026-03-31 is the end of a segment, 2026-04-01..05 a whole one: docs 2, 3, 4, 6 -> 9 6 9 8
    const edge = await scores('from=2026-03-31&to=2026-04-05');
    expect(edge.total.nps).toEqual({ promoters: 2, passives: 1, detractors: 1, responses: 4, nps: 25 });
    const inside = await scores('from=2026-04-02&to=2026-04-02');
    expect(inside.total.nps).toMatchObject({ passives: 1, responses: 1, nps: 0 });
    const may = await scores('from=2026-04-30&to=2026-05-31&groupBy=month');
    expect(may.periods.map((p: any) => [p.start, p.end, p.nps.responses])).toEqual([
      ['2026-04-30', '2026-04-30', 0],
      ['2026-05-01', '2026-05-31', 1],
    ]);
  });

  it('filters by location and source; a unit or source with nothing is listed with empty figures', async () => {
    const body = await scores(`from=2026-03-01&to=2026-04-30&locationIds=${data.a.id}&sources=poststay,reputation`);
    expect(body.total.nps).toMatchObject({ promoters: 2, responses: 2, nps: 100 });
    expect(body.byLocation.map((l: any) => l.locationId)).toEqual([data.a.id]);
    expect(body.bySource.map((s: any) => [s.source, s.nps.responses])).toEqual([
      ['poststay', 2],
      ['reputation', 0],
    ]);
  });

  it('keeps the segment rollups equal to a rebuild after a document moves', async () => {
    await t.database.db.transaction().execute((trx) => updateAnswerDocument(trx, data.accountId, data.ids[1], { checkoutDate: '2026-04-07' }));
    const moved = await scores('from=2026-03-30&to=2026-04-30&groupBy=week');
    expect(moved.periods.slice(0, 2).map((p: any) => p.nps.responses)).toEqual([4, 2]);
    const read = () =>
      t.database.db
        .selectFrom('score_rollup_segments')
        .selectAll()
        .where('account_id', '=', data.accountId)
        .where((eb) => eb.or([eb('answer_count', '!=', 0), eb('promoters', '!=', 0)]))
        .orderBy(['grain', 'semantic_id', 'segment', 'source', 'location_id'])
        .execute();
    const kept = await read();
    await t.database.db.transaction().execute((trx) => rebuildScoreRollups(trx, data.accountId));
    const rounded = (rows: typeof kept) => rows.map((r) => ({ ...r, score_sum: Number(Number(r.score_sum).toFixed(9)) }));
    expect(rounded(await read())).toEqual(rounded(kept));
    await t.database.db.transaction().execute((trx) => updateAnswerDocument(trx, data.accountId, data.ids[1], { checkoutDate: '2026-03-31' }));
  });

  it('refuses wrong input with a 400', async () => {
    for (const query of [
      'from=2026-04-31',
      'from=2026-05-01&to=2026-04-01',
      'groupBy=year',
      'locationIds=abc',
      'locationIds=999999',
      'sources=email',
      'from=2020-01-01&to=2026-01-01',
    ]) {
      const res = await call(data.adminToken, 'GET', `/dashboards/scores?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBeDefined();
    }
  });

  it('drills down to the answer documents behind a figure, newest first, paged', async () => {
    const url = `/dashboards/answer-documents?from=2026-03-30&to=2026-04-30&locationIds=${data.chain.id}&segment=detractor&limit=1`;
    const first = (await call(data.adminToken, 'GET', url)).json();
    expect(first.documents.map((d: any) => d.id)).toEqual([data.ids[4]]);
    expect(first.documents[0]).toMatchObject({ locationId: data.b.id, source: 'manual', day: '2026-04-06', guestName: 'Ann Guest' });
    expect(first.documents[0].answers.map((a: any) => a.semanticId)).toEqual([0, 1004]);
    // in words: the question's and option's titles, and the NPS segment of the chosen option
    const [npsAnswer, restaurant] = first.documents[0].answers;
    expect(npsAnswer).toMatchObject({ question: 'Recommend?', segment: 'detractor' });
    expect(npsAnswer.option).toMatch(/^[0-6]$/);
    expect(restaurant).toMatchObject({ question: 'Restaurant', segment: null });
    expect(restaurant.option).toBe(String(restaurant.score));
    const second = (await call(data.adminToken, 'GET', `${url}&before=${first.next}`)).json();
    expect(second.documents.map((d: any) => d.id)).toEqual([data.ids[2]]);
    expect(second.next).toBeNull();
    // The document without a checkout date counts on the day it was received.
    const day = (await call(data.adminToken, 'GET', '/dashboards/answer-documents?from=2026-04-02&to=2026-04-02')).json();
    expect(day.documents.map((d: any) => d.id)).toEqual([data.ids[5]]);
    const rated = (await call(data.adminToken, 'GET', '/dashboards/answer-documents?from=2026-03-30&to=2026-04-30&semanticId=1004&sources=poststay')).json();
    expect(rated.documents.map((d: any) => d.id)).toEqual([data.ids[1], data.ids[0]]);
  });

  it('shows daily reputation and reviews of a unit and its competitive sets', async () => {
    const competitor = (await call(data.adminToken, 'POST', '/competitors', { title: 'Rival' })).json();
    const set = (await call(data.adminToken, 'POST', '/competitive-sets', { locationId: data.a.id, name: 'Town', memberIds: [competitor.id] })).json();
    const db = t.database.db;
    await upsertSnapshots(db, data.accountId, [
      { locationId: data.a.id, day: '2026-04-01', source: 'tripadvisor', rank: 2, rankOf: 10, score: 4, normalizedScore: 0.8 },
      { locationId: data.a.id, day: '2026-04-01', source: 'booking', rank: 4, rankOf: 20, score: 8, normalizedScore: 0.6 },
      { locationId: data.a.id, day: '2026-04-02', source: 'tripadvisor', rank: 1, rankOf: 10, score: 4.5, normalizedScore: 0.9 },
      { locationId: competitor.id, day: '2026-04-01', source: 'tripadvisor', rank: 3, rankOf: 10, score: 3.5, normalizedScore: 0.7 },
      { locationId: data.a.id, day: '2026-05-02', source: 'tripadvisor', rank: 1, rankOf: 10, score: 5, normalizedScore: 1 },
    ]);
    const review = (locationId: number, externalId: string, reviewDate: string, normalizedRating: number) => ({
      locationId,
      channel: 'tripadvisor',
      externalId,
      reviewDate,
      stayDate: null,
      language: 'en',
      title: `Review ${externalId}`,
      text: 'Fine',
      rating: normalizedRating * 5,
      normalizedRating,
      respondable: true,
      managementResponseDate: null,
      travelComposition: null,
      ratings: [],
    });
    await upsertReviews(db, data.accountId, [
      review(data.a.id, 'r1', '2026-04-03', 1),
      review(data.a.id, 'r2', '2026-04-04', 0.6),
      review(competitor.id, 'r3', '2026-04-04', 0.4),
      review(data.a.id, 'r4', '2026-06-01', 0.2),
    ]);
    const res = await call(data.adminToken, 'GET', `/dashboards/reputation?locationId=${data.a.id}&from=2026-04-01&to=2026-04-30`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.location.series).toEqual([
      { date: '2026-04-01', rank: 3, rankOf: 15, score: 6, normalizedScore: 0.7 },
      { date: '2026-04-02', rank: 1, rankOf: 10, score: 4.5, normalizedScore: 0.9 },
    ]);
    expect(body.location.reviews).toEqual([{ channel: 'tripadvisor', count: 2, rated: 2, averageRating: 0.8 }]);
    expect(body.latestReviews.map((r: any) => r.title)).toEqual(['Review r2', 'Review r1']);
    expect(body.competitiveSets).toEqual([
      {
        id: set.id,
        name: 'Town',
        members: [
          {
            locationId: competitor.id,
            title: 'Rival',
            kind: 'competitor',
            series: [{ date: '2026-04-01', rank: 3, rankOf: 10, score: 3.5, normalizedScore: 0.7 }],
            reviews: [{ channel: 'tripadvisor', count: 1, rated: 1, averageRating: 0.4 }],
          },
        ],
      },
    ]);
    const one = (await call(data.adminToken, 'GET', `/dashboards/reputation?locationId=${data.a.id}&from=2026-04-01&to=2026-04-30&source=booking`)).json();
    expect(one.location.series).toEqual([{ date: '2026-04-01', rank: 4, rankOf: 20, score: 8, normalizedScore: 0.6 }]);
    expect((await call(data.adminToken, 'GET', `/dashboards/reputation?locationId=${data.chain.id}`)).statusCode).toBe(400);
    expect((await call(data.adminToken, 'GET', '/dashboards/reputation?locationId=999999')).statusCode).toBe(404);
  });

  it('reads the account-level rollups only when the selection holds every location with answers', async () => {
    // The chain is the whole account: its trend comes from the account-level weeks ('aw'), kept per ISO week.
    const weekly = [
      ['2026-03-30', '2026-04-05', 5, 40],
      ['2026-04-06', '2026-04-12', 1, -100],
      ['2026-04-13', '2026-04-19', 0, null],
    ];
    const trend = (body: any) => body.periods.slice(0, 3).map((p: any) => [p.start, p.end, p.nps.responses, p.nps.nps]);
    expect(trend(await scores(`from=2026-03-30&to=2026-04-30&locationIds=${data.chain.id}&groupBy=week`))).toEqual(weekly);
    const accountWeeks = () =>
      t.database.db
        .selectFrom('score_rollup_segments')
        .select(['segment', 'location_id', 'answer_count', 'promoters', 'passives', 'detractors'])
        .where('account_id', '=', data.accountId)
        .where('grain', '=', 'aw')
        .where('semantic_id', '=', 0)
        .where('segment', '<=', '2026-04-12')
        .orderBy('segment')
        .execute();
    // Week of 30 March (split by month in the segments): 10 9 | 6 9 8; week of 6 April: 0 (all sources summed).
    const sum = (rows: Awaited<ReturnType<typeof accountWeeks>>, segment: string) =>
      rows
        .filter((r) => r.segment === segment)
        .reduce((a, r) => [a[0] + Number(r.answer_count), a[1] + Number(r.promoters), a[2] + Number(r.passives), a[3] + Number(r.detractors)], [0, 0, 0, 0]);
    const before = await accountWeeks();
    expect(before.every((r) => r.location_id === 0)).toBe(true);
    expect(sum(before, '2026-03-30')).toEqual([5, 3, 1, 1]);
    expect(sum(before, '2026-04-06')).toEqual([1, 0, 0, 1]);

    // A unit outside the chain answers: the chain no longer covers the account and reads per location.
    const c = (await call(data.adminToken, 'POST', '/locations', { title: 'C' })).json();
    const created = await data.write(c.id, '2026-04-08', 'poststay', 10, null);
    expect(sum(await accountWeeks(), '2026-04-06')).toEqual([2, 1, 0, 1]);
    expect(trend(await scores(`from=2026-03-30&to=2026-04-30&locationIds=${data.chain.id}&groupBy=week`))).toEqual(weekly);
    const withC = [weekly[0], ['2026-04-06', '2026-04-12', 2, 0], weekly[2]];
    expect(trend(await scores('from=2026-03-30&to=2026-04-30&groupBy=week'))).toEqual(withC);
    expect(trend(await scores(`from=2026-03-30&to=2026-04-30&locationIds=${data.chain.id},${c.id}&groupBy=week`))).toEqual(withC);
    const monthly = await scores(`from=2026-03-15&to=2026-05-10&locationIds=${data.chain.id},${c.id}&groupBy=month`);
    expect(monthly.periods.map((p: any) => [p.start, p.nps.responses])).toEqual([
      ['2026-03-15', 2],
      ['2026-04-01', 5],
      ['2026-05-01', 1],
    ]);
    expect(monthly.bySource.map((s: any) => [s.source, s.nps.responses])).toEqual([
      ['manual', 1],
      ['poststay', 5],
      ['public', 2],
    ]);
    expect(monthly.byLocation.map((l: any) => [l.locationId, l.nps.responses])).toEqual([
      [data.a.id, 4],
      [data.b.id, 3],
      [c.id, 1],
    ]);
    // Moved out of the range, it leaves the account-level rollups equal to a rebuild.
    await t.database.db.transaction().execute((trx) => updateAnswerDocument(trx, data.accountId, created.document.id, { checkoutDate: '2026-06-02' }));
    expect(trend(await scores(`from=2026-03-30&to=2026-04-30&locationIds=${data.chain.id},${c.id}&groupBy=week`))).toEqual(weekly);
    const read = () =>
      t.database.db
        .selectFrom('score_rollup_segments')
        .selectAll()
        .where('account_id', '=', data.accountId)
        .where('grain', 'in', ['aw', 'am'])
        .where((eb) => eb.or([eb('answer_count', '!=', 0), eb('promoters', '!=', 0)]))
        .orderBy(['grain', 'semantic_id', 'segment', 'source'])
        .execute();
    const kept = await read();
    expect(kept.length).toBeGreaterThan(0);
    await t.database.db.transaction().execute((trx) => rebuildScoreRollups(trx, data.accountId));
    const rounded = (rows: typeof kept) => rows.map((r) => ({ ...r, score_sum: Number(Number(r.score_sum).toFixed(9)) }));
    expect(rounded(await read())).toEqual(rounded(kept));
  });
});
