import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgressBar, readJsonLinesFile, renderProgress } from '../src/cli/import.js';
import { createAccountWithCredentials } from '../src/core/accounts/provision.js';
import { createLocation } from '../src/core/locations/locations.js';
import { createReviewQuestion } from '../src/core/reputation/review-questions.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';
import { runCli } from './helpers/cli.js';

// `openstay import`: the CLI (in-process, as bin/openstay.js runs it) streaming JSON-lines files through the importers.
describe.each(dialects())('openstay import on %s', (dialect) => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let dir: string;
  let accountId: number;
  let hotelId: number;

  const file = (name: string, lines: unknown[]) => {
    const target = path.join(dir, name);
    fs.writeFileSync(target, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
    return target;
  };

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    env = { DATABASE_URL: database.url };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-import-'));
    const { account } = await createAccountWithCredentials(database.db, 'importer', 'Importer Hotels');
    accountId = account.id;
    hotelId = (await createLocation(database.db, accountId, { title: { en: 'Hotel' }, propertyCode: 'H1' })).id;
    await createReviewQuestion(database.db, accountId, { key: 'clean', description: 'Cleanliness', answerType: 'number' });
  });
  afterAll(async () => {
    await database?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** stderr without the progress bar's lines */
  const problems = (stderr: string) => stderr.split('\n').filter((l) => l && !l.startsWith('['));
  const reviews = () => database.db.selectFrom('reviews').selectAll().where('account_id', '=', accountId).orderBy('external_id').execute();

  it('imports every line of a reviews file and exits 0; a second run updates', async () => {
    const lines = Array.from({ length: 1100 }, (_, i) => ({
      propertyCode: 'H1',
      channel: 'google',
      externalId: `c${String(i).padStart(4, '0')}`,
      reviewDate: '2026-03-01',
      ratings: [{ question: 'clean', score: 4 }],
    }));
    const target = file('reviews.jsonl', lines);
    const res = await runCli(['import', 'reviews', target, '--account', 'importer'], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim()).toMatch(/^reviews: imported 1100 of 1100 lines, 0 failed \(\d+\.\ds\)$/);
    // Not a terminal: the progress bar as plain lines, one per tenth of the way, ending at 100%.
    const progress = res.stderr.trim().split('\n');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThanOrEqual(12);
    expect(progress.at(-1)).toMatch(/^\[#{30}\] 1100\/1100 lines 100% \d+ lines\/s ETA 0:00$/);
    expect(await reviews()).toHaveLength(1100);

    fs.writeFileSync(target, `\uFEFF${JSON.stringify({ ...lines[0], title: 'Updated' })}\r\n\r\n`);
    const again = await runCli(['import', 'reviews', target, '--account', 'importer', '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ kind: 'reviews', file: target, imported: 1, failedCount: 0, failed: [] });
    const rows = await reviews();
    expect(rows).toHaveLength(1100);
    expect(rows[0].title).toBe('Updated');
  });

  it('lists the lines that failed and exits 1', async () => {
    const target = file('mixed.jsonl', [
      { unitId: hotelId, date: '2026-03-01', source: 'google', score: 8.5 },
      'not json',
      '',
      { unitId: hotelId, date: '2026-03-01', score: 12 },
    ]);
    const res = await runCli(['import', 'reputation', target, '--account', 'importer'], env);
    expect(res.code).toBe(1);
    expect(problems(res.stderr)).toEqual(['line 2: not valid JSON', 'line 4: score must be at most 10']);
    expect(res.stdout.trim()).toMatch(/^reputation: imported 1 of 3 lines, 2 failed/);
    const json = await runCli(['import', 'reputation', target, '--account', 'importer', '--json'], env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ imported: 1, failedCount: 2, failed: [{ line: 2, error: 'not valid JSON' }, { line: 4 }] });
    const rows = await database.db.selectFrom('reputation_snapshots').selectAll().where('account_id', '=', accountId).execute();
    expect(rows).toEqual([expect.objectContaining({ source: 'google', score: 8.5, normalized_score: 0.85 })]);
  });

  it('writes every bad line to stderr, however many, and keeps the first 100 in --json', async () => {
    const lines = Array.from({ length: 251 }, (_, i) => (i === 125 ? { unitId: hotelId, date: '2026-03-05', score: 6 } : `junk ${i}`));
    const target = file('many-bad.jsonl', lines);
    const res = await runCli(['import', 'reputation', target, '--account', 'importer'], env);
    expect(res.code).toBe(1);
    const bad = problems(res.stderr);
    expect(bad).toHaveLength(250);
    expect(bad[0]).toBe('line 1: not valid JSON');
    expect(bad.at(-1)).toBe('line 251: not valid JSON');
    expect(res.stdout).toMatch(/imported 1 of 251 lines, 250 failed/);
    const json = await runCli(['import', 'reputation', target, '--account', 'importer', '--json'], env);
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout);
    expect(out).toMatchObject({ imported: 1, failedCount: 250 });
    expect(out.failed).toHaveLength(100);
    expect(problems(json.stderr)).toHaveLength(250);
  });

  it('runs answer documents through the feedback importer', async () => {
    const target = file('answers.jsonl', [{ unitId: 999999 }]);
    const res = await runCli(['import', 'answer-documents', target, '--account', 'importer'], env);
    expect(res.code).toBe(1);
    expect(problems(res.stderr)[0]).toMatch(/^line 1: /);
    expect(res.stdout).toMatch(/^answer-documents: imported 0 of 1 lines, 1 failed/);
  });

  it('finds the account without --account only when there is one; never guesses it from a unitId (unique per account only)', async () => {
    const only = file('only.jsonl', [{ unitId: hotelId, date: '2026-03-02', source: 'google', score: 7 }]);
    expect((await runCli(['import', 'reputation', only], env)).code).toBe(0);
    const { account: second } = await createAccountWithCredentials(database.db, 'second', 'Second');
    const theirs = (await createLocation(database.db, second.id, { title: { en: 'Theirs' } })).id;
    const byUnit = file('by-unit.jsonl', [{ unitId: theirs, date: '2026-03-02', source: 'google', score: 6 }]);
    const guessed = await runCli(['import', 'reputation', byUnit, '--json'], env);
    expect(guessed.code).toBe(2);
    expect(guessed.stderr).toMatch(/--account <slug>/);
    const res = await runCli(['import', 'reputation', byUnit, '--account', 'second', '--json'], env);
    expect(res.code, res.stderr).toBe(0);
    const rows = await database.db.selectFrom('reputation_snapshots').select('account_id').where('location_id', '=', theirs).execute();
    expect(rows).toEqual([{ account_id: second.id }]);
    const byCode = file('by-code.jsonl', [{ propertyCode: 'H1', date: '2026-03-02', source: 'google', score: 6 }]);
    const ambiguous = await runCli(['import', 'reputation', byCode], env);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/--account/);
  });

  it('exits 2 for bad usage', async () => {
    const target = file('empty.jsonl', []);
    const cases: Array<[string[], RegExp]> = [
      [['import'], /needs a <kind> and a <file>/],
      [['import', 'reviews'], /needs a <kind> and a <file>/],
      [['import', 'guests', target, '--account', 'importer'], /unknown import kind "guests"/],
      [['import', 'reviews', path.join(dir, 'missing.jsonl'), '--account', 'importer'], /cannot read file/],
      [['import', 'reviews', dir, '--account', 'importer'], /cannot read file/],
      [['import', 'reviews', target, '--account', 'nobody'], /no account with slug "nobody"/],
      [['import', 'reviews', target, '--account', 'importer', '--frobnicate'], /frobnicate/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args, env)));
    cases.forEach(([args, message], i) => {
      expect(results[i].code, args.join(' ')).toBe(2);
      expect(results[i].stderr).toMatch(message);
    });
    const empty = await runCli(['import', 'reviews', target, '--account', 'importer'], env);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/imported 0 of 0 lines/);
  });
});

