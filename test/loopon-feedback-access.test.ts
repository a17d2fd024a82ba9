import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../src/api/loop-v1/ids.js';
import { createEvaluation } from '../src/core/feedback/evaluations.js';
import { createLocation } from '../src/core/locations/locations.js';
import { dialects } from './helpers/database.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createLooponClient } from './helpers/loopon.js';
import { addDocument, answers, createFeedbackFixture, daysAgo, expectNoServerErrors, get, type Fixture } from './helpers/loopon-feedback-fixture.js';
import { FIXED_NOW, freezeDateForFile } from './helpers/clock.js';

// Date is frozen at FIXED_NOW (noon UTC): "today" is the same day for the fixtures and the server.
freezeDateForFile();

// Who may read feedback through the Loopon face, and feedback arriving through other doors
// (a Loop face survey response, the admin import) showing up in it.
describe.each(dialects())('Loopon feedback access and sources on %s', (dialect) => {
  let t: TestApp;
  let f: Fixture;
  let other: Fixture;
  let documentId: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    f = await createFeedbackFixture(t);
    other = await createFeedbackFixture(t);
    documentId = (await addDocument(t, f.accountId, { locationId: f.units.X01, checkoutDate: daysAgo(1), answers: answers(f.questions, { nps: 9 }) })).document
      .id;
    await addDocument(t, other.accountId, { locationId: other.units.X01, answers: answers(other.questions, { nps: 9 }) });
  });
  afterAll(async () => t?.close());

  const paths = (unit: number, fx: Fixture = f) => ({
    answerDocuments: `/units/${unit}/evaluation/answerDocuments`,
    answerDocument: `/units/${unit}/evaluation/answerDocuments/${documentId}`,
    questionSet: `/units/${unit}/evaluations/${fx.evaluationId}/questionSet/${fx.questionSetId}`,
    question: `/units/${unit}/evaluation/question/${fx.questions.nps.id}`,
    nps: `/units/${unit}/evaluation/scores/nps`,
    semantic: `/units/${unit}/evaluations/${fx.evaluationId}/scores/1004`,
  });

  it('needs basic plus read_answers for answers and questions, basic plus read_scores for scores (else 403)', async () => {
    const expectations: Array<[string[], string[]]> = [
      [
        ['basic', 'read_scores'],
        ['answerDocuments', 'answerDocument', 'questionSet', 'question'],
      ],
      [
        ['basic', 'read_answers'],
        ['nps', 'semantic'],
      ],
      [
        ['read_answers', 'read_scores'],
        ['answerDocuments', 'answerDocument', 'questionSet', 'question', 'nps', 'semantic'],
      ],
    ];
    const all = paths(f.units.X01);
    for (const [scopes, refused] of expectations) {
      const { headers } = await createLooponClient(t, f.accountId, { scopes });
      for (const [name, path] of Object.entries(all)) {
        const res = await get(t, headers, path);
        if (refused.includes(name)) {
          expect(res.status, `${scopes} ${name}`).toBe(403);
          expect(res.body).toEqual({ error: 'forbidden', message: expect.stringMatching(/scope/) });
        } else {
          expect(res.status, `${scopes} ${name}`).toBe(200);
        }
      }
    }
  });

  it("a unit the client was not granted is a 403; an unknown unit or another account's is a 404", async () => {
    const { headers } = await createLooponClient(t, f.accountId, { unitIds: [f.units.X01] });
    for (const path of Object.values(paths(f.units.X01))) expect((await get(t, headers, path)).status, path).toBe(200);
    for (const unit of [f.units.X02, f.units.chain]) {
      for (const path of Object.values(paths(unit))) {
        const res = await get(t, headers, path);
        expect(res.status, path).toBe(403);
        expect(res.body.message).toBe('You are not allowed to access the requested unit');
      }
    }
    for (const unit of [999999, other.units.X01]) {
      for (const path of Object.values(paths(unit))) expect((await get(t, headers, path)).status, path).toBe(404);
    }
    const chainClient = await createLooponClient(t, f.accountId, { unitIds: [f.units.chain] });
    expect((await get(t, chainClient.headers, paths(f.units.X03).nps)).status).toBe(200);
  });

  it("another account's evaluation, document, question set and question ids are 404s", async () => {
    const u = f.units.X01;
    const theirs = (await t.database.db.selectFrom('answer_documents').select('id').where('account_id', '=', other.accountId).executeTakeFirstOrThrow()).id;
    for (const path of [
      `/units/${u}/evaluations/${other.evaluationId}/answerDocuments`,
      `/units/${u}/evaluations/${other.evaluationId}/scores/nps`,
      `/units/${u}/evaluation/answerDocuments/${theirs}`,
      `/units/${u}/evaluation/questionSet/${other.questionSetId}`,
      `/units/${u}/evaluation/question/${other.questions.rating.id}`,
    ]) {
      const res = await get(t, f.client.headers, path);
      expect(res.status, path).toBe(404);
      expect(res.body.error).toBe('not_found');
    }
  });

  it('a Loop face survey response is an answer document with source public, left out of default scores', async () => {
    const g = await createFeedbackFixture(t);
    const posted = await t.app.inject({
      method: 'POST',
      url: `/loop/api/v1/responses?authToken=${g.loopToken}`,
      headers: { 'content-type': 'application/json' },
      payload: {
        source: 'kiosk',
        location: encodeId('location', g.units.X02),
        responses: [
          { categoryId: encodeId('question', g.questions.nps.id), value: '10' },
          { categoryId: encodeId('question', g.questions.text.id), value: 'Great lobby' },
        ],
      },
    });
    expect(posted.statusCode, posted.body).toBe(200);
    const list = await get(t, g.client.headers, `/units/${g.units.X02}/evaluation/answerDocuments`);
    expect(list.body.answerDocuments).toHaveLength(1);
    const [doc] = list.body.answerDocuments;
    expect(doc).toMatchObject({ unitId: g.units.X02, source: 'public', status: 'answered', checkoutDate: null, reputationSource: null });
    expect(doc.answers).toEqual([
      expect.objectContaining({ questionId: g.questions.nps.id, answerOption: g.questions.nps.options[10].id, score: 1 }),
      expect.objectContaining({ questionId: g.questions.text.id, answerText: 'Great lobby' }),
    ]);
    expect(list.body.questionSets.map((s: any) => s.questionSetId)).toEqual([g.questionSetId]);
    const nps = (query: string) => get(t, g.client.headers, `/units/${g.units.chain}/evaluation/scores/nps${query}`);
    expect((await nps('')).body).toMatchObject({ answerCount: 0, score: null });
    expect((await nps('?source=public')).body).toMatchObject({ answerCount: 1, promoterCount: 1, score: 100 });
  });

  it('imports answer documents as JSON lines through the admin API; a re-import updates and moves the score', async () => {
    const g = await createFeedbackFixture(t);
    const q = g.questions;
    const post = (lines: unknown[]) =>
      t.app.inject({
        method: 'POST',
        url: '/admin/v1/imports/answer-documents',
        headers: { authorization: `Bearer ${g.adminToken}`, 'content-type': 'application/x-ndjson' },
        payload: lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'),
      });
    const first = {
      externalId: 'pms-1',
      unitId: g.units.X01,
      source: 'poststay',
      checkoutDate: daysAgo(40),
      received: '2024-01-01T10:00:00Z',
      guestName: 'Ada',
      retention: 'untilFurtherNotice',
      answers: [{ questionId: q.nps.id, answerOption: q.nps.options[10].id }],
    };
    const res = await post([
      first,
      {
        propertyCode: 'X02',
        source: 'post-stay',
        checkoutDate: daysAgo(1),
        answers: [
          { semanticId: 0, answerOption: q.nps.options[2].id },
          { semanticId: 1004, answerOption: q.rating.options[4].id },
        ],
      },
      'not json',
      { unitId: g.units.X01, source: 'poststay', colour: 'blue', answers: [] },
      { unitId: 999999, source: 'poststay', answers: [] },
      { unitId: g.units.X01, source: 'poststay', answers: [{ questionId: q.nps.id, answerOption: q.rating.options[0].id }] },
      { unitId: g.units.X01, answers: [{ questionId: q.nps.id, answerOption: q.nps.options[1].id }] },
      { unitId: g.units.chain, source: 'poststay', answers: [{ questionId: q.nps.id, answerOption: q.nps.options[1].id }] },
      {
        unitId: g.units.X03,
        evaluationId: g.evaluationId,
        source: 'manual',
        retention: 'anonymous',
        guestName: 'Bob',
        guestEmail: 'bob@example.com',
        status: 'created',
      },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().imported).toBe(3);
    expect(res.json().failed).toEqual([
      { line: 3, error: 'not valid JSON' },
      { line: 4, error: 'unknown field "colour"' },
      { line: 5, error: 'unit 999999 does not exist' },
      { line: 6, error: expect.stringMatching(/choose one of its options/) },
      { line: 7, error: 'source is required' },
      { line: 8, error: expect.stringMatching(/is a chain/) },
    ]);
    const docs = async () =>
      (await get(t, g.client.headers, `/units/${g.units.chain}/evaluation/answerDocuments?updatedMin=2000-01-01T00:00:00Z`)).body.answerDocuments;
    const anonymous = (await docs()).find((d: any) => d.unitId === g.units.X03);
    expect(anonymous).toMatchObject({ retention: 'anonymous', guestName: null, guestEmail: null, status: 'created', source: 'manual', answers: [] });
    const imported = (await docs()).find((d: any) => d.guestName === 'Ada');
    expect(imported).toMatchObject({ unitId: g.units.X01, retention: 'untilFurtherNotice', updated: '2024-01-01T10:00:00Z', source: 'poststay' });
    const chainNps = async () => (await get(t, g.client.headers, `/units/${g.units.chain}/evaluation/scores/nps`)).body;
    expect(await chainNps()).toMatchObject({ answerCount: 1, promoterCount: 0, detractorCount: 1 });

    const again = await post([{ ...first, checkoutDate: daysAgo(2), answers: [{ questionId: q.text.id, answerText: ' Quiet room ' }] }]);
    expect(again.json()).toEqual({ imported: 1, failedCount: 0, failed: [] });
    const after = await docs();
    expect(after).toHaveLength(3);
    const updated = after.find((d: any) => d.guestName === 'Ada');
    expect(updated.answerDocumentId).toBe(imported.answerDocumentId);
    expect(updated.checkoutDate).toBe(daysAgo(2));
    expect(updated.answers.map((a: any) => a.answerText ?? a.answerOption)).toEqual([q.nps.options[10].id, 'Quiet room']);
    expect(Date.parse(updated.updated)).toBe(FIXED_NOW); // updated now, on the frozen clock
    expect(await chainNps()).toMatchObject({ answerCount: 2, promoterCount: 1, detractorCount: 1, score: 0 });
  });

  it("a unit's survey is its default evaluation until another is chosen: /evaluation/ works at once", async () => {
    const db = t.database.db;
    const solo = await createLocation(db, f.accountId, { title: { en: 'Solo Inn' }, propertyCode: 'S01' });
    const survey = await db.transaction().execute((trx) =>
      createEvaluation(trx, f.accountId, {
        name: 'Solo survey',
        locationIds: [solo.id],
        sections: [{ questions: [{ type: 'radio', title: { en: 'Recommend us?' }, semanticId: 0 }] }],
      }),
    );
    const { headers } = await createLooponClient(t, f.accountId);
    expect((await get(t, headers, `/units/${solo.id}`)).body.defaultEvaluationId).toBe(survey.id);
    expect((await get(t, headers, `/units/${solo.id}/evaluations`)).body).toEqual([expect.objectContaining({ evaluationId: survey.id, isDefault: true })]);
    const nps = await get(t, headers, `/units/${solo.id}/evaluation/scores/nps`);
    expect(nps.status).toBe(200);
    expect(nps.body.title).toBe('Recommend us?');
    expect((await get(t, headers, `/units/${solo.id}/evaluation/answerDocuments`)).status).toBe(200);
  });

  it('never answered with a 500', () => expectNoServerErrors(t));
});
