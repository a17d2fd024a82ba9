import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './helpers/database.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { exited, startServer } from './helpers/cli.js';

describe.each(dialects())('GET / on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { PUBLIC_URL: 'https://stay.hotel.test' });
  });
  afterAll(async () => t?.close());

  it('names the faces, their references and the next step, with the pages headers and no script', async () => {
    const res = await t.app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const html = res.body;
    for (const text of ['Loop v1', 'Loopon', 'admin API', 'openstay demo']) expect(html).toContain(text);
    for (const url of ['/loop/api/v1', '/loopon/public', '/admin/v1', '/loop/docs', '/loopon/docs', '/admin/docs'])
      expect(html).toContain(`https://stay.hotel.test${url}`);
    expect(html).not.toMatch(/<script/i);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('every reference it links to answers', async () => {
    const html = (await t.app.inject({ url: '/' })).body;
    const links = [...html.matchAll(/href="https:\/\/stay\.hotel\.test([^"]+)"/g)].map((m) => m[1]);
    expect(links.length).toBe(6);
    for (const link of links) {
      const res = await t.app.inject({ url: link });
      expect(res.statusCode, link).toBe(200);
    }
  });

  it('answers only GET and HEAD at the root; other paths stay 404', async () => {
    expect((await t.app.inject({ url: '/', method: 'HEAD' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/', method: 'POST' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/nothing-here' })).statusCode).toBe(404);
  });
});

describe('the start-up line', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-home-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints the docs URLs', async () => {
    const server = await startServer({ DATABASE_URL: `sqlite:${path.join(dir, 'openstay.db')}`, PUBLIC_URL: 'http://stay.hotel.test' });
    try {
      const line = server
        .output()
        .split('\n')
        .find((l) => l.includes('"msg":"openstay serving"'));
      expect(JSON.parse(line!).docs).toEqual({
        loop: 'http://stay.hotel.test/loop/docs',
        loopon: 'http://stay.hotel.test/loopon/docs',
        admin: 'http://stay.hotel.test/admin/docs',
      });
      expect((await fetch(`${server.baseUrl}/`)).status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
      expect(await exited(server.child)).toBe(0);
    }
  });
});
