import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The project's test rules (DESIGN.md, "Tests"), checked on the text of every file under test/:
 *  - sleep: no fixed sleep (setTimeout, setInterval) standing in for a condition; wait for the
 *    condition (waitUntil in test/helpers/wait.ts). Where the sleep is what is tested, mark the line
 *    (or the line above) with `test-rules: allow sleep (why)`.
 *  - dialect-return: no test passes by returning early on one dialect; use it.skipIf(cond)('... (why)').
 *  - port: servers listen on port 0 and the test reads the port; no fixed or random port.
 *  - clock: "today" comes from a fixed instant: no todayUtc() or utcDay(Date.now()), and a file
 *    using the fixture's daysAgo() freezes the clock with freezeDateForFile().
 * A line (or the line above it) with `test-rules: allow <rule>` is exempt from that rule.
 */

interface Violation {
  rule: 'sleep' | 'dialect-return' | 'port' | 'clock';
  line: number;
  text: string;
}

const DIALECT_CONDITION = /dialect|TEST_DATABASE_URL|isPostgres|isSqlite|postgres|sqlite/i;
/** `return` with no value: what a test callback bails out with */
const BARE_RETURN = /\breturn\s*(;|\}|$)/m;

/** The index just past the parenthesis or brace matching the one at `open`. */
function matching(text: string, open: number): number {
  const [o, c] = text[open] === '(' ? ['(', ')'] : ['{', '}'];
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === o) depth++;
    else if (text[i] === c && --depth === 0) return i + 1;
  }
  return text.length;
}

function findViolations(text: string): Violation[] {
  const lines = text.split('\n');
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  const allowed = (line: number, rule: string) =>
    [lines[line - 1], lines[line - 2]].some((l) => l !== undefined && new RegExp(`test-rules: allow ${rule}\\b`).test(l));
  const found: Violation[] = [];
  const add = (rule: Violation['rule'], index: number) => {
    const line = lineOf(index);
    if (!allowed(line, rule)) found.push({ rule, line, text: lines[line - 1].trim() });
  };

  for (const m of text.matchAll(/\bset(Timeout|Interval)\s*\(/g)) add('sleep', m.index);
  for (const m of text.matchAll(/\b(sleep|delay)\s*\(\s*\d/g)) add('sleep', m.index);

  // if (<a dialect condition>) return;   and   if (<a dialect condition>) { ...; return; }
  for (const m of text.matchAll(/\bif\s*\(/g)) {
    const open = m.index + m[0].length - 1;
    const close = matching(text, open);
    if (!DIALECT_CONDITION.test(text.slice(open, close))) continue;
    const rest = text.slice(close);
    const body = /^\s*\{/.test(rest) ? rest.slice(0, matching(rest, rest.indexOf('{'))) : `${rest.split(/[;\n]/)[0]};`;
    if (BARE_RETURN.test(body)) add('dialect-return', m.index);
  }

  for (const m of text.matchAll(/\bport\s*:\s*(\d+)/g)) if (Number(m[1]) !== 0) add('port', m.index);
  for (const m of text.matchAll(/\bPORT\s*:\s*['"`](\d+)['"`]/g)) if (Number(m[1]) !== 0) add('port', m.index);
  for (const m of text.matchAll(/\.listen\(\s*[1-9]/g)) add('port', m.index);
  for (const m of text.matchAll(/^.*\bport\b.*Math\.random|^.*Math\.random.*\bport\b/gim)) add('port', m.index);

  for (const m of text.matchAll(/\btodayUtc\(\s*\)|\butcDay\(\s*Date\.now\(\)\s*\)/g)) add('clock', m.index);
  if (/\bdaysAgo\(/.test(text) && !/\bfreezeDateForFile\(/.test(text) && !/export const daysAgo/.test(text)) {
    add('clock', text.search(/\bdaysAgo\(/));
  }
  return found;
}

const TEST_DIR = import.meta.dirname;
const THIS_FILE = path.basename(import.meta.filename);

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return /\.(ts|js|mjs)$/.test(entry.name) && entry.name !== THIS_FILE ? [full] : [];
  });
}

describe('the test rules', () => {
  it('hold in every file under test/', () => {
    const files = testFiles(TEST_DIR);
    expect(files.length).toBeGreaterThan(30);
    const report = files.flatMap((file) =>
      findViolations(fs.readFileSync(file, 'utf8')).map((v) => `${path.relative(TEST_DIR, file)}:${v.line} [${v.rule}] ${v.text}`),
    );
    expect(report).toEqual([]);
  });

  // The checks themselves, on snippets: each rule must catch what it is about.
  it.each([
    ['sleep', `await new Promise((r) => setTimeout(r, 50));`],
    ['sleep', `import { setTimeout } from 'node:timers/promises';\nawait setTimeout(100);`],
    ['sleep', `await sleep(20);`],
    ['dialect-return', `it('x', async () => {\n  if (dialect === 'postgres') return;\n});`],
    ['dialect-return', `if (!process.env.TEST_DATABASE_URL) return;`],
    ['dialect-return', `if (isPostgres(db)) { return }`],
    ['dialect-return', `if (dialect !== 'sqlite') {\n  expect(a).toBeUndefined();\n  return;\n}`],
    ['port', `await app.listen({ port: 3000, host: '127.0.0.1' });`],
    ['port', `spawn(bin, { env: { PORT: '8080' } });`],
    ['port', `const port = 20000 + Math.floor(Math.random() * 20000);`],
    ['port', `server.listen(8081);`],
    ['clock', `expect(body.date).toBe(todayUtc());`],
    ['clock', `const today = utcDay(Date.now());`],
    ['clock', `import { daysAgo } from './helpers/loopon-feedback-fixture.js';\nawait add({ checkoutDate: daysAgo(1) });`],
  ])('catches a %s violation', (rule, snippet) => {
    expect(findViolations(snippet).map((v) => v.rule)).toContain(rule);
  });

  it.each([
    ['port 0', `await app.listen({ port: 0, host: '127.0.0.1' });`],
    ['PORT 0', `spawn(bin, { env: { PORT: '0' } });`],
    ['skipIf', `it.skipIf(dialect === 'postgres')('uses the change stamp (SQLite only)', async () => {});`],
    ['a dialect-specific expectation', `if (dialect === 'sqlite') expect(cache.size).toBeLessThanOrEqual(10);`],
    ['a helper returning a value', `if (dialect === 'sqlite') {\n  return { url, destroy };\n}`],
    ['waitUntil', `await waitUntil(() => output().includes('listening'));`],
    ['an allowed sleep', `// the sleep is what is tested; test-rules: allow sleep\nawait new Promise((r) => setTimeout(r, 10));`],
    ['todayUtc of a fixed instant', `expect(todayUtc(new Date(FIXED_NOW))).toBe('2026-11-16');`],
    ['daysAgo on a fixed clock', `freezeDateForFile();\nawait add({ checkoutDate: daysAgo(1) });`],
  ])('lets through %s', (_label, snippet) => {
    expect(findViolations(snippet)).toEqual([]);
  });
});
