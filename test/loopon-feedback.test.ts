import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateEvaluation } from '../src/core/feedback/evaluations.js';
import { updateAnswerDocument } from '../src/core/feedback/answer-documents.js';
import { currentQuestionSet } from '../src/core/feedback/question-sets.js';
import { dialects } from './helpers/database.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createLocation } from '../src/core/locations/locations.js';
import {
  STAY_SECTIONS,
  addDocument,
  answers,
  createFeedbackFixture,
  daysAgo,
  expectNoServerErrors,
  get,
  type Fixture,
} from './helpers/loopon-feedback-fixture.js';
import { FIXED_NOW, freezeDateForFile } from './helpers/clock.js';

const HOUR = 3_600_000;

// Date is frozen at FIXED_NOW (noon UTC): "today" is the same day for the fixtures and the server.
freezeDateForFile();

// Loopon complete survey operations: answer documents, question sets and questions.
describe.each(dialects())('Loopon answer documents on %s', (dialect) => {
  let t: TestApp;
  let f: Fixture;
  let h: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    f = await createFeedbackFixture(t);
    h = f.client.headers;
  });
  afterAll(async () => t?.close());

  const list = (unit: number | string, query = '', evaluation = 'evaluation') =>
    get(t, h, `/units/${unit}/${evaluation}/answerDocuments${query ? `?${query}` : ''}`);

  it('renders a document with every field, its answers and the question set they refer to', async () => {
    const { document } = await addDocument(t, f.accountId, {
      locationId: f.units.X01,
      retention: 'thirtyDays',
      guestName: 'Simon Finne',
      guestEmail: 'simon@example.com',
      reservation: 'RES-1',
      loyaltyId: 'L-77',
      checkinDate: '2017-11-18',
      checkoutDate: '2017-11-29',
      sentAt: Date.parse('2017-11-29T10:00:00.123Z'),
      receivedAt: Date.parse('2017-11-30T08:15:00Z'),
      answers: answers(f.questions, {
        nps: 9,
        rating: 4,
        text: 'Lovely',
        extra: [
          { questionId: f.questions.checkbox.id, optionIds: [f.questions.checkbox.options[1].id] },
          { questionId: f.questions.number.id, number: 2.5 },
        ],
      }),
    });
    const { status, body } = await get(t, h, `/units/${f.units.X01}/evaluation/answerDocuments/${document.id}`);
    expect(status).toBe(200);
    const q = f.questions;
    expect(body).toEqual({
      answerDocumentId: document.id,
      unitId: f.units.X01,
      evaluationId: f.evaluationId,
      propertyCode: 'X01',
      retention: 'thirtyDays',
      status: 'answered',
      guestName: 'Simon Finne',
      guestEmail: 'simon@example.com',
      reservationNumber: 'RES-1',
      loyaltyId: 'L-77',
      source: 'poststay',
      reputationSource: null,
      checkinDate: '2017-11-18',
      checkoutDate: '2017-11-29',
      sent: '2017-11-29T10:00:00Z',
      responseRate: 1,
      answers: [
        {
          answerId: expect.any(Number),
          questionId: q.nps.id,
          received: '2017-11-30T08:15:00Z',
          answerOption: q.nps.options[9].id,
          answerOptions: null,
          answerText: null,
          score: 0.9,
        },
        {
          answerId: expect.any(Number),
          questionId: q.rating.id,
          received: '2017-11-30T08:15:00Z',
          answerOption: q.rating.options[3].id,
          answerOptions: null,
          answerText: null,
          score: 0.75,
        },
        {
          answerId: expect.any(Number),
          questionId: q.text.id,
          received: '2017-11-30T08:15:00Z',
          answerOption: null,
          answerOptions: null,
          answerText: 'Lovely',
          score: null,
        },
        {
          answerId: expect.any(Number),
          questionId: q.checkbox.id,
          received: '2017-11-30T08:15:00Z',
          answerOption: null,
          answerOptions: [q.checkbox.options[1].id],
          answerText: null,
          score: null,
        },
        {
          answerId: expect.any(Number),
          questionId: q.number.id,
          received: '2017-11-30T08:15:00Z',
          answerOption: null,
          answerOptions: null,
          answerText: '2.5',
          score: null,
        },
      ],
      updated: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });

    const listed = await list(f.units.X01);
    expect(listed.status).toBe(200);
    expect(listed.body.answerDocuments).toEqual([body]);
    expect(listed.body.questionSets).toHaveLength(1);
    const [set] = listed.body.questionSets;
    expect(set).toMatchObject({ questionSetId: f.questionSetId, evaluationId: f.evaluationId, serialNumber: 1, superseded: null });
    expect(set.sections.map((s: any) => [s.serialNumber, s.title, s.questions.length])).toEqual([
      [1, 'Your stay', 3],
      [2, null, 2],
    ]);
    expect(set.sections[0].questions[1]).toEqual({
      questionId: q.rating.id,
      sectionId: set.sections[0].sectionId,
      questionSetId: f.questionSetId,
      serialNumber: 2,
      title: 'I am satisfied with the restaurant',
      semanticId: 1004,
      departmentCode: 'FB',
      resourceCode: 'REST1',
      facilityType: 'restaurant',
      type: 'radio',
      options: q.rating.options.map((o, i) => ({ optionId: o.id, serialNumber: i + 1, title: `${i + 1} stars`, normalizedScore: i / 4, npsSegment: null })),
    });
    expect(set.sections[0].questions[0].options[10]).toMatchObject({ title: '10', normalizedScore: 1, npsSegment: 'promoter' });
  });

  it('lists what arrived in the last 24 hours by default; the filters apply together', async () => {
    const u = f.units.X02;
    const now = FIXED_NOW;
    const docs = [
      await addDocument(t, f.accountId, { locationId: u, checkoutDate: daysAgo(1), answers: answers(f.questions, { nps: 10 }) }),
      await addDocument(t, f.accountId, { locationId: u, checkoutDate: daysAgo(5), updatedAt: now - 30 * HOUR, answers: answers(f.questions, { nps: 3 }) }),
      await addDocument(t, f.accountId, { locationId: u, source: 'public', answers: answers(f.questions, { nps: 8 }) }),
      await addDocument(t, f.accountId, {
        locationId: u,
        source: 'reputation',
        reputationSource: 'TripAdvisor',
        checkoutDate: daysAgo(1),
        answers: answers(f.questions, { rating: 5 }),
      }),
    ].map((d) => d.document.id);
    const ids = async (query: string) => {
      const res = await list(u, query);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.answerDocuments.map((d: any) => d.answerDocumentId);
    };
    expect(await ids('')).toEqual([docs[0], docs[2], docs[3]]);
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(await ids(`updatedMin=${iso(now - 48 * HOUR)}`)).toEqual([docs[1], docs[0], docs[2], docs[3]]);
    expect(await ids(`updatedMin=${iso(now - 48 * HOUR)}&updatedMax=${iso(now - 24 * HOUR)}`)).toEqual([docs[1]]);
    expect(await ids(`checkoutMin=${daysAgo(10)}&checkoutMax=${daysAgo(2)}`)).toEqual([docs[1]]);
    expect(await ids(`updatedMin=${iso(now - 48 * HOUR)}&checkoutMin=${daysAgo(2)}`)).toEqual([docs[0], docs[3]]);
    expect(await ids('source=email')).toEqual([docs[0]]);
    expect(await ids('source=public,reputation')).toEqual([docs[2], docs[3]]);
    expect(await ids('reputationSources=tripadvisor')).toEqual([docs[3]]);
    expect(await ids('source=email&reputationSources=booking')).toEqual([]);

    for (const bad of ['checkoutMin=2019-02-30', 'updatedMin=yesterday', 'source=fax', 'checkoutMin=2019-05-02&checkoutMax=2019-05-01']) {
      const res = await list(u, bad);
      expect(res.status, bad).toBe(400);
      expect(res.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
  });

  it('the /evaluation/ shorthand is the default evaluation; /evaluation/{id}/ is read as /evaluations/{id}/', async () => {
    const shorthand = await list(f.units.X02);
    const explicit = await list(f.units.X02, '', `evaluations/${f.evaluationId}`);
    const mixed = await list(f.units.X02, '', `evaluation/${f.evaluationId}`);
    expect(explicit).toEqual(shorthand);
    expect(mixed).toEqual(shorthand);
    expect(shorthand.body.answerDocuments.length).toBeGreaterThan(0);
  });

  it('a chain lists the documents of its units; a unit only its own', async () => {
    const inOther = (await addDocument(t, f.accountId, { locationId: f.units.other, answers: answers(f.questions, { nps: 5 }) })).document.id;
    const inX03 = (await addDocument(t, f.accountId, { locationId: f.units.X03, answers: answers(f.questions, { nps: 6 }) })).document.id;
    const chain = (await list(f.units.chain, 'source=all')).body.answerDocuments;
    expect(new Set(chain.map((d: any) => d.unitId))).toEqual(new Set([f.units.X01, f.units.X02, f.units.X03]));
    expect(chain.map((d: any) => d.answerDocumentId)).toContain(inX03);
    expect(chain.map((d: any) => d.answerDocumentId)).not.toContain(inOther);
    expect((await list(f.units.X03)).body.answerDocuments.map((d: any) => d.answerDocumentId)).toEqual([inX03]);
    const one = await get(t, h, `/units/${f.units.chain}/evaluation/answerDocuments/${inX03}`);
    expect(one.body.unitId).toBe(f.units.X03);
    expect((await get(t, h, `/units/${f.units.chain}/evaluation/answerDocuments/${inOther}`)).status).toBe(404);
    expect((await get(t, h, `/units/${f.units.X01}/evaluation/answerDocuments/${inX03}`)).status).toBe(404);
  });

  it('a document answered across two versions of the survey returns both question sets', async () => {
    const g = await createFeedbackFixture(t);
    const { document } = await addDocument(t, g.accountId, { locationId: g.units.X01, answers: answers(g.questions, { nps: 10 }) });
    await t.database.db.transaction().execute((trx) =>
      updateEvaluation(trx, g.accountId, g.evaluationId, {
        sections: [{ questions: [...STAY_SECTIONS[0].questions, { type: 'text', title: { en: 'What should we change?' } }] }],
      }),
    );
    const v2 = (await currentQuestionSet(t.database.db, g.accountId, g.evaluationId))!;
    const newest = await t.database.db
      .selectFrom('questions')
      .select('id')
      .where('question_set_id', '=', v2.id)
      .orderBy('serial', 'desc')
      .executeTakeFirstOrThrow();
    const added = newest.id; // "What should we change?", only in the new set
    await t.database.db
      .transaction()
      .execute((trx) => updateAnswerDocument(trx, g.accountId, document.id, { answers: [{ questionId: added, text: 'The pillows' }] }));

    const res = await get(t, g.client.headers, `/units/${g.units.X01}/evaluation/answerDocuments`);
    expect(res.status).toBe(200);
    const [doc] = res.body.answerDocuments;
    expect(doc.answers.map((a: any) => a.questionId)).toEqual([g.questions.nps.id, added]);
    const sets = res.body.questionSets;
    expect(sets.map((s: any) => [s.questionSetId, s.serialNumber])).toEqual([
      [g.questionSetId, 1],
      [v2.id, 2],
    ]);
    expect(sets[0].superseded).toMatch(/Z$/);
    expect(sets[1].superseded).toBeNull();

    const set1 = await get(t, g.client.headers, `/units/${g.units.X01}/evaluation/questionSet/${g.questionSetId}`);
    expect(set1.status).toBe(200);
    expect(set1.body).toEqual(sets[0]);
    const question = await get(t, g.client.headers, `/units/${g.units.X01}/evaluations/${g.evaluationId}/question/${added}`);
    expect(question.status).toBe(200);
    expect(question.body).toMatchObject({ questionId: added, questionSetId: v2.id, serialNumber: 4, type: 'text', semanticId: null, options: [] });
    const nps = await get(t, g.client.headers, `/units/${g.units.chain}/evaluation/question/${g.questions.nps.id}`);
    expect(nps.body).toMatchObject({ semanticId: 0, type: 'radio', options: expect.arrayContaining([expect.objectContaining({ npsSegment: 'detractor' })]) });
    expect(nps.body.options).toHaveLength(11);
  });

  it('unknown evaluations, question sets and questions are 404s; a unit without default evaluation has no shorthand', async () => {
    const u = f.units.X01;
    for (const path of [
      `/units/${u}/evaluations/999999/answerDocuments`,
      `/units/${u}/evaluations/abc/answerDocuments`,
      `/units/${u}/evaluation/questionSet/999999`,
      `/units/${u}/evaluation/question/999999`,
      `/units/${u}/evaluation/answerDocuments/999999`,
      `/units/${u}/evaluation/answerDocuments/x1`,
    ]) {
      const res = await get(t, h, path);
      expect(res.status, path).toBe(404);
      expect(res.body.error).toBe('not_found');
    }
    const bare = await createLocation(t.database.db, f.accountId, { title: { en: 'No survey' } });
    const noDefault = await get(t, h, `/units/${bare.id}/evaluation/answerDocuments`);
    expect(noDefault.status).toBe(404);
    expect(noDefault.body.message).toMatch(/default evaluation/);
    // An evaluation this unit does not use is not readable through it.
    expect((await get(t, h, `/units/${bare.id}/evaluations/${f.evaluationId}/questionSet/${f.questionSetId}`)).status).toBe(404);
  });

  it('never answered with a 500', () => expectNoServerErrors(t));
});
