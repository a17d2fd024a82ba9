import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountWithCredentials } from '../src/core/accounts/provision.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { runCli } from './helpers/cli.js';
import { dialects } from './helpers/database.js';
import { loopCall } from './helpers/loop.js';
import { createLooponClient } from './helpers/loopon.js';

// Issue 11: `openstay import config` and POST /admin/v1/imports/config bring a hotel's configuration
// with the ids it had in Loop and Loopon, so that devices and clients keep working.

const LOC = '529652b0121d5fa206011a79';
const LOC2 = '529652b0121d5fa206011a97';

const CONFIG = [
  { kind: 'chain', ids: { loopon: 1203 }, name: 'Sea Hotels' },
  {
    kind: 'location',
    ids: { loop: LOC, loopon: 1204 },
    shortcode: '1234',
    title: { en: 'Sea Hotel Kattegat', sv: 'Sjöhotell Kattegatt' },
    coords: { latitude: 57.7, longitude: 11.9 },
    timezone: 'Europe/Stockholm',
    country: 'se',
    propertyCode: 'X02',
    chain: { loopon: 1203 },
  },
  { kind: 'location', ids: { loop: LOC2, loopon: 1282 }, shortcode: '1300', title: { en: 'Andros' }, chain: { loopon: 1203 } },
  { kind: 'location', ids: { loopon: 1601 }, name: 'Competitor Inn', competitor: true },
  { kind: 'competitiveSet', unit: { loopon: 1204 }, name: 'Gothenburg', members: [{ loopon: 1601 }] },
  { kind: 'loopType', ids: { loop: '4f1927a407caf1f050000274' }, shortcode: 'housekeeping', title: { en: 'Housekeeping' } },
  { kind: 'customField', ids: { loop: LOC }, shortcode: 'room', title: { en: 'Room' } },
  {
    kind: 'survey',
    ids: { loop: '57276b281bb438711ab4f1e4', loopon: 77 },
    shortcode: 'restaurant',
    title: 'Restaurant',
    locations: [{ loop: LOC }],
    questions: [
      { categoryId: '529652b0131d5fa206011a98', type: 'text', text: { en: 'Your name' } },
      {
        ids: { loop: '529652b0131d5fa206011a99', loopon: 501 },
        type: 'radio',
        text: { en: 'Food?' },
        options: [
          { text: 'Good', score: 1 },
          { text: 'Bad', score: 0 },
        ],
      },
    ],
  },
  {
    kind: 'employee',
    ids: { loop: '4fc7769576ca50ce2c000012' },
    username: 'benria',
    name: 'Ben',
    email: 'ben@example.com',
    locations: [{ loop: LOC }, '1300'],
  },
];

const body = (lines: unknown[]) => `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`;

