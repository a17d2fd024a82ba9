import { parseOptions } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMessages } from '../src/core/messaging/messages.js';
import { findMember } from '../src/core/loyalty/members.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loyaltyAccess } from './helpers/fideltour.js';

/* The loyalty programme of a contact: the spec's sign-in and update-data examples, login, passwords, reset. */

describe.each(dialects())('Fideltour loyalty membership on %s', (dialect) => {
  let t: TestApp;
  let accountId: number;
  let adminToken: string;
  let a: Awaited<ReturnType<typeof loyaltyAccess>>;
  const admin = adminCall(() => t);
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const created = await createTestAccount(t);
    accountId = created.account.id;
    adminToken = created.adminToken;
    a = await loyaltyAccess(t, accountId);
  });
  afterAll(async () => t?.close());

  const newContact = async (fields: Record<string, unknown> = {}) => {
    const res = await a.call('POST', '/contacts/', { name: 'Member', surname: `N${++n}`, email: `member${n}@example.com`, language: 'es', ...fields });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: number; email: string };
  };
  const enrol = async (fields: Record<string, unknown> = {}, password = 'UTendyE!?') => {
    const c = await newContact(fields);
    const res = await a.call('POST', `/contacts/${c.id}/loyalty-sign-in/`, { password, send_activation_email: false, send_welcome_email: false });
    expect(res.statusCode, res.body).toBe(201);
    return c;
  };
  const login = (email: string, password: string) => a.call('POST', '/contacts/loyalty-login/', { email, password });

  it('replays the sign-in example: the contact comes back enrolled, the password hashed with Argon2id (OWASP) and never shown', async () => {
    const c = await newContact();
    const res = await a.call('POST', `/contacts/${c.id}/loyalty-sign-in/`, { password: 'UTendyE!?', send_activation_email: false, send_welcome_email: false });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ id: c.id, email: c.email, is_loyalty: true, loyalty_email: c.email, points: 0, level_points: 0 });
    expect(res.body).not.toContain('UTendyE');
    expect(res.body).not.toContain('argon2');
    const member = await findMember(t.database.db, accountId, c.id);
    expect(member?.password_hash).toMatch(/^\$argon2id\$/);
    expect(parseOptions(member!.password_hash!)).toMatchObject({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    // No e-mail was asked for.
    expect(await listMessages(t.database.db, accountId, { guestId: c.id })).toEqual([]);
  });

  it('queues the activation and welcome e-mails it is asked to send, from the seeded templates in the member language', async () => {
    const c = await newContact();
    const res = await a.call('POST', `/contacts/${c.id}/loyalty-sign-in/`, { password: 'secret-1', send_activation_email: true, send_welcome_email: 'true' });
    expect(res.statusCode, res.body).toBe(201);
    const asked = (await listMessages(t.database.db, accountId, { guestId: c.id })).reverse();
    expect(asked.map((r) => [r.template, r.recipient, r.language, r.status])).toEqual([
      ['loyalty-activation', c.email, 'es', 'queued'],
      ['loyalty-welcome', c.email, 'es', 'queued'],
    ]);
  });

  it('refuses a sign-in without a password, with a short one, without an e-mail, twice, or with an e-mail another member signs in with', async () => {
    const c = await newContact();
    expect((await a.call('POST', `/contacts/${c.id}/loyalty-sign-in/`, {})).statusCode).toBe(400);
    expect((await a.call('POST', `/contacts/${c.id}/loyalty-sign-in/`, { password: 'abc' })).statusCode).toBe(400);
    const noEmail = (await a.call('POST', '/contacts/', { name: 'Nomail', phone1: '+34600999888' })).json();
    const res = await a.call('POST', `/contacts/${noEmail.id}/loyalty-sign-in/`, { password: 'secret-1' });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toContain('e-mail');
    expect((await a.call('GET', `/contacts/${c.id}/`)).json().is_loyalty).toBe(false);
    const member = await enrol();
    expect((await a.call('POST', `/contacts/${member.id}/loyalty-sign-in/`, { password: 'secret-2' })).statusCode).toBe(409);
    expect((await a.call('POST', '/contacts/99999999/loyalty-sign-in/', { password: 'secret-2' })).statusCode).toBe(404);
    // Another person with the same e-mail (a clearly different given name: identity makes a new guest)
    // cannot sign in with it: a member's sign-in e-mail is unique within the account.
    const namesake = (await a.call('POST', '/contacts/', { name: 'Zoe', email: member.email })).json();
    expect(namesake.id).not.toBe(member.id);
    const taken = await a.call('POST', `/contacts/${namesake.id}/loyalty-sign-in/`, { password: 'secret-3' });
    expect(taken.statusCode).toBe(409);
    expect((await a.call('GET', `/contacts/${namesake.id}/`)).json().is_loyalty).toBe(false);
  });

  it('logs a member in by e-mail (any case) and password; a wrong password or unknown e-mail is the same 400', async () => {
    const c = await enrol();
    const ok = await login(c.email.toUpperCase(), 'UTendyE!?');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ id: c.id, is_loyalty: true });
    const wrong = await login(c.email, 'wrong-pass');
    const unknown = await login('nobody@example.com', 'UTendyE!?');
    expect(wrong.statusCode).toBe(400);
    expect(unknown.statusCode).toBe(400);
    expect(wrong.json()).toEqual(unknown.json());
    expect((await a.call('POST', '/contacts/loyalty-login/', { email: c.email })).statusCode).toBe(400);
  });

  it('locks a member out after 10 failed logins (429 with Retry-After, even with the right password)', async () => {
    const c = await enrol();
    for (let i = 0; i < 10; i++) expect((await login(c.email, `wrong-${i}-x`)).statusCode).toBe(400);
    const locked = await login(c.email, 'UTendyE!?');
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('changes a password: the new one logs in, the old one no longer does', async () => {
    const c = await enrol();
    expect((await a.call('POST', `/contacts/${c.id}/loyalty-change-password/`, { new_password: 'x' })).statusCode).toBe(400);
    const res = await a.call('POST', `/contacts/${c.id}/loyalty-change-password/`, { new_password: 'N3w-secret' });
    expect(res.statusCode, res.body).toBe(200);
    expect((await login(c.email, 'N3w-secret')).statusCode).toBe(200);
    expect((await login(c.email, 'UTendyE!?')).statusCode).toBe(400);
    const outsider = await newContact();
    expect((await a.call('POST', `/contacts/${outsider.id}/loyalty-change-password/`, { new_password: 'N3w-secret' })).statusCode).toBe(400);
  });

  it('answers a password reset the same whether or not the e-mail is a member, and asks for the e-mail only for a member', async () => {
    const c = await enrol();
    const known = await a.call('POST', '/contacts/loyalty-reset-password/', { email: c.email });
    const unknown = await a.call('POST', '/contacts/loyalty-reset-password/', { email: 'ghost@example.com' });
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    expect(known.json()).toEqual(unknown.json());
    const asked = await listMessages(t.database.db, accountId);
    expect(asked.filter((r) => r.template === 'loyalty-password-reset').map((r) => r.recipient)).toEqual([c.email]);
    expect((await a.call('POST', '/contacts/loyalty-reset-password/', {})).statusCode).toBe(400);
  });

  it('resets an account: the contact is out of the sign-in, keeps its points, and may register again', async () => {
    const c = await enrol();
    expect((await a.call('POST', '/operations/add-points/', { contact: c.id, concept: 'stay', points: 50, point_type: 0 })).statusCode).toBe(201);
    const res = await a.call('POST', `/contacts/${c.id}/loyalty-reset-account/`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ is_loyalty: false, loyalty_email: null, points: 50 });
    expect((await login(c.email, 'UTendyE!?')).statusCode).toBe(400);
    expect((await a.call('POST', `/contacts/${c.id}/loyalty-reset-account/`)).statusCode).toBe(400);
    expect((await a.call('POST', `/contacts/${c.id}/loyalty-sign-in/`, { password: 'again-123' })).statusCode).toBe(201);
    expect((await login(c.email, 'again-123')).statusCode).toBe(200);
  });

  it('refuses level thresholds and product prices beyond what a points column holds with a 400, storing nothing', async () => {
    const before = (await admin(adminToken, 'GET', '/loyalty/levels')).json().levels.length;
    for (const minLevelPoints of [1e308, 2 ** 31, 1_000_000_001, -1]) {
      const res = await admin(adminToken, 'POST', '/loyalty/levels', { name: 'Too far', minLevelPoints });
      expect(res.statusCode, `${minLevelPoints}: ${res.body}`).toBe(400);
    }
    expect((await admin(adminToken, 'GET', '/loyalty/levels')).json().levels).toHaveLength(before);
    for (const body of [
      { title: 'Suite', points: 1e308 },
      { title: 'Suite', points: 10, category: 2 ** 31 },
    ]) {
      expect((await admin(adminToken, 'POST', '/loyalty/products', body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    const top = await admin(adminToken, 'POST', '/loyalty/levels', { name: 'Top', minLevelPoints: 1_000_000_000 });
    expect(top.statusCode, top.body).toBe(201);
  });

  it('replays the update-data example: absolute points and level points become one ledger adjustment; an explicit level holds', async () => {
    const gold = (await admin(adminToken, 'POST', '/loyalty/levels', { name: 'Gold', minLevelPoints: 1000 })).json();
    const c = await enrol();
    const res = await a.call('POST', `/contacts/${c.id}/loyalty-update-data/`, { level: gold.id, points: 200, level_points: 100 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ level: gold.id, points: 200, level_points: 100 });
    const ops = (await a.call('GET', `/operations/?contact=${c.id}`)).json();
    expect(ops.count).toBe(1);
    expect(ops.results[0]).toMatchObject({ points: 200, level_points: 100, remaining_points: 200, contact: c.id });
    // Lower: the difference is consumed from the lots.
    const lower = (
      await a.call('POST', `/contacts/${c.id}/loyalty-update-data/`, {
        points: 150,
        loyalty_id: 'FT-1',
        loyalty_nights: 3,
        loyalty_last_booking_date: '2023-11-13',
      })
    ).json();
    expect(lower).toMatchObject({
      points: 150,
      level_points: 100,
      level: gold.id,
      loyalty_id: 'FT-1',
      loyalty_nights: 3,
      loyalty_last_booking_date: '2023-11-13',
    });
    const after = (await a.call('GET', `/operations/?contact=${c.id}`)).json();
    expect(after.results.map((op: any) => op.points)).toEqual([-50, 200]);
    expect(after.results[1]).toMatchObject({ remaining_points: 150, consumed_points: -50 });
    // Nothing changes for a bad body, and an unknown level is a 400.
    for (const body of [{ level: 987654 }, { points: -1 }, { points: 'many' }, { loyalty_last_booking_date: 'yesterday' }]) {
      expect((await a.call('POST', `/contacts/${c.id}/loyalty-update-data/`, body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await a.call('GET', `/contacts/${c.id}/`)).json()).toMatchObject({ points: 150, level: gold.id });
    const outsider = await newContact();
    expect((await a.call('POST', `/contacts/${outsider.id}/loyalty-update-data/`, { points: 10 })).statusCode).toBe(400);
  });
});
