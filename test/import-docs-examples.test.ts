import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';

/*
 * Issue 11: every example of docs/import.md runs as written against `openstay demo`. The JSON lines
 * of each section (`## Reviews (\`reviews\`)`...) are saved under the file name the page's commands
 * read, and every `openstay import ...` line of the page runs, in the page's order, in-process.
 */

const page = fs.readFileSync(new URL('../docs/import.md', import.meta.url), 'utf8');

/** The first ```json block after each section heading that names an import kind: its lines. */
function examplesByKind(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const section of text.split(/^## /m).slice(1)) {
    const kind = /^[^\n]*\(`([a-z-]+)`\)/.exec(section)?.[1];
    const block = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    if (kind && block) out.set(kind, block);
  }
  return out;
}

/** Every `openstay import` command of the page's ```sh blocks, comments dropped. */
function importCommands(text: string): string[][] {
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks
    .flatMap((b) => b.split('\n'))
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line.startsWith('openstay import '))
    .map((line) => line.split(/\s+/).slice(1));
}

describe.each(dialects())('the examples of docs/import.md against the demo on %s', (dialect) => {
  let database: TestDatabase;
  let dir: string;
  const examples = examplesByKind(page);
  const commands = importCommands(page);

  beforeAll(async () => {
    database = await createTestDatabase(dialect, { demo: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-import-docs-'));
    const demo = await runCli(['demo', '--json'], { DATABASE_URL: database.url });
    expect(demo.code, demo.stderr).toBe(0);
  });
  afterAll(async () => {
    await database?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds an example file for each kind and a command for each', () => {
    expect([...examples.keys()].sort()).toEqual(['answer-documents', 'config', 'contacts', 'reputation', 'reviews']);
    expect(commands.map((c) => c[1]).sort()).toEqual(['answer-documents', 'config', 'config', 'contacts', 'reputation', 'reviews']);
    for (const [, lines] of examples) for (const line of lines.trim().split('\n')) expect(() => JSON.parse(line), line).not.toThrow();
  });

  it.each(commands.map((c) => [c.join(' '), c] as const))('openstay %s', async (_line, args) => {
    const [, kind, file] = args;
    const lines = examples.get(kind);
    expect(lines, `an example of ${kind}`).toBeDefined();
    const saved = path.join(dir, file);
    fs.writeFileSync(saved, lines!);
    const withJson = args.includes('--json') ? args : [...args, '--json'];
    const res = await runCli(
      withJson.map((a) => (a === file ? saved : a)),
      { DATABASE_URL: database.url },
    );
    expect(res.stderr).not.toMatch(/line \d+:/);
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
    const summary = JSON.parse(res.stdout.trim().split('\n').at(-1)!);
    expect(summary.failedCount ?? summary.failed?.length ?? 0, res.stdout).toBe(0);
    const count = lines!.trim().split('\n').length;
    if (args.includes('--dry-run')) expect(summary.create + summary.update + summary.unchanged).toBe(count);
    else expect(summary.imported, res.stdout).toBe(count);
  });

  it('leaves the demo answering the documents` ids the examples named', async () => {
    // The customer of the Loop document's loop lookup kept his id and gained the imported key and stay.
    const db = database.db;
    const keys = await db.selectFrom('guest_keys').selectAll().where('key', 'in', ['PMS-1001', 'C-77']).execute();
    expect(keys.map((k) => k.key).sort()).toEqual(['C-77', 'PMS-1001']);
    expect(new Set(keys.map((k) => k.guest_id)).size, 'one guest holds both keys').toBe(1);
  });
});