describe.each(dialects())('configuration import on %s', (dialect) => {
  let t: TestApp;
  let admin: string;
  let loop: string;
  let accountId: number;
  let dir: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const created = await createAccountWithCredentials(t.database.db, 'sea-hotels', 'Sea Hotels');
    admin = created.adminToken;
    loop = created.loopToken;
    accountId = created.account.id;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-config-'));
  });
  afterAll(async () => {
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const post = (lines: unknown[], query = '') =>
    t.app.inject({
      method: 'POST',
      url: `/admin/v1/imports/config${query}`,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' },
      payload: body(lines),
    });

  it('a dry run counts what the import would do, reports bad lines by number, and writes nothing', async () => {
    const res = await post(
      [...CONFIG, { kind: 'room' }, { kind: 'employee', username: 'x', locations: [{ loop: '529652b0121d5fa206011a00' }] }],
      '?dryRun=true',
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      create: CONFIG.length,
      update: 0,
      unchanged: 0,
      failed: [
        { line: CONFIG.length + 1, error: expect.stringContaining('kind must be one of') },
        { line: CONFIG.length + 2, error: expect.stringContaining('names no location') },
      ],
    });
    expect((await loopCall(t, loop, 'GET', 'locations')).json().locations).toEqual([]);
  });

  it('imports every kind with its former ids; the faces show and answer them', async () => {
    const res = await post(CONFIG);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ imported: CONFIG.length, failedCount: 0, failed: [], create: CONFIG.length, update: 0, unchanged: 0 });

    const locations = (await loopCall(t, loop, 'GET', 'locations')).json().locations;
    expect(locations).toContainEqual({
      id: LOC,
      shortcode: '1234',
      title: { en: 'Sea Hotel Kattegat', sv: 'Sjöhotell Kattegatt' },
      coords: { latitude: 57.7, longitude: 11.9 },
      timezone: 'Europe/Stockholm',
    });
    expect((await loopCall(t, loop, 'GET', 'looptypes')).json().looptypes).toEqual([
      { id: '4f1927a407caf1f050000274', shortcode: 'housekeeping', title: { en: 'Housekeeping' } },
    ]);
    // A Loop location and a custom field may carry the same id (the Loop document gives them one).
    expect((await loopCall(t, loop, 'GET', 'customfields')).json().customfields).toEqual([expect.objectContaining({ id: LOC, shortcode: 'room' })]);
    const loopRes = await loopCall(t, loop, 'POST', 'loops', {
      location: LOC,
      loopType: '4f1927a407caf1f050000274',
      description: 'Towels',
      customFields: { [LOC]: '12' },
    });
    expect(loopRes.statusCode, loopRes.body).toBe(200);
    const surveys = (await loopCall(t, loop, 'GET', `surveys?location=${LOC}`)).json().surveys;
    expect(surveys).toHaveLength(1);
    expect(surveys[0]).toMatchObject({ id: '57276b281bb438711ab4f1e4', locations: [LOC] });
    expect(surveys[0].questions.map((q: { categoryId: string }) => q.categoryId)).toEqual(['529652b0131d5fa206011a98', '529652b0131d5fa206011a99']);
    const users = (await loopCall(t, loop, 'GET', 'users?username=benria')).json().users;
    expect(users).toEqual([expect.objectContaining({ id: '4fc7769576ca50ce2c000012', locations: [LOC, LOC2] })]);

    const response = await loopCall(t, loop, 'POST', 'responses', {
      location: LOC,
      responses: [
        { categoryId: '529652b0131d5fa206011a98', value: 'Ann' },
        { categoryId: '529652b0131d5fa206011a99', value: 'Good' },
      ],
    });
    expect(response.statusCode, response.body).toBe(200);

    const client = await createLooponClient(t, accountId);
    const unit = await t.app.inject({ url: '/loopon/public/units/1204', headers: client.headers });
    expect(unit.statusCode, unit.body).toBe(200);
    expect(unit.json()).toMatchObject({ unitId: 1204, propertyCode: 'X02', name: 'Sea Hotel Kattegat' });
    const units = (await t.app.inject({ url: '/loopon/public/units', headers: client.headers })).json();
    expect(units.map((u: { unitId: number }) => u.unitId).sort()).toEqual([1203, 1204, 1282]);
    const evaluations = (await t.app.inject({ url: '/loopon/public/units/1204/evaluations', headers: client.headers })).json();
    expect(evaluations).toEqual([expect.objectContaining({ evaluationId: 77, name: 'Restaurant' })]);
    const question = await t.app.inject({ url: '/loopon/public/units/1204/evaluations/77/question/501', headers: client.headers });
    expect(question.statusCode, question.body).toBe(200);
    expect(question.json()).toMatchObject({ questionId: 501, type: 'radio' });
    const reputation = (await t.app.inject({ url: '/loopon/public/units/1204/reputation?date=2026-10-01', headers: client.headers })).json();
    expect(reputation[0].competitiveSets[0].units[0].unit.unitId).toBe(1601);
  });

  it('is idempotent; a changed line updates; a new survey version keeps the question ids', async () => {
    const again = await post(CONFIG);
    expect(again.json()).toMatchObject({ create: 0, update: 0, unchanged: CONFIG.length, failedCount: 0 });

    const changed = CONFIG.map((l) =>
      l.kind === 'survey' ? { ...l, questions: [...(l.questions ?? []), { ids: { loop: '529652b0131d5fa206011a9a' }, type: 'number', text: 'Rating' }] } : l,
    );
    const res = await post(changed);
    expect(res.json()).toMatchObject({ create: 0, update: 1, unchanged: CONFIG.length - 1 });
    const survey = (await loopCall(t, loop, 'GET', 'surveys/restaurant')).json();
    expect(survey.questions.map((q: { categoryId: string }) => q.categoryId)).toEqual([
      '529652b0131d5fa206011a98',
      '529652b0131d5fa206011a99',
      '529652b0131d5fa206011a9a',
    ]);
  });

  it('a line is written whole or not at all', async () => {
    // The survey's second question takes an id another survey's question keeps: nothing of it stays.
    const clash = {
      kind: 'survey',
      shortcode: 'spa',
      title: 'Spa',
      questions: [
        { categoryId: '5c87769576ca50ce2c987659', type: 'text', text: 'Name' },
        { categoryId: '529652b0131d5fa206011a98', type: 'text', text: 'Taken' },
      ],
    };
    const res = await post([clash]);
    expect(res.json()).toMatchObject({ imported: 0, failedCount: 1, failed: [{ line: 1, error: expect.stringContaining('529652b0131d5fa206011a98') }] });
    expect((await loopCall(t, loop, 'GET', 'surveys/spa')).statusCode).toBe(404);
  });

  it('two accounts may bring the same ids', async () => {
    const other = await createAccountWithCredentials(t.database.db, 'other-hotels');
    const res = await t.app.inject({
      method: 'POST',
      url: '/admin/v1/imports/config',
      headers: { authorization: `Bearer ${other.adminToken}`, 'content-type': 'application/x-ndjson' },
      payload: body(CONFIG.slice(0, 3)),
    });
    expect(res.json()).toMatchObject({ create: 3, failedCount: 0 });
    const theirs = (await loopCall(t, other.loopToken, 'GET', 'locations')).json().locations;
    expect(theirs.map((l: { id: string }) => l.id).sort()).toEqual([LOC, LOC2].sort());
  });

  it('openstay import config: --dry-run, --json, exit codes', async () => {
    const env = { DATABASE_URL: t.database.url };
    const file = path.join(dir, 'config.jsonl');
    fs.writeFileSync(file, body([{ kind: 'loopType', ids: { loop: '4f1927a407caf1f050000275' }, shortcode: 'maintenance', title: 'Maintenance' }, 'not json']));
    const dry = await runCli(['import', 'config', file, '--account', 'sea-hotels', '--dry-run', '--json'], env);
    expect(dry.code, dry.stderr).toBe(1);
    expect(JSON.parse(dry.stdout)).toEqual({ kind: 'config', file, create: 1, update: 0, unchanged: 0, failed: [{ line: 2, error: expect.any(String) }] });
    expect(dry.stderr).toMatch(/line 2: /);
    fs.writeFileSync(file, body([{ kind: 'loopType', ids: { loop: '4f1927a407caf1f050000275' }, shortcode: 'maintenance', title: 'Maintenance' }]));
    const real = await runCli(['import', 'config', file, '--account', 'sea-hotels', '--json'], env);
    expect(real.code, real.stderr).toBe(0);
    expect(JSON.parse(real.stdout)).toMatchObject({ kind: 'config', imported: 1, create: 1 });
    const again = await runCli(['import', 'config', file, '--account', 'sea-hotels'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/1 unchanged/);
    const misuse = await runCli(['import', 'reviews', file, '--account', 'sea-hotels', '--dry-run'], env);
    expect(misuse.code).toBe(2);
  });
});
