import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPIRY_JOB_KIND, expiryJobHandler } from '../src/core/loyalty/expiry-job.js';
import { jobHandlers } from '../src/server/job-handlers.js';
import { addPoints } from '../src/core/loyalty/ledger.js';
import { setLoyaltyProgram } from '../src/core/loyalty/programs.js';
import type { Job } from '../src/db/schema.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loyaltyAccess } from './helpers/fideltour.js';

/* The points ledger: the spec's operation examples, lots and their expiry, redemption order, levels, concurrency, products. */

const OPERATION_KEYS = [
  'id',
  'contact_email',
  'book_room_number',
  'points',
  'expired_points',
  'consumed_points',
  'remaining_points',
  'level_points',
  'bonus_points',
  'timestamp',
  'comments',
  'concept',
  'code',
  'redeemed',
  'point_type',
  'expired_date',
  'updated_at',
  'contact',
  'product',
  'book',
  'manager',
  'hotel',
].sort();
const PRODUCT_KEYS = [
  'id',
  'title',
  'category',
  'image',
  'points',
  'featured',
  'start_date',
  'end_date',
  'code',
  'is_visible',
  'promocode',
  'notify_alert_emails',
  'hotels',
  'levels',
].sort();
const NAIVE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;
const DAY = 24 * 60 * 60 * 1000;

