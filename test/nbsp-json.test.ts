import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nbspAsSpace } from '../src/api/http/tolerant-body.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';

// The Loop document's Contact examples are indented with no-break spaces (docs/compat.md).
const NBSP = '\u00a0';

it('makes no-break spaces between JSON tokens plain spaces and keeps those inside strings', () => {
  expect(nbspAsSpace(`{\n${NBSP} "a":${NBSP}"x${NBSP}y",${NBSP}"b\\"${NBSP}":1}`)).toBe(`{\n  "a": "x${NBSP}y", "b\\"${NBSP}":1}`);
  const plain = '{"a": 1}';
  expect(nbspAsSpace(plain)).toBe(plain);
});

describe.each(dialects())('JSON bodies indented with no-break spaces on %s', (dialect) => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    token = (await createTestAccount(t)).loopToken;
  });
  afterAll(async () => t?.close());

  const post = (payload: string, contentType = 'application/json') =>
    t.app.inject({ method: 'POST', url: `/loop/api/v1/Contact?authToken=${token}`, headers: { 'content-type': contentType }, payload });

  it.each(['application/json', 'application/x-www-form-urlencoded'])('reads them under %s', async (type) => {
    const res = await post(`{\n${NBSP}${NBSP}${NBSP} "foreignId":"nb-1",\n${NBSP}${NBSP}${NBSP} "firstname":"Rick"\n}`, type);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'Success', id: expect.any(String) });
  });

  it('keeps a no-break space inside a string, and a body malformed otherwise is still a 400', async () => {
    const inside = await post(`{${NBSP}"foreignId":"nb-2",${NBSP}"email":"a${NBSP}b@abc.com"}`);
    expect(inside.statusCode).toBe(400);
    expect(inside.json().message).toMatch(/email/);
    const broken = await post(`{${NBSP}"foreignId":"nb-3",${NBSP}}`);
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ status: 'Error', message: 'Request body is not valid JSON' });
  });
});
