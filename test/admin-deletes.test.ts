import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';

// What guests told us is never deleted as a side effect of removing configuration.
describe.each(dialects())('admin deletes keep guest data on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('refuses to delete a location with loops, and a survey with responses (409), and keeps them', async () => {
    const { adminToken, loopToken } = await createTestAccount(t);
    const admin = (method: string, url: string, payload?: unknown) =>
      t.app.inject({
        method: method as any,
        url: `/admin/v1${url}`,
        headers: { authorization: `Bearer ${adminToken}` },
        ...(payload ? { payload: payload as any } : {}),
      });
    const loop = (url: string, payload: unknown) => t.app.inject({ method: 'POST', url: `/loop/api/v1${url}?authToken=${loopToken}`, payload: payload as any });

    const location = (await admin('POST', '/locations', { title: 'Lobby', shortcode: 'L1' })).json();
    const empty = (await admin('POST', '/locations', { title: 'Unused', shortcode: 'L2' })).json();
    await admin('POST', '/loop-types', { shortcode: 'housekeeping', title: 'Housekeeping' });
    const survey = (
      await admin('POST', '/surveys', { shortcode: 'stay', name: 'Stay', sections: [{ questions: [{ type: 'text', title: 'Anything else?' }] }] })
    ).json();
    const categoryId = (await t.app.inject({ url: `/loop/api/v1/surveys/stay?authToken=${loopToken}` })).json().questions[0].categoryId;

    expect((await loop('/loops', { location: 'L1', loopType: 'housekeeping', description: 'Towels please' })).statusCode).toBe(200);
    expect((await loop('/responses', { location: 'L1', responses: [{ categoryId, value: 'Lovely' }] })).statusCode).toBe(200);

    const refusedLocation = await admin('DELETE', `/locations/${location.id}`);
    expect(refusedLocation.statusCode).toBe(409);
    expect(refusedLocation.json().error.message).toMatch(/loops or survey responses/);
    const refusedSurvey = await admin('DELETE', `/surveys/${survey.id}`);
    expect(refusedSurvey.statusCode).toBe(409);

    expect((await admin('GET', `/locations/${location.id}`)).statusCode).toBe(200);
    expect((await admin('GET', `/surveys/${survey.id}`)).statusCode).toBe(200);
    const answers = await t.database.db.selectFrom('answer_documents').select('id').where('evaluation_id', '=', survey.id).execute();
    expect(answers).toHaveLength(1);

    expect((await admin('DELETE', `/locations/${empty.id}`)).statusCode).toBe(204);
  });
});

describe.each(dialects())('admin input PostgreSQL cannot store on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('refuses NUL characters with a 400 in the admin error body', async () => {
    const { adminToken } = await createTestAccount(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/admin/v1/loop-types',
      headers: { authorization: `Bearer ${adminToken}` },
      payload: { shortcode: 'a\u0000b', title: 'X' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/NUL/);
  });
});
