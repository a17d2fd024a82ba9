import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateAnswerDocument } from '../src/core/feedback/answer-documents.js';
import { createEvaluation } from '../src/core/feedback/evaluations.js';
import { currentQuestionSet } from '../src/core/feedback/question-sets.js';
import { rebuildScoreRollups } from '../src/core/feedback/score-rollups.js';
import { setLocationDefaultEvaluation } from '../src/core/feedback/default-evaluation.js';
import { dialects } from './helpers/database.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import {
  addDocument,
  answers,
  createFeedbackFixture,
  daysAgo,
  expectNoServerErrors,
  get,
  questionsOf,
  type Fixture,
} from './helpers/loopon-feedback-fixture.js';
import { freezeDateForFile } from './helpers/clock.js';

const NPS_TITLE = 'How likely is it that you would recommend our hotel?';

// Date is frozen at FIXED_NOW (noon UTC): "today" is the same day for the fixtures and the server.
freezeDateForFile();

// Loopon simple survey operations: scores by semantic id and the NPS, from the rollups.
describe.each(dialects())('Loopon scores on %s', (dialect) => {
  let t: TestApp;
  let f: Fixture;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    f = await createFeedbackFixture(t);
    const nps = (locationId: number, values: number[], extra: Record<string, unknown> = {}) =>
      Promise.all(values.map((nps) => addDocument(t, f.accountId, { locationId, checkoutDate: daysAgo(3), ...extra, answers: answers(f.questions, { nps }) })));
    await nps(f.units.X01, [10, 10, 9, 9, 10, 7, 8, 8, 0, 6]);
    await nps(f.units.X02, [10, 3]);
    await nps(f.units.X01, [0], { source: 'public' });
    await nps(f.units.X01, [0], { source: 'manual', checkoutDate: daysAgo(0) });
    await nps(f.units.X01, [0], { checkoutDate: daysAgo(31) });
    await nps(f.units.X01, [0], { checkoutDate: daysAgo(40) });
    await nps(f.units.other, [0]);
    await nps(f.units.X02, [10], { source: 'reputation', reputationSource: 'tripadvisor' });
    await nps(f.units.X02, [0], { source: 'reputation', reputationSource: 'booking' });
    for (const rating of [5, 4, 4, 2]) {
      await addDocument(t, f.accountId, { locationId: f.units.X01, checkoutDate: daysAgo(10), answers: answers(f.questions, { rating }) });
    }
  });
  afterAll(async () => t?.close());

  const score = (path: string, headers = f.client.headers) => get(t, headers, `/units/${path}`);

  it('computes the NPS exactly: promoters (9-10) minus detractors (0-6), in percent, with the counts', async () => {
    const unit = await score(`${f.units.X01}/evaluation/scores/nps`);
    expect(unit.status).toBe(200);
    expect(unit.body).toEqual({ title: NPS_TITLE, score: 30, normalizedScore: 0.77, answerCount: 10, promoterCount: 5, passiveCount: 3, detractorCount: 2 });
    expect((await score(`${f.units.X01}/evaluation/scores/0`)).body).toEqual(unit.body);
    expect((await score(`${f.units.X01}/evaluations/${f.evaluationId}/scores/nps`)).body).toEqual(unit.body);
    // The chain aggregates its hotels (not "Elsewhere"): 6 promoters, 3 passives, 3 detractors.
    const chain = await score(`${f.units.chain}/evaluation/scores/nps`);
    expect(chain.body).toEqual({ title: NPS_TITLE, score: 25, normalizedScore: 0.75, answerCount: 12, promoterCount: 6, passiveCount: 3, detractorCount: 3 });
    expect((await score(`${f.units.chain}/evaluations/${f.evaluationId}/scores/0`)).body).toEqual(chain.body);
  });

  it('scores another semantic id as the average normalised score (score in percent), without NPS counts', async () => {
    const res = await score(`${f.units.X01}/evaluation/scores/1004`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ title: 'I am satisfied with the restaurant', score: 69, normalizedScore: 0.6875, answerCount: 4 });
    const none = await score(`${f.units.X03}/evaluation/scores/1004`);
    expect(none.body).toEqual({ title: 'I am satisfied with the restaurant', score: null, normalizedScore: null, answerCount: 0 });
  });

  it('counts only e-mail surveys by default; source and reputationSources widen or narrow it', async () => {
    const nps = async (query: string) => (await score(`${f.units.X01}/evaluation/scores/nps?${query}`)).body;
    expect(await nps('source=email')).toMatchObject({ answerCount: 10, score: 30 });
    expect(await nps('source=public')).toMatchObject({ answerCount: 1, detractorCount: 1, score: -100 });
    expect(await nps('source=email,public')).toMatchObject({ answerCount: 11, promoterCount: 5, detractorCount: 3, score: 18, normalizedScore: 0.7 });
    expect(await nps('source=all')).toMatchObject({ answerCount: 12, detractorCount: 4 });
    expect(await nps('source=manual')).toMatchObject({ answerCount: 1 });
    const x2 = async (query: string) => (await score(`${f.units.X02}/evaluation/scores/nps?${query}`)).body;
    expect(await x2('')).toMatchObject({ answerCount: 2, promoterCount: 1, detractorCount: 1, score: 0 });
    expect(await x2('source=reputation')).toMatchObject({ answerCount: 2, promoterCount: 1, detractorCount: 1 });
    expect(await x2('reputationSources=TripAdvisor')).toMatchObject({ answerCount: 1, promoterCount: 1, score: 100 });
    expect(await x2('source=email&reputationSources=booking')).toMatchObject({ answerCount: 1, detractorCount: 1, score: -100 });
    expect((await score(`${f.units.X02}/evaluation/scores/nps?source=sms`)).status).toBe(400);
  });

  it('defaults to the 30 days up to today by checkout date; startDate and endDate choose another range', async () => {
    const nps = async (query: string) => (await score(`${f.units.X01}/evaluation/scores/nps?${query}`)).body.answerCount;
    expect(await nps(`startDate=${daysAgo(30)}&endDate=${daysAgo(0)}`)).toBe(10);
    expect(await nps(`startDate=${daysAgo(31)}`)).toBe(11);
    expect(await nps(`endDate=${daysAgo(35)}`)).toBe(1); // the 30 days before endDate: the stay 40 days ago
    expect(await nps(`startDate=${daysAgo(3)}&endDate=${daysAgo(3)}`)).toBe(10);
    expect(await nps('startDate=2017-01-01&endDate=2017-12-31')).toBe(0);
  });

  it('answers 400 for an invalid date range or semantic id, as documented', async () => {
    const u = `${f.units.X01}/evaluation/scores`;
    for (const query of ['startDate=2017-13-01', 'endDate=soon', 'startDate=2018-01-01&endDate=2017-12-31', 'startDate=2017-02-29']) {
      for (const path of [`${u}/nps?${query}`, `${u}/1004?${query}`]) {
        const res = await score(path);
        expect(res.status, path).toBe(400);
        expect(res.body).toEqual({ error: 'invalid_date_range', message: expect.stringMatching(/^The specified date range is invalid/) });
      }
    }
    for (const id of ['abc', '-1', '1.5', '4242', '99999999999']) {
      const res = await score(`${u}/${id}`);
      expect(res.status, id).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_semantic_id', message: expect.stringMatching(/^The specified semantic id is invalid/) });
    }
  });

  it('a chain aggregates the units that use its evaluation (not a unit with a survey of its own); without a default, each unit its own default', async () => {
    const g = await createFeedbackFixture(t);
    const db = t.database.db;
    const restaurant = await db.transaction().execute((trx) =>
      createEvaluation(trx, g.accountId, {
        name: 'Restaurant',
        sections: [{ questions: [{ type: 'radio', title: { en: 'Would you recommend our restaurant?' }, semanticId: 0 }] }],
      }),
    );
    await setLocationDefaultEvaluation(db, g.accountId, g.units.X03, restaurant.id);
    const rq = await questionsOf(t, g.accountId, (await currentQuestionSet(db, g.accountId, restaurant.id))!.id);
    await addDocument(t, g.accountId, {
      locationId: g.units.X03,
      checkoutDate: daysAgo(1),
      answers: [{ questionId: rq.nps.id, optionId: rq.nps.options[10].id }],
    });
    await addDocument(t, g.accountId, { locationId: g.units.X01, checkoutDate: daysAgo(1), answers: answers(g.questions, { nps: 2 }) });
    const counts = async (path: string) => {
      const res = await score(path, g.client.headers);
      return res.status === 200 ? [res.body.promoterCount, res.body.detractorCount] : res.status;
    };
    // The chain's default is the hotels' survey: X03 now answers another one, so it is not counted.
    expect(await counts(`${g.units.chain}/evaluation/scores/nps`)).toEqual([0, 1]);
    expect(await counts(`${g.units.chain}/evaluations/${g.evaluationId}/scores/nps`)).toEqual([0, 1]);
    expect(await counts(`${g.units.chain}/evaluations/${restaurant.id}/scores/nps`)).toEqual([1, 0]);
    expect(await counts(`${g.units.X03}/evaluation/scores/nps`)).toEqual([1, 0]);
    expect(await counts(`${g.units.X01}/evaluations/${restaurant.id}/scores/nps`)).toBe(404);
    expect((await score(`${g.units.chain}/evaluations/${restaurant.id}/scores/nps`, g.client.headers)).body.title).toBe('Would you recommend our restaurant?');
    await setLocationDefaultEvaluation(db, g.accountId, g.units.chain, null);
    expect(await counts(`${g.units.chain}/evaluation/scores/nps`)).toEqual([1, 1]);
    expect(await counts(`${g.units.chain}/evaluation/scores/1004`)).toEqual([undefined, undefined]);
  });

  it('keeps the rollups equal to a rebuild from the answers through changes of checkout date, answers and source', async () => {
    const g = await createFeedbackFixture(t);
    const db = t.database.db;
    const nps = async () => (await score(`${g.units.X01}/evaluation/scores/nps`, g.client.headers)).body;
    const { document } = await addDocument(t, g.accountId, {
      locationId: g.units.X01,
      checkoutDate: daysAgo(40),
      answers: answers(g.questions, { nps: 10, rating: 3 }),
    });
    await addDocument(t, g.accountId, { locationId: g.units.X02, answers: answers(g.questions, { nps: 8, text: 'ok' }) });
    expect((await nps()).answerCount).toBe(0);
    const change = (c: Parameters<typeof updateAnswerDocument>[3]) => db.transaction().execute((trx) => updateAnswerDocument(trx, g.accountId, document.id, c));
    await change({ checkoutDate: daysAgo(2) });
    expect(await nps()).toMatchObject({ answerCount: 1, promoterCount: 1, score: 100 });
    await change({ answers: answers(g.questions, { nps: 4 }) });
    expect(await nps()).toMatchObject({ answerCount: 1, promoterCount: 0, detractorCount: 1, score: -100, normalizedScore: 0.4 });
    await change({ source: 'manual' });
    expect((await nps()).answerCount).toBe(0);

    const snapshot = async () =>
      (await db.selectFrom('score_rollups').selectAll().where('account_id', '=', g.accountId).execute())
        .filter((r) => r.answer_count !== 0)
        .map((r) => ({ ...r, score_sum: Math.round(r.score_sum * 1e9) / 1e9 }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const incremental = await snapshot();
    expect(incremental.length).toBeGreaterThan(0);
    await db.transaction().execute((trx) => rebuildScoreRollups(trx, g.accountId));
    expect(await snapshot()).toEqual(incremental);
  });

  it('keeps the rollups exact under concurrent writers of the same unit and day, and of the same document', async () => {
    const g = await createFeedbackFixture(t);
    const db = t.database.db;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        addDocument(t, g.accountId, { locationId: g.units.X01, checkoutDate: daysAgo(1), answers: answers(g.questions, { nps: i % 2 ? 10 : 0 }) }),
      ),
    );
    const { document } = await addDocument(t, g.accountId, { locationId: g.units.X01, checkoutDate: daysAgo(1), answers: answers(g.questions, { nps: 5 }) });
    await Promise.all(
      [3, 9, 7, 1].map((nps, i) =>
        db
          .transaction()
          .execute((trx) => updateAnswerDocument(trx, g.accountId, document.id, { checkoutDate: daysAgo(i), answers: answers(g.questions, { nps }) })),
      ),
    );
    const res = await score(`${g.units.X01}/evaluation/scores/nps`, g.client.headers);
    // The last update to commit decides the document's answer; the other twenty never move.
    expect(res.body.answerCount).toBe(21);
    expect(res.body.promoterCount + res.body.passiveCount + res.body.detractorCount).toBe(21);
    expect(res.body.promoterCount).toBeGreaterThanOrEqual(10);
    expect(res.body.detractorCount).toBeGreaterThanOrEqual(10);
    const before = (await db.selectFrom('score_rollups').selectAll().where('account_id', '=', g.accountId).execute()).filter((r) => r.answer_count !== 0);
    await db.transaction().execute((trx) => rebuildScoreRollups(trx, g.accountId));
    const after = await db.selectFrom('score_rollups').selectAll().where('account_id', '=', g.accountId).execute();
    const key = (r: (typeof after)[number]) => `${r.day}|${r.semantic_id}|${r.answer_count}|${r.promoters}|${r.passives}|${r.detractors}`;
    expect(before.map(key).sort()).toEqual(after.map(key).sort());
  });

  it('never answered with a 500', () => expectNoServerErrors(t));
});
