import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findGuest } from '../src/core/guests/guests.js';
import { signIn } from '../src/core/loyalty/membership.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { adminCall } from './helpers/admin.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { freezeDateForFile } from './helpers/clock.js';
import { dialects } from './helpers/database.js';
import { createFeedbackFixture, type Fixture } from './helpers/loopon-feedback-fixture.js';

freezeDateForFile();

// What the staff console needs of the admin API beyond the faces: guest search by name, loyalty
// members with manual operations (the dashboards have their own: test/admin-dashboards.test.ts).
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
});
