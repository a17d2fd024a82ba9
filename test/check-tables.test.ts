import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/* scripts/check-tables.mjs: on this repository, and on a small copy with every kind of trespass. */

const repo = path.resolve(import.meta.dirname, '..');
const script = path.join(repo, 'scripts/check-tables.mjs');

function run(root: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, '--root', root], (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

describe('check-tables', () => {
  let root: string;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  const copy = (file: string) => write(file, fs.readFileSync(path.join(repo, file), 'utf8'));

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-check-tables-'));
    // the real schema and the allowlisted files: a copy with nothing else passes
    for (const file of ['src/db/schema.ts', 'src/core/contacts/keyed-contact.ts', 'src/core/chat/chat-events.ts']) copy(file);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('passes on this repository', async () => {
    const { code, output } = await run(repo);
    expect(output).toContain('every module queries only its own tables');
    expect(code).toBe(0);
  });

  it('passes on a module that queries its own tables, whatever comments say', async () => {
    write(
      'src/core/requests/ok.ts',
      `// selectFrom('guests') in a comment is prose
export const q = (db: any) => db.selectFrom('loops').innerJoin('loop_activities as a', 'a.loop_id', 'loops.id').selectAll();\n`,
    );
    const { code, output } = await run(root);
    expect(output).toBe('check-tables: every module queries only its own tables (2 allowlisted file(s))\n');
    expect(code).toBe(0);
  });

  it('fails on another module’s table, a table named outside core, raw SQL and a table in a variable', async () => {
    write(
      'src/core/feedback/trespass.ts',
      `export const a = (db: any) => db.selectFrom('answers').leftJoin('locations', 'locations.id', 'answers.id');
export const b = (db: any) =>
  db
    .updateTable(
      'stays',
    );
export const c = (sql: any) => sql\`delete from guest_keys where 1 = 0\`;
export const d = (db: any, table: string) => db.deleteFrom(table);
export const e = (db: any) => db.selectFrom(['questions', 'loops as l']);\n`,
    );
    write('src/api/some-face/route.ts', `export const f = (db: any) => db.insertInto('accounts');\n`);
    const { code, output } = await run(root);
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toEqual([
      'src/api/some-face/route.ts:1: insertInto accounts outside core; call a function of core/accounts instead',
      'src/core/feedback/trespass.ts:1: module feedback leftJoin locations, a table of module locations; call a function of core/locations instead',
      'src/core/feedback/trespass.ts:5: module feedback updateTable stays, a table of module stays; call a function of core/stays instead',
      'src/core/feedback/trespass.ts:8: deleteFrom(<variable>): name the table as a string literal so ownership can be checked',
      'src/core/feedback/trespass.ts:9: module feedback selectFrom loops, a table of module requests; call a function of core/requests instead',
      'src/core/feedback/trespass.ts:7: module feedback sql`` guest_keys, a table of module guests; call a function of core/guests instead',
      expect.stringMatching(/^check-tables: 6 problem\(s\)/),
    ]);
    fs.rmSync(path.join(root, 'src/core/feedback/trespass.ts'));
    fs.rmSync(path.join(root, 'src/api/some-face/route.ts'));
  });

  it('fails when the schema grows a table without an owner, or an allowlist entry goes stale', async () => {
    const schema = fs.readFileSync(path.join(root, 'src/db/schema.ts'), 'utf8');
    write('src/db/schema.ts', schema.replace('export interface Database {', 'export interface Database {\n  loyalty_points: LoyaltyPointsTable;'));
    const keyed = fs.readFileSync(path.join(root, 'src/core/contacts/keyed-contact.ts'), 'utf8');
    write('src/core/contacts/keyed-contact.ts', keyed.replace(".leftJoin('locations as l'", ".leftJoin('nowhere as l'"));
    const { code, output } = await run(root);
    expect(code).toBe(1);
    expect(output).toContain('OWNERS: table loyalty_points (src/db/schema.ts) has no owning module');
    expect(output).toContain('ALLOWLIST: src/core/contacts/keyed-contact.ts no longer names locations; remove that from the allowlist');
  });
});