describe.each(dialects())('Fideltour operations on %s', (dialect) => {
  let t: TestApp;
  let accountId: number;
  let adminToken: string;
  let a: Awaited<ReturnType<typeof loyaltyAccess>>;
  let b: Awaited<ReturnType<typeof loyaltyAccess>>;
  const admin = adminCall(() => t);
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const created = await createTestAccount(t);
    accountId = created.account.id;
    adminToken = created.adminToken;
    a = await loyaltyAccess(t, accountId);
    b = await loyaltyAccess(t, (await createTestAccount(t)).account.id);
  });
  afterAll(async () => t?.close());

  const member = async () => {
    const c = (await a.call('POST', '/contacts/', { name: 'Op', surname: `N${++n}`, email: `op${n}@example.com` })).json();
    expect((await a.call('POST', `/contacts/${c.id}/loyalty-sign-in/`, { password: 'UTendyE!?' })).statusCode).toBe(201);
    return c as { id: number; email: string };
  };
  const add = (contact: number, points: number, extra: Record<string, unknown> = {}) =>
    a.call('POST', '/operations/add-points/', { contact, concept: 'reservations 2023', points, point_type: 0, ...extra });
  const redeem = (contact: number, points: number) => a.call('POST', '/operations/redeem-points/', { contact, concept: 'redeemed product', points });
  const balance = async (id: number) => (await a.call('GET', `/contacts/${id}/`)).json().points as number;

  it('replays the add-points and redeem-points examples and the operation objects of the list and get examples', async () => {
    const c = await member();
    // Fideltour rejects add-points without point_type (its own client says so): so does this face.
    const noType = await a.call('POST', '/operations/add-points/', { contact: c.id, concept: 'reservations 2023', points: 500 });
    expect(noType.statusCode).toBe(400);
    expect(noType.json().detail).toContain('point_type');
    const earned = await add(c.id, 500);
    expect(earned.statusCode, earned.body).toBe(201);
    expect(earned.json()).toMatchObject({
      contact: c.id,
      concept: 'reservations 2023',
      points: 500,
      remaining_points: 500,
      redeemed: 0,
      point_type: 0,
      contact_email: c.email,
    });
    const redeemed = await redeem(c.id, 100);
    expect(redeemed.statusCode, redeemed.body).toBe(201);
    expect(redeemed.json()).toMatchObject({ contact: c.id, concept: 'redeemed product', points: -100, redeemed: 1 });

    const list = (await a.call('GET', `/operations/?contact=${c.id}`)).json();
    expect(list).toMatchObject({ count: 2, next: null, previous: null });
    for (const op of list.results) {
      expect(Object.keys(op).sort()).toEqual(OPERATION_KEYS);
      expect(op.timestamp).toMatch(NAIVE_TIME);
      expect(op.updated_at).toMatch(NAIVE_TIME);
      expect(op.bonus_points).toBe('0.00');
    }
    const lot = (await a.call('GET', `/operations/${earned.json().id}/`)).json();
    expect(lot).toMatchObject({ points: 500, consumed_points: -100, remaining_points: 400, expired_points: null });
    expect(lot.expired_date).toMatch(NAIVE_TIME);
    expect((await a.call('GET', `/operations/${earned.json().id}`)).statusCode).toBe(200);
    expect(await balance(c.id)).toBe(400);
  });

  it('a redemption beyond the balance is a 400 that leaves nothing behind', async () => {
    const c = await member();
    await add(c.id, 100);
    const before = (await a.call('GET', `/operations/?contact=${c.id}`)).json();
    const res = await redeem(c.id, 101);
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toContain('not enough points');
    expect((await a.call('GET', `/operations/?contact=${c.id}`)).json()).toEqual(before);
    expect(await balance(c.id)).toBe(100);
    for (const body of [{ contact: c.id, points: 0 }, { contact: c.id, points: -5 }, { contact: c.id }, { points: 5 }, { contact: 99999999, points: 5 }]) {
      expect((await a.call('POST', '/operations/redeem-points/', body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    expect(await balance(c.id)).toBe(100);
    const outsider = (await a.call('POST', '/contacts/', { name: 'Out', email: `out${++n}@example.com` })).json();
    expect((await add(outsider.id, 10)).statusCode).toBe(400);
  });

  it('redeems the lots that expire soonest first (ties: earliest earned)', async () => {
    const c = await member();
    await setLoyaltyProgram(t.database.db, accountId, { pointsValidityDays: 730 });
    const late = (await add(c.id, 100)).json();
    await setLoyaltyProgram(t.database.db, accountId, { pointsValidityDays: 30 });
    const soon1 = (await add(c.id, 50)).json();
    const soon2 = (await add(c.id, 50)).json();
    await setLoyaltyProgram(t.database.db, accountId, { pointsValidityDays: 730 });
    expect((await redeem(c.id, 80)).statusCode).toBe(201);
    const get = async (id: number) => (await a.call('GET', `/operations/${id}/`)).json();
    expect(await get(soon1.id)).toMatchObject({ remaining_points: 0, consumed_points: -50 });
    expect(await get(soon2.id)).toMatchObject({ remaining_points: 20, consumed_points: -30 });
    expect(await get(late.id)).toMatchObject({ remaining_points: 100, consumed_points: null });
    expect(await balance(c.id)).toBe(120);
  });

  it('expires lots past their date with the scheduled job, and never spends an expired lot', async () => {
    const c = await member();
    await setLoyaltyProgram(t.database.db, accountId, { pointsValidityDays: 1 });
    const old = await inWriteTransaction(t.database.db, (trx) =>
      addPoints(trx, accountId, c.id, { points: 70, levelPoints: 70, pointType: 0, concept: 'old stay' }, Date.now() - 2 * DAY),
    );
    await setLoyaltyProgram(t.database.db, accountId, { pointsValidityDays: 730 });
    await add(c.id, 30);
    // Each earning scheduled the expiry job of its account at the lot's expiry.
    const jobs = await t.database.db
      .selectFrom('jobs')
      .select(['kind', 'status', 'due_at'])
      .where('account_id', '=', accountId)
      .where('kind', '=', EXPIRY_JOB_KIND)
      .execute();
    expect(jobs.map((j) => [j.status, Number(j.due_at)])).toContainEqual(['queued', old.expires_at]);
    expect(jobHandlers()[EXPIRY_JOB_KIND]).toBe(expiryJobHandler);
    // Before the job runs, a redemption already counts only the unexpired lot.
    expect((await redeem(c.id, 31)).statusCode).toBe(400);
    // The job (as the worker runs it) expires every due lot of the account.
    const job = { id: 0, account_id: accountId, kind: 'loyalty.expire-lots' } as Job;
    await expiryJobHandler.run({
      job,
      payload: {},
      progress: undefined,
      signal: new AbortController().signal,
      db: t.database.db,
      saveProgress: async () => {},
    });
    const lot = (await a.call('GET', `/operations/${old.id}/`)).json();
    expect(lot).toMatchObject({ points: 70, remaining_points: 0, expired_points: -70 });
    const after = (await a.call('GET', `/contacts/${c.id}/`)).json();
    expect(after).toMatchObject({ points: 30, level_points: 100 });
    // Idempotent: running it again changes nothing.
    await expiryJobHandler.run({
      job,
      payload: {},
      progress: undefined,
      signal: new AbortController().signal,
      db: t.database.db,
      saveProgress: async () => {},
    });
    expect((await a.call('GET', `/contacts/${c.id}/`)).json().points).toBe(30);
  });

  it('keeps level points apart from spendable points and moves levels by thresholds', async () => {
    const silver = (await admin(adminToken, 'POST', '/loyalty/levels', { name: 'Silver', minLevelPoints: 0 })).json();
    const platinum = (await admin(adminToken, 'POST', '/loyalty/levels', { name: 'Platinum', minLevelPoints: 5000 })).json();
    const c = await member();
    expect((await a.call('GET', `/contacts/${c.id}/`)).json().level).toBe(silver.id);
    await add(c.id, 6000);
    expect((await a.call('GET', `/contacts/${c.id}/`)).json()).toMatchObject({ points: 6000, level_points: 6000, level: platinum.id });
    await redeem(c.id, 5500);
    // Spending does not lower the qualification.
    expect((await a.call('GET', `/contacts/${c.id}/`)).json()).toMatchObject({ points: 500, level_points: 6000, level: platinum.id });
    await add(c.id, 10, { level_points: 0 });
    expect((await a.call('GET', `/contacts/${c.id}/`)).json()).toMatchObject({ points: 510, level_points: 6000 });
  });

  it('never overdraws under 50 concurrent redemptions', async () => {
    const c = await member();
    await add(c.id, 1000);
    const results = await Promise.all(Array.from({ length: 50 }, () => redeem(c.id, 30)));
    const ok = results.filter((r) => r.statusCode === 201).length;
    const refused = results.filter((r) => r.statusCode === 400).length;
    expect(ok + refused).toBe(50);
    expect(ok).toBe(33);
    expect(await balance(c.id)).toBe(1000 - 33 * 30);
    const ops = (await a.call('GET', `/operations/?contact=${c.id}&limit=100`)).json();
    expect(ops.count).toBe(34);
    const lot = ops.results.find((op: any) => op.points === 1000);
    expect(lot).toMatchObject({ remaining_points: 10, consumed_points: -990 });
  });

  it('filters operations by contact, contact_email, point_type and time; bad filters are 400s', async () => {
    const c = await member();
    const from = new Date(Date.now() - 1000).toISOString().replace('Z', '');
    await add(c.id, 10, { point_type: 3 });
    await add(c.id, 20, { point_type: 0 });
    const q = async (query: string) => (await a.call('GET', `/operations/?${query}`)).json();
    expect((await q(`contact_email=${c.email.toUpperCase()}`)).count).toBe(2);
    expect((await q(`contact=${c.id}&point_type=3`)).results.map((op: any) => op.points)).toEqual([10]);
    expect((await q(`contact=${c.id}&timestamp__gte=${from}`)).count).toBe(2);
    expect((await q(`contact=${c.id}&timestamp__lte=2000-01-01T00:00:00`)).count).toBe(0);
    expect((await q('contact_email=nobody@example.com')).count).toBe(0);
    expect((await a.call('GET', '/operations/?timestamp__gte=yesterday')).statusCode).toBe(400);
    expect((await a.call('GET', '/operations/?point_type=x')).statusCode).toBe(400);
    expect((await a.call('GET', '/operations/99999999/')).statusCode).toBe(404);
  });

  it('keeps accounts apart: operations and contacts of another account are not found', async () => {
    const c = await member();
    const op = (await add(c.id, 10)).json();
    expect((await b.call('GET', `/operations/${op.id}/`)).statusCode).toBe(404);
    expect((await b.call('GET', `/operations/?contact=${c.id}`)).json().count).toBe(0);
    expect((await b.call('POST', '/operations/add-points/', { contact: c.id, points: 10, point_type: 0 })).statusCode).toBe(400);
    expect((await b.call('POST', '/operations/redeem-points/', { contact: c.id, points: 1 })).statusCode).toBe(400);
    expect(await balance(c.id)).toBe(10);
  });

  it('replays the products examples: made through the admin API, listed and read with the spec fields', async () => {
    const level = (await admin(adminToken, 'POST', '/loyalty/levels', { name: 'Bronze', minLevelPoints: 10 })).json();
    const made = await admin(adminToken, 'POST', '/loyalty/products', {
      title: 'We are looking forward to having you with us again.',
      category: 2,
      image: 'https://example/fideltour/media/product-image.jpg',
      points: 12345,
      featured: false,
      startDate: '2022-12-01',
      endDate: '2024-12-31',
      code: 'Repeater1',
      isVisible: true,
      promocode: null,
      notifyAlertEmails: true,
      hotels: [12345],
      levels: [level.id],
    });
    expect(made.statusCode, made.body).toBe(201);
    const list = (await a.call('GET', '/products/')).json();
    expect(list).toMatchObject({ count: 1, next: null, previous: null });
    const product = list.results[0];
    expect(Object.keys(product).sort()).toEqual(PRODUCT_KEYS);
    expect(product).toEqual({
      id: made.json().id,
      title: 'We are looking forward to having you with us again.',
      category: 2,
      image: 'https://example/fideltour/media/product-image.jpg',
      points: 12345,
      featured: false,
      start_date: '2022-12-01',
      end_date: '2024-12-31',
      code: 'Repeater1',
      is_visible: true,
      promocode: null,
      notify_alert_emails: true,
      hotels: [12345],
      levels: [level.id],
    });
    expect((await a.call('GET', `/products/${product.id}/`)).json()).toEqual(product);
    const changed = await admin(adminToken, 'PATCH', `/loyalty/products/${product.id}`, { featured: true, points: 100 });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await a.call('GET', `/products/${product.id}`)).json()).toMatchObject({ featured: true, points: 100 });
    expect((await admin(adminToken, 'POST', '/loyalty/products', { title: 'x', points: -1 })).statusCode).toBe(400);
    expect((await admin(adminToken, 'PATCH', '/loyalty/products/99999', { points: 1 })).statusCode).toBe(404);
    expect((await b.call('GET', `/products/${product.id}/`)).statusCode).toBe(404);
    expect((await b.call('GET', '/products/')).json().count).toBe(0);
  });

  it('records loyalty domain events for webhooks: enrolled, points added and redeemed, level changed', async () => {
    const hook = await admin(adminToken, 'POST', '/webhooks', {
      url: 'https://hooks.example.com/loyalty',
      events: ['loyalty.enrolled', 'loyalty.points_added', 'loyalty.points_redeemed', 'loyalty.level_changed'],
    });
    expect(hook.statusCode, hook.body).toBe(201);
    await admin(adminToken, 'POST', '/loyalty/levels', { name: 'Diamond', minLevelPoints: 900_000 });
    const c = await member();
    await add(c.id, 900_000);
    await redeem(c.id, 5);
    const deliveries = (await admin(adminToken, 'GET', '/deliveries?limit=50')).json();
    const types = JSON.stringify(deliveries);
    for (const type of ['loyalty.enrolled', 'loyalty.points_added', 'loyalty.points_redeemed', 'loyalty.level_changed']) expect(types).toContain(type);
    // A refused redemption records nothing.
    const before = JSON.stringify((await admin(adminToken, 'GET', '/deliveries?limit=50')).json());
    expect((await redeem(c.id, 10_000_000)).statusCode).toBe(400);
    expect(JSON.stringify((await admin(adminToken, 'GET', '/deliveries?limit=50')).json())).toBe(before);
  });
});
