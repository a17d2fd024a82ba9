import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './helpers/database.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';

// Admin API: employees (staff users).
describe.each(dialects())('admin employees on %s', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  const call = adminCall(() => t);

  it('creates, lists and deletes employees', async () => {
    const { adminToken } = await createTestAccount(t);
    const location = (await call(adminToken, 'POST', '/locations', { title: 'Lobby' })).json();
    const res = await call(adminToken, 'POST', '/employees', {
      username: 'ana',
      name: 'Ana Ruiz',
      email: 'Ana@Example.test',
      sms: '+34600000000',
      permissions: ['create', 'close'],
      locationIds: [location.id],
    });
    expect(res.statusCode).toBe(201);
    const employee = res.json();
    expect(employee).toEqual({
      id: expect.any(Number),
      username: 'ana',
      name: 'Ana Ruiz',
      email: 'ana@example.test',
      sms: '+34600000000',
      permissions: ['create', 'close'],
      locationIds: [location.id],
      createdAt: expect.any(Number),
    });
    const minimal = await call(adminToken, 'POST', '/employees', { username: 'bo' });
    expect(minimal.json()).toMatchObject({ username: 'bo', name: null, email: null, sms: null, permissions: [], locationIds: [] });
    expect((await call(adminToken, 'GET', '/employees')).json().employees.map((e: any) => e.username)).toEqual(['ana', 'bo']);
    expect((await call(adminToken, 'DELETE', `/employees/${employee.id}`)).statusCode).toBe(204);
    expect((await call(adminToken, 'DELETE', `/employees/${employee.id}`)).statusCode).toBe(404);
    expect((await call(adminToken, 'GET', '/employees')).json().employees.map((e: any) => e.username)).toEqual(['bo']);
  });

  it('answers a taken username with a 409', async () => {
    const { adminToken } = await createTestAccount(t);
    await call(adminToken, 'POST', '/employees', { username: 'ana' });
    const dup = await call(adminToken, 'POST', '/employees', { username: 'ana' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toEqual({ error: { code: 'conflict', message: 'username "ana" is already taken' } });
  });

  it('refuses bad input with a 400', async () => {
    const { adminToken } = await createTestAccount(t);
    const cases: Array<[unknown, string]> = [
      [{}, 'body: missing required field "username"'],
      [{ username: '   ' }, 'username is required'],
      [{ username: 'a', email: 'not-an-email' }, 'body.email must match format "email"'],
      [{ username: 'a', permissions: 'all' }, 'body.permissions must be array'],
      [{ username: 'a', locationIds: ['one'] }, 'body.locationIds[0] must be integer'],
      [{ username: 'a', locationIds: [999999] }, 'unknown location in locations'],
      [{ username: 'a', role: 'boss' }, 'body: unknown field "role"'],
    ];
    for (const [payload, message] of cases) {
      const res = await call(adminToken, 'POST', '/employees', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.message, JSON.stringify(payload)).toBe(message);
    }
    expect((await call(adminToken, 'GET', '/employees')).json().employees).toEqual([]);
  });

  it("keeps each account's employees apart", async () => {
    const mine = await createTestAccount(t);
    const theirs = await createTestAccount(t);
    const theirLocation = (await call(theirs.adminToken, 'POST', '/locations', { title: 'Theirs' })).json();
    const employee = (await call(theirs.adminToken, 'POST', '/employees', { username: 'ana' })).json();
    expect((await call(mine.adminToken, 'DELETE', `/employees/${employee.id}`)).statusCode).toBe(404);
    expect((await call(mine.adminToken, 'GET', '/employees')).json().employees).toEqual([]);
    // the same username in another account is fine; another account's location is not
    expect((await call(mine.adminToken, 'POST', '/employees', { username: 'ana' })).statusCode).toBe(201);
    expect((await call(mine.adminToken, 'POST', '/employees', { username: 'bo', locationIds: [theirLocation.id] })).statusCode).toBe(400);
    expect((await call(theirs.adminToken, 'GET', '/employees')).json().employees).toHaveLength(1);
  });
});
