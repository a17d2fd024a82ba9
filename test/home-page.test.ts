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

  it('serves the console at /, its page already naming the faces, their references and the next step', async () => {
    const res = await t.app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const html = res.body;
    for (const text of ['Loop v1', 'Loopon', 'admin API', 'openstay demo']) expect(html).toContain(text);
    for (const url of ['/loop/api/v1', '/loopon/public', '/admin/v1', '/loop/docs', '/loopon/docs', '/admin/docs'])
      expect(html).toContain(`https://stay.hotel.test${url}`);
    // the console's own script, from this origin only
    const script = html.match(/<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/);
    expect(script).not.toBeNull();
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' wss://stay.hotel.test");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    const asset = await t.app.inject({ url: script![1] });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(String(asset.headers['cache-control'])).toContain('immutable');
  });

  it('answers the console page for a screen URL a browser reloads, and JSON 404s elsewhere', async () => {
    for (const url of ['/inbox', '/guests/12', '/settings/rules?x=1']) {
      const res = await t.app.inject({ url, headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('<div id="root">');
    }
    // not for an API client, nor under the faces' and guest pages' prefixes, nor for a write
    expect((await t.app.inject({ url: '/inbox', headers: { accept: 'application/json' } })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/loop/nothing', headers: { accept: 'text/html' } })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/stay/nothing', headers: { accept: 'text/html' } })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/inbox', method: 'POST', headers: { accept: 'text/html' } })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/assets/nothing.js' })).statusCode).toBe(404);
  });

  it('keeps the about page, scriptless, with the pages headers; every reference it links to answers', async () => {
    const res = await t.app.inject({ url: '/about' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toMatch(/<script/i);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    const links = [...res.body.matchAll(/href="https:\/\/stay\.hotel\.test([^"]+)"/g)].map((m) => m[1]);
    expect(links.length).toBe(7);
    for (const link of links) {
      const answer = await t.app.inject({ url: link });
      expect(answer.statusCode, link).toBe(200);
    }
  });

  it('answers only GET and HEAD at the root; other paths stay 404 for clients that do not ask for a page', async () => {
    expect((await t.app.inject({ url: '/', method: 'HEAD' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/', method: 'POST' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/nothing-here', headers: { accept: 'application/json' } })).statusCode).toBe(404);
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