describe('import progress and file reading', () => {
  it('renders lines handled of total, percentage and rate', () => {
    expect(renderProgress(250, 1000, 2000, 20)).toBe('[#####---------------] 250/1000 lines 25% 125 lines/s ETA 0:06');
    expect(renderProgress(0, 0, 0, 4)).toBe('[####] 0/0 lines 100% 0 lines/s ETA 0:00');
    expect(renderProgress(1000, 1000, 500, 4)).toBe('[####] 1000/1000 lines 100% 2000 lines/s ETA 0:00');
    expect(renderProgress(0, 1000, 0, 4)).toBe('[----] 0/1000 lines 0% 0 lines/s ETA -:--');
    // A resumed import: the rate counts this run's lines (from line 500 on), the ETA what is left.
    expect(renderProgress(600_000, 1_000_000, 5000, 4, 500_000)).toBe('[##--] 600000/1000000 lines 60% 20000 lines/s ETA 0:20');
  });

  it('redraws one line at most ten times a second and ends it with a newline', () => {
    const out = new PassThrough();
    let written = '';
    out.on('data', (d) => (written += d));
    const bar = new ProgressBar(out, 10, true);
    bar.update(1);
    bar.update(2);
    bar.done(10);
    const frames = written.split('\r').filter(Boolean);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toContain('1/10 lines 10%');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: each frame ends with the terminal's erase-line sequence, ESC [K
    expect(frames[1]).toMatch(/10\/10 lines 100% \d+ lines\/s ETA 0:00\x1b\[K\n$/);
  });

  it('writes a plain line per tenth of the way when stderr is no terminal', () => {
    const out = new PassThrough();
    let written = '';
    out.on('data', (d) => (written += d));
    const bar = new ProgressBar(out, 100, false);
    for (let i = 1; i <= 100; i++) bar.update(i);
    bar.done(100);
    const lines = written.trim().split('\n');
    expect(lines).toHaveLength(11); // the start, then each tenth
    expect(lines[0]).toContain('1/100 lines 1%');
    expect(lines[1]).toContain('10/100 lines 10%');
    expect(lines.at(-1)).toContain('100/100 lines 100%');
    expect(written).not.toContain('\r');
  });

  it('reads a file line by line with 1-based line numbers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-lines-'));
    const target = path.join(dir, 'x.jsonl');
    fs.writeFileSync(target, '\uFEFF{"a":1}\n\n  \n{bad\r\n{"b":2}');
    const records = [];
    for await (const r of readJsonLinesFile(target)) records.push(r);
    expect(records).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 4, error: 'not valid JSON' },
      { line: 5, value: { b: 2 } },
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
