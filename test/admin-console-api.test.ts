import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findGuest } from '../src/core/guests/guests.js';
import { signIn } from '../src/core/loyalty/membership.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { adminCall } from './helpers/admin.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { freezeDateForFile } from './helpers/clock.js';
import { dialects } from './helpers/database.js';
import { addDocument, answers, createFeedbackFixture, daysAgo, expectNoServerErrors, type Fixture } from './helpers/loopon-feedback-fixture.js';

freezeDateForFile();

// What the staff console needs of the admin API beyond the faces: guest search by name, loyalty
// members with manual operations, and the dashboards' daily score sums and answer documents.
describe.each(dialects())('admin API for the console on %s', (dialect) => {
  let t: TestApp;
  let f: Fixture;
  const call = adminCall(() => t);
  const admin = (method: string, url: string, body?: unknown) => call(f.adminToken, method, url, body);

  beforeAll(async () => {
    t = await createTestApp(dialect);
    f = await createFeedbackFixture(t);
  });
  afterAll(async () => t?.close());

  describe('guest search by name', () => {
    it('finds a part of the name, first or last name or "first last", case-insensitively, wildcards taken literally', async () => {
      const ada = (await admin('POST', '/guests', { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.test' })).json().guest;
      const grace = (await admin('POST', '/guests', { name: 'Grace Hopper_100%' })).json().guest;
      await admin('POST', '/guests', { firstName: 'Alan', lastName: 'Turing' });
      const names = async (q: string) => (await admin('GET', `/guests?name=${encodeURIComponent(q)}`)).json().guests.map((g: any) => g.id);
      expect(await names('love')).toEqual([ada.id]);
      expect(await names('ADA LOVE')).toEqual([ada.id]);
      expect(await names('hopper')).toEqual([grace.id]);
      expect(await names('_100%')).toEqual([grace.id]);
      expect(await names('%')).toEqual([grace.id]);
      expect(await names('nobody')).toEqual([]);
      expect(await names('a')).toEqual(expect.arrayContaining([ada.id, grace.id]));
      // combined with e-mail, both hold
      expect((await admin('GET', '/guests?name=ada&email=ADA@example.test')).json().guests.map((g: any) => g.id)).toEqual([ada.id]);
      expect((await admin('GET', '/guests?name=grace&email=ada@example.test')).json().guests).toEqual([]);
      expect((await admin('GET', '/guests?name=')).statusCode).toBe(400);
    });
  });

  describe('loyalty members', () => {
    let memberId: number;
    let outsiderId: number;
    beforeAll(async () => {
      memberId = (await admin('POST', '/guests', { firstName: 'Mia', lastName: 'Member', email: 'mia@example.test' })).json().guest.id;
      outsiderId = (await admin('POST', '/guests', { firstName: 'Otto', email: 'otto@example.test' })).json().guest.id;
      await inWriteTransaction(t.database.db, async (trx) =>
        signIn(trx, f.accountId, (await findGuest(trx, f.accountId, memberId))!, { passwordHash: 'x', sendActivationEmail: false, sendWelcomeEmail: false }),
      );
      await admin('POST', '/loyalty/levels', { name: 'Silver', minLevelPoints: 100 });
    });

    it('lists enrolled members only, narrowed by name or e-mail', async () => {
      const all = (await admin('GET', '/loyalty/members')).json().members;
      expect(all.map((m: any) => m.guestId)).toEqual([memberId]);
      expect(all[0]).toMatchObject({ name: 'Mia Member', email: 'mia@example.test', signinEmail: 'mia@example.test', points: 0, levelPoints: 0 });
      expect((await admin('GET', '/loyalty/members?name=mia')).json().members).toHaveLength(1);
      expect((await admin('GET', '/loyalty/members?name=otto')).json().members).toEqual([]);
      expect((await admin('GET', '/loyalty/members?email=mia@example.test')).json().members).toHaveLength(1);
    });

    it('adds and redeems points by hand with a reason; the detail shows balance, lots and operations', async () => {
      const added = await admin('POST', `/loyalty/members/${memberId}/operations`, { kind: 'add', points: 150, reason: 'Complaint goodwill' });
      expect(added.statusCode).toBe(201);
      expect(added.json()).toMatchObject({ kind: 'earn', points: 150, concept: 'Complaint goodwill', remainingPoints: 150 });
      expect(added.json().expiresAt).toBeGreaterThan(Date.now());
      const redeemed = await admin('POST', `/loyalty/members/${memberId}/operations`, { kind: 'redeem', points: 40, reason: 'Spa voucher at the desk' });
      expect(redeemed.statusCode).toBe(201);
      expect(redeemed.json()).toMatchObject({ kind: 'redeem', concept: 'Spa voucher at the desk' });
      const detail = (await admin('GET', `/loyalty/members/${memberId}`)).json();
      expect(detail).toMatchObject({ guestId: memberId, points: 110, levelPoints: 150, levelName: 'Silver', operationCount: 2 });
      expect(detail.lots).toEqual([expect.objectContaining({ id: added.json().id, remainingPoints: 110 })]);
      expect(detail.operations.map((o: any) => o.concept)).toEqual(['Spa voucher at the desk', 'Complaint goodwill']);
    });

    it('refuses more than the balance, no reason, or a guest who is not a member, changing nothing', async () => {
      const over = await admin('POST', `/loyalty/members/${memberId}/operations`, { kind: 'redeem', points: 1_000, reason: 'too much' });
      expect(over.statusCode).toBe(400);
      expect((await admin('POST', `/loyalty/members/${memberId}/operations`, { kind: 'add', points: 5 })).statusCode).toBe(400);
      expect((await admin('POST', `/loyalty/members/${memberId}/operations`, { kind: 'add', points: 5, reason: '' })).statusCode).toBe(400);
      expect((await admin('POST', `/loyalty/members/${memberId}/operations`, { kind: 'gift', points: 5, reason: 'x' })).statusCode).toBe(400);
      expect((await admin('POST', `/loyalty/members/${memberId}/operations`, { kind: 'add', points: 0, reason: 'x' })).statusCode).toBe(400);
      expect((await admin('GET', `/loyalty/members/${memberId}`)).json()).toMatchObject({ points: 110, operationCount: 2 });
      expect((await admin('GET', `/loyalty/members/${outsiderId}`)).statusCode).toBe(404);
      expect((await admin('POST', `/loyalty/members/${outsiderId}/operations`, { kind: 'add', points: 5, reason: 'x' })).statusCode).toBe(404);
      expect((await admin('GET', '/loyalty/members/999999')).statusCode).toBe(404);
    });
  });

  describe('feedback for the dashboards', () => {
    beforeAll(async () => {
      const nps = (locationId: number, values: number[], extra: Record<string, unknown> = {}) =>
        Promise.all(
          values.map((nps) =>
            addDocument(t, f.accountId, { locationId, checkoutDate: daysAgo(3), ...extra, answers: answers(f.questions, { nps, text: `said ${nps}` }) }),
          ),
        );
      await nps(f.units.X01, [10, 9, 0]);
      await nps(f.units.X02, [10]);
      await nps(f.units.X01, [7], { source: 'public', checkoutDate: daysAgo(1) });
      await nps(f.units.X01, [0], { checkoutDate: daysAgo(60) });
      await addDocument(t, f.accountId, { locationId: f.units.X01, checkoutDate: daysAgo(2), answers: answers(f.questions, { rating: 4 }) });
    });

    it('answers daily sums by location, source and question with the question titles', async () => {
      const res = await admin('GET', `/feedback/rollups?from=${daysAgo(30)}&to=${daysAgo(0)}`);
      expect(res.statusCode).toBe(200);
      const { rollups, questions } = res.json();
      const npsOf = (rows: any[]) => rows.filter((r) => r.semanticId === 0);
      expect(npsOf(rollups)).toEqual([
        {
          day: daysAgo(3),
          locationId: f.units.X01,
          source: 'poststay',
          semanticId: 0,
          answers: 3,
          scored: expect.any(Number),
          scoreSum: expect.any(Number),
          promoters: 2,
          passives: 0,
          detractors: 1,
        },
        {
          day: daysAgo(3),
          locationId: f.units.X02,
          source: 'poststay',
          semanticId: 0,
          answers: 1,
          scored: expect.any(Number),
          scoreSum: expect.any(Number),
          promoters: 1,
          passives: 0,
          detractors: 0,
        },
        {
          day: daysAgo(1),
          locationId: f.units.X01,
          source: 'public',
          semanticId: 0,
          answers: 1,
          scored: expect.any(Number),
          scoreSum: expect.any(Number),
          promoters: 0,
          passives: 1,
          detractors: 0,
        },
      ]);
      expect(rollups.find((r: any) => r.semanticId === 1004)).toMatchObject({ day: daysAgo(2), answers: 1, scored: 1, scoreSum: 0.75 });
      expect(questions).toEqual([
        { semanticId: 0, title: 'How likely is it that you would recommend our hotel?' },
        { semanticId: 1004, title: 'I am satisfied with the restaurant' },
      ]);
      const narrowed = (await admin('GET', `/feedback/rollups?from=${daysAgo(30)}&to=${daysAgo(0)}&locationIds=${f.units.X01}&sources=public`)).json();
      expect(npsOf(narrowed.rollups)).toEqual([expect.objectContaining({ locationId: f.units.X01, source: 'public', passives: 1 })]);
    });

    it('lists the answer documents behind the figures, newest first, with answers in words', async () => {
      const res = await admin('GET', `/answer-documents?from=${daysAgo(30)}&to=${daysAgo(0)}&locationIds=${f.units.X01}&sources=poststay&limit=2`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.total).toBe(4);
      expect(body.documents).toHaveLength(2);
      const doc = body.documents.find((d: any) => d.answers.some((a: any) => a.text === 'said 0'));
      const all = (await admin('GET', `/answer-documents?from=${daysAgo(30)}&to=${daysAgo(0)}&locationIds=${f.units.X01}&sources=poststay`)).json();
      const zero = (doc ?? all.documents.find((d: any) => d.answers.some((a: any) => a.text === 'said 0')))!;
      expect(zero).toMatchObject({ locationId: f.units.X01, source: 'poststay', checkoutDate: daysAgo(3) });
      expect(zero.answers).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            semanticId: 0,
            question: 'How likely is it that you would recommend our hotel?',
            option: expect.any(String),
            segment: 'detractor',
          }),
          expect.objectContaining({ question: 'Anything else?', text: 'said 0' }),
        ]),
      );
      const old = (await admin('GET', `/answer-documents?from=${daysAgo(61)}&to=${daysAgo(59)}`)).json();
      expect(old.total).toBe(1);
    });

    it('refuses bad periods and unknown sources with a 400', async () => {
      for (const q of [
        `from=${daysAgo(0)}&to=${daysAgo(3)}`,
        'from=2026-02-30&to=2026-03-01',
        'from=2020-01-01&to=2026-01-01',
        `from=${daysAgo(3)}&to=${daysAgo(0)}&sources=fax`,
        `from=${daysAgo(3)}&to=${daysAgo(0)}&locationIds=1;2`,
        `to=${daysAgo(0)}`,
      ]) {
        expect((await admin('GET', `/feedback/rollups?${q}`)).statusCode, q).toBe(400);
        expect((await admin('GET', `/answer-documents?${q}`)).statusCode, q).toBe(400);
      }
      expectNoServerErrors(t);
    });
  });
});
