import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepEmployeeFaceId } from '../src/core/accounts/employee-face-ids.js';
import { createAccountWithCredentials } from '../src/core/accounts/provision.js';
import { keepFeedbackFaceId } from '../src/core/feedback/face-ids.js';
import { keepGuestFaceId } from '../src/core/guests/face-ids.js';
import { keepLocationsFaceId } from '../src/core/locations/face-ids.js';
import { createLocation } from '../src/core/locations/locations.js';
import { encodeId } from '../src/api/loop-v1/ids.js';
import { ensureDemoAccount, type DemoIds } from '../src/core/demo/seed-demo.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loopCall } from './helpers/loop.js';
import { createLooponClient } from './helpers/loopon.js';

// Issue 11: ids a hotel brings from the product it leaves are kept on their rows, shown by the
// faces and answered for ever, per account; new rows never collide with them.
describe.each(dialects())('kept vendor ids on %s', (dialect) => {
  let t: TestApp;
  let ids: DemoIds;
  let token: string;
  let accountId: number;
  // The demo keeps the Loop document's ids: location 1300 is 529652b0121d5fa206011a97 there.
  const LOCATION = '529652b0121d5fa206011a97';

  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { demo: true });
    const demo = await ensureDemoAccount(t.database.db);
    ids = demo.ids;
    token = demo.loopToken;
    accountId = demo.account.id;
  });
  afterAll(async () => t?.close());

  const db = () => t.database.db;

  it('a Loop location keeps its id: listed under it, found by it, and its earlier id still answers', async () => {
    const shortcode = '1300';
    const rowId = ids.locations[shortcode];
    const before = encodeId('location', rowId);
    expect(await keepLocationsFaceId(db(), accountId, 'location', 'loop', rowId, LOCATION, undefined)).toEqual({ ok: true, changed: false });

    const list = (await loopCall(t, token, 'GET', 'locations')).json().locations;
    expect(list.find((l: { shortcode: string }) => l.shortcode === shortcode).id).toBe(LOCATION);
    expect((await loopCall(t, token, 'GET', `locations/${shortcode}`)).json().id).toBe(LOCATION);

    for (const ref of [LOCATION, before]) {
      const res = await loopCall(t, token, 'POST', 'Contact', { foreignId: `kept-${ref}`, name: 'Ann Kept', locationId: ref });
      expect(res.statusCode, res.body).toBe(200);
      const surveys = await loopCall(t, token, 'GET', `surveys?location=${ref}`);
      expect(surveys.statusCode, surveys.body).toBe(200);
    }
    const unknown = await loopCall(t, token, 'GET', 'surveys?location=529652b0121d5fa206011a7a');
    expect(unknown.statusCode).toBe(404);
  });

  it('refuses an id that would name two rows, or give a row a second kept id', async () => {
    const first = ids.locations['1300'];
    const second = ids.locations['1200'];
    const taken = await keepLocationsFaceId(db(), accountId, 'location', 'loop', second, LOCATION, undefined);
    expect(taken.ok).toBe(false);
    const changed = await keepLocationsFaceId(db(), accountId, 'location', 'loop', first, '529652b0121d5fa206011a80', undefined);
    expect(changed).toEqual({ ok: false, reason: expect.stringContaining('cannot change') });
    // Our own rendering of another row's key cannot be imported: it already names that row.
    const native = encodeId('location', first);
    expect((await keepLocationsFaceId(db(), accountId, 'location', 'loop', second, native, first)).ok).toBe(false);
  });

  it('survey, question, employee and guest ids are shown and found by the kept id', async () => {
    // The Loop document's ids, which the demo keeps (demo-face-ids.ts).
    const surveyId = '529652b0131d5fa206011a98';
    const categoryId = '529652b0131d5fa206011a99';
    const employeeId = '4fc7769576ca50ce2c000012';
    const customerId = '57276b281bb438711ab4f1e4';
    expect(await keepFeedbackFaceId(db(), accountId, 'evaluation', 'loop', ids.survey, surveyId, undefined)).toEqual({ ok: true, changed: false });
    expect(await keepFeedbackFaceId(db(), accountId, 'question', 'loop', ids.questions[0], categoryId, undefined)).toEqual({ ok: true, changed: false });
    expect(await keepEmployeeFaceId(db(), accountId, 'loop', ids.employee, employeeId, undefined)).toEqual({ ok: true, changed: false });
    expect(await keepGuestFaceId(db(), accountId, 'loop', ids.customer, customerId, undefined)).toEqual({ ok: true, changed: false });
    // A second employee may not take benria's id; a guest may (ids are unique per kind: the document gives one to both).
    const benria2 = await db()
      .selectFrom('employees')
      .select('id')
      .where('account_id', '=', accountId)
      .where('username', '=', 'benria2')
      .executeTakeFirstOrThrow();
    expect(await keepEmployeeFaceId(db(), accountId, 'loop', benria2.id, employeeId, undefined)).toEqual({
      ok: false,
      reason: expect.stringContaining('cannot change'),
    });

    const surveys = (await loopCall(t, token, 'GET', 'surveys')).json().surveys;
    const survey = surveys.find((s: { id: string }) => s.id === surveyId);
    expect(survey).toBeDefined();
    expect(survey.questions[0].categoryId).toBe(categoryId);
    expect(survey.locations).toContain(LOCATION);

    const loops = await loopCall(t, token, 'GET', `loops?customer=${customerId}`);
    expect(loops.statusCode, loops.body).toBe(200);
    expect(loops.json().loops[0].creatorId).toBe(customerId);

    const users = (await loopCall(t, token, 'GET', 'users?username=benria')).json().users;
    expect(users).toEqual([expect.objectContaining({ id: employeeId, locations: [] })]);
  });

  it('two accounts may bring the same ids; each finds its own row', async () => {
    const other = await createAccountWithCredentials(db(), 'other-hotel');
    const location = await createLocation(db(), other.account.id, { shortcode: '1234', title: { en: 'Other' } });
    expect((await keepLocationsFaceId(db(), other.account.id, 'location', 'loop', location.id, LOCATION, undefined)).ok).toBe(true);
    const mine = (await loopCall(t, token, 'GET', 'locations')).json().locations;
    const theirs = (await loopCall(t, other.loopToken, 'GET', 'locations')).json().locations;
    expect(mine.filter((l: { id: string }) => l.id === LOCATION)).toHaveLength(1);
    expect(theirs).toEqual([expect.objectContaining({ id: LOCATION, title: { en: 'Other' } })]);
  });

  it('a Loopon unit keeps its id per account; rows created later get keys above it', async () => {
    const a = await createAccountWithCredentials(db(), 'loopon-a');
    const b = await createAccountWithCredentials(db(), 'loopon-b');
    const ua = await createLocation(db(), a.account.id, { title: { en: 'Unit A' }, propertyCode: 'A1' });
    const ub = await createLocation(db(), b.account.id, { title: { en: 'Unit B' }, propertyCode: 'B1' });
    const kept = 90_000 + ua.id;
    expect((await keepLocationsFaceId(db(), a.account.id, 'location', 'loopon', ua.id, kept, kept)).ok).toBe(true);
    expect((await keepLocationsFaceId(db(), b.account.id, 'location', 'loopon', ub.id, kept, kept)).ok).toBe(true);

    const later = await createLocation(db(), a.account.id, { title: { en: 'Later' } });
    expect(later.id).toBeGreaterThan(kept);
    // The key of an existing row of the account cannot be another row's kept id.
    expect((await keepLocationsFaceId(db(), a.account.id, 'location', 'loopon', later.id, ua.id, ua.id)).ok).toBe(false);

    for (const [account, name] of [
      [a, 'Unit A'],
      [b, 'Unit B'],
    ] as const) {
      const client = await createLooponClient(t, account.account.id);
      const unit = await t.app.inject({ url: `/loopon/public/units/${kept}`, headers: client.headers });
      expect(unit.statusCode, unit.body).toBe(200);
      expect(unit.json()).toMatchObject({ unitId: kept, name });
      const list = (await t.app.inject({ url: '/loopon/public/units', headers: client.headers })).json();
      expect(list.map((u: { unitId: number }) => u.unitId)).toContain(kept);
      expect((await t.app.inject({ url: `/loopon/public/units/${kept + 1_000_000}`, headers: client.headers })).statusCode).toBe(404);
    }
  });

  it('a Loopon evaluation keeps its id in unit listings and paths', async () => {
    const client = await createLooponClient(t, accountId);
    const units = (await t.app.inject({ url: '/loopon/public/units', headers: client.headers })).json();
    const unit = units.find((u: { defaultEvaluationId: number | null }) => u.defaultEvaluationId !== null);
    expect(unit).toBeDefined();
    const evaluationRow = unit.defaultEvaluationId as number;
    const kept = 70_000 + evaluationRow;
    expect((await keepFeedbackFaceId(db(), accountId, 'evaluation', 'loopon', evaluationRow, kept, kept)).ok).toBe(true);
    const again = (await t.app.inject({ url: `/loopon/public/units/${unit.unitId}`, headers: client.headers })).json();
    expect(again.defaultEvaluationId).toBe(kept);
    const evaluations = (await t.app.inject({ url: `/loopon/public/units/${unit.unitId}/evaluations`, headers: client.headers })).json();
    expect(evaluations.map((e: { evaluationId: number }) => e.evaluationId)).toContain(kept);
    const docs = await t.app.inject({ url: `/loopon/public/units/${unit.unitId}/evaluations/${kept}/answerDocuments`, headers: client.headers });
    expect(docs.statusCode, docs.body).toBe(200);
    const none = await t.app.inject({ url: `/loopon/public/units/${unit.unitId}/evaluations/${kept + 1_000_000}/answerDocuments`, headers: client.headers });
    expect(none.statusCode).toBe(404);
  });
});
