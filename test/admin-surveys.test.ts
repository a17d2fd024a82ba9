import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './helpers/database.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';

// Admin API: surveys (evaluations) and their versioned question sets.
describe.each(dialects())('admin surveys on %s', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  const call = adminCall(() => t);

  const sections = [
    {
      title: 'Your stay',
      questions: [
        { type: 'radio', title: 'How likely are you to recommend us?', semanticId: 0 },
        {
          type: 'radio',
          title: { en: 'Room cleanliness', es: 'Limpieza' },
          departmentCode: 'HK',
          options: [
            { title: 'Good', score: 1, npsSegment: 'promoter' },
            { title: 'Bad', score: 0 },
          ],
        },
        { type: 'text', title: 'Anything else?', placeholder: 'Tell us' },
      ],
    },
  ];

  it('creates a survey with its first question set, and reads it back', async () => {
    const { adminToken } = await createTestAccount(t);
    const location = (await call(adminToken, 'POST', '/locations', { title: 'Lobby' })).json();
    const res = await call(adminToken, 'POST', '/surveys', {
      shortcode: 'stay',
      name: 'After stay',
      description: 'Sent at check-out',
      questionOrderRandomized: true,
      locationIds: [location.id],
      sections,
    });
    expect(res.statusCode).toBe(201);
    const survey = res.json();
    expect(survey).toMatchObject({
      shortcode: 'stay',
      name: 'After stay',
      description: 'Sent at check-out',
      questionOrderRandomized: true,
      locationIds: [location.id],
      questionSetSerial: 1,
      questionSet: { serial: 1, supersededAt: null },
    });
    const [section] = survey.questionSet.sections;
    expect(section.title).toEqual({ en: 'Your stay' });
    expect(section.questions.map((q: any) => q.type)).toEqual(['radio', 'radio', 'text']);
    expect(section.questions[0].options).toHaveLength(11); // the NPS question gets 0..10
    expect(section.questions[1]).toMatchObject({
      id: expect.any(Number),
      title: { en: 'Room cleanliness', es: 'Limpieza' },
      departmentCode: 'HK',
      options: [
        { id: expect.any(Number), serial: 1, title: { en: 'Good' }, score: 1, npsSegment: 'promoter' },
        { id: expect.any(Number), serial: 2, title: { en: 'Bad' }, score: 0, npsSegment: null },
      ],
    });
    expect(section.questions[2]).toMatchObject({ placeholder: { en: 'Tell us' }, options: [] });

    expect((await call(adminToken, 'GET', `/surveys/${survey.id}`)).json()).toEqual(survey);
    const listed = (await call(adminToken, 'GET', '/surveys')).json().surveys;
    const { questionSet: _set, ...summary } = survey;
    expect(listed).toEqual([summary]);
  });

  it('versions the questions: PATCH with sections makes serial 2 and supersedes serial 1', async () => {
    const { adminToken } = await createTestAccount(t);
    const survey = (await call(adminToken, 'POST', '/surveys', { name: 'Stay', sections })).json();

    const renamed = await call(adminToken, 'PATCH', `/surveys/${survey.id}`, { name: 'Stay v1', description: null });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Stay v1', description: null, questionSetSerial: 1 });
    expect(renamed.json().questionSet.id).toBe(survey.questionSet.id);

    const changed = await call(adminToken, 'PATCH', `/surveys/${survey.id}`, {
      sections: [{ questions: [{ type: 'bool', title: 'Would you come back?' }] }],
    });
    expect(changed.statusCode).toBe(200);
    const v2 = changed.json();
    expect(v2).toMatchObject({ name: 'Stay v1', questionSetSerial: 2, questionSet: { serial: 2, supersededAt: null } });
    expect(v2.questionSet.sections[0].questions[0].options.map((o: any) => o.title.en)).toEqual(['Yes', 'No']);

    const history = await call(adminToken, 'GET', `/surveys/${survey.id}/question-sets`);
    expect(history.statusCode).toBe(200);
    const sets = history.json().questionSets;
    expect(sets.map((s: any) => s.serial)).toEqual([1, 2]);
    expect(sets[0].id).toBe(survey.questionSet.id);
    expect(sets[0].supersededAt).toEqual(expect.any(Number));
    expect(sets[0].supersededAt).toBeGreaterThanOrEqual(sets[0].createdAt);
    expect(sets[0].sections[0].questions).toHaveLength(3);
    expect(sets[1]).toMatchObject({ supersededAt: null, createdAt: expect.any(Number) });
    expect(sets[1].sections[0].questions).toHaveLength(1);
  });

  it('refuses bad definitions with a 400 that names the question, and writes nothing', async () => {
    const { adminToken } = await createTestAccount(t);
    const q = (question: Record<string, unknown>) => ({ name: 'Bad', sections: [{ questions: [question] }] });
    const cases: Array<[unknown, string]> = [
      [{ sections }, 'body: missing required field "name"'],
      [{ name: 'No sections' }, 'body: missing required field "sections"'],
      [{ name: 'Empty', sections: [] }, 'body.sections must NOT have fewer than 1 items'],
      [{ name: 'Empty', sections: [{ questions: [] }] }, 'a survey needs at least one question'],
      [q({ type: 'slider', title: 'A' }), 'body.sections[0].questions[0].type must be one of "text", "radio", "checkbox", "number", "bool"'],
      [q({ type: 'text' }), 'body.sections[0].questions[0]: missing required field "title"'],
      [q({ type: 'radio', title: 'A' }), 'sections[0].questions[0] is a radio question and needs options'],
      [q({ type: 'text', title: 'A', options: [{ title: 'x' }] }), 'sections[0].questions[0] is a text question and takes no options'],
      [q({ type: 'radio', title: 'A', options: [{ title: 'x', score: 2 }] }), 'body.sections[0].questions[0].options[0].score must be <= 1'],
      [
        q({ type: 'radio', title: 'A', options: [{ title: 'x', npsSegment: 'fan' }] }),
        'body.sections[0].questions[0].options[0].npsSegment must be one of "promoter", "passive", "detractor", null',
      ],
      [q({ type: 'radio', title: 'A', options: [{ title: { en: ' ' } }] }), 'sections[0].questions[0].options[0].title.en cannot be empty'],
      [{ ...q({ type: 'text', title: 'A' }), locationIds: [999999] }, 'unknown location id(s): 999999'],
      [{ ...q({ type: 'text', title: 'A' }), questionOrderRandomized: 'yes' }, 'body.questionOrderRandomized must be boolean'],
    ];
    for (const [payload, message] of cases) {
      const res = await call(adminToken, 'POST', '/surveys', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.message, JSON.stringify(payload)).toBe(message);
    }
    expect((await call(adminToken, 'GET', '/surveys')).json().surveys).toEqual([]);
  });

  it('rolls a failed PATCH back whole', async () => {
    const { adminToken } = await createTestAccount(t);
    const survey = (await call(adminToken, 'POST', '/surveys', { name: 'Stay', sections })).json();
    const res = await call(adminToken, 'PATCH', `/surveys/${survey.id}`, {
      name: 'Renamed',
      sections: [{ questions: [{ type: 'text', title: 'Ok' }] }],
      locationIds: [999999],
    });
    expect(res.statusCode).toBe(400);
    const after = (await call(adminToken, 'GET', `/surveys/${survey.id}`)).json();
    expect(after).toMatchObject({ name: 'Stay', questionSetSerial: 1 });
    expect((await call(adminToken, 'GET', `/surveys/${survey.id}/question-sets`)).json().questionSets).toHaveLength(1);
  });

  it('answers a taken shortcode with a 409', async () => {
    const { adminToken } = await createTestAccount(t);
    await call(adminToken, 'POST', '/surveys', { shortcode: 'stay', name: 'Stay', sections });
    const dup = await call(adminToken, 'POST', '/surveys', { shortcode: 'stay', name: 'Again', sections });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('conflict');
    const other = (await call(adminToken, 'POST', '/surveys', { shortcode: 'other', name: 'Other', sections })).json();
    expect((await call(adminToken, 'PATCH', `/surveys/${other.id}`, { shortcode: 'stay' })).statusCode).toBe(409);
  });

  it("reports another account's survey as not found", async () => {
    const mine = await createTestAccount(t);
    const theirs = await createTestAccount(t);
    const survey = (await call(theirs.adminToken, 'POST', '/surveys', { name: 'Theirs', sections })).json();
    expect((await call(mine.adminToken, 'GET', `/surveys/${survey.id}`)).statusCode).toBe(404);
    expect((await call(mine.adminToken, 'GET', `/surveys/${survey.id}/question-sets`)).statusCode).toBe(404);
    expect((await call(mine.adminToken, 'PATCH', `/surveys/${survey.id}`, { name: 'Mine' })).statusCode).toBe(404);
    expect((await call(mine.adminToken, 'DELETE', `/surveys/${survey.id}`)).statusCode).toBe(404);
    expect((await call(mine.adminToken, 'POST', '/locations', { title: 'X', defaultEvaluationId: survey.id })).statusCode).toBe(400);
    expect((await call(mine.adminToken, 'GET', '/surveys')).json().surveys).toEqual([]);
    expect((await call(theirs.adminToken, 'GET', `/surveys/${survey.id}`)).json().name).toBe('Theirs');
  });

  it('deletes a survey and clears it as a default of locations', async () => {
    const { adminToken } = await createTestAccount(t);
    const survey = (await call(adminToken, 'POST', '/surveys', { name: 'Stay', sections })).json();
    const location = (await call(adminToken, 'POST', '/locations', { title: 'Lobby', defaultEvaluationId: survey.id })).json();
    const res = await call(adminToken, 'DELETE', `/surveys/${survey.id}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await call(adminToken, 'GET', `/surveys/${survey.id}`)).statusCode).toBe(404);
    expect((await call(adminToken, 'GET', `/locations/${location.id}`)).json().defaultEvaluationId).toBeNull();
  });

  it('answers concurrent question-set changes with 200 or 409, never a 500, and keeps one current set', async () => {
    const { adminToken } = await createTestAccount(t);
    const survey = (await call(adminToken, 'POST', '/surveys', { name: 'Stay', sections })).json();
    const responses = await Promise.all(
      [1, 2, 3, 4].map((n) => call(adminToken, 'PATCH', `/surveys/${survey.id}`, { sections: [{ questions: [{ type: 'text', title: `Q${n}` }] }] })),
    );
    for (const res of responses) expect([200, 409], res.body).toContain(res.statusCode);
    const sets = (await call(adminToken, 'GET', `/surveys/${survey.id}/question-sets`)).json().questionSets;
    expect(sets.map((s: any) => s.serial)).toEqual(sets.map((_: unknown, i: number) => i + 1));
    expect(sets.filter((s: any) => s.supersededAt === null)).toHaveLength(1);
    expect(sets.length).toBe(1 + responses.filter((r) => r.statusCode === 200).length);
  });
});
