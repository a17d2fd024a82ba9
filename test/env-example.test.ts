import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The variables of README's configuration table (rows starting with a backquoted upper-case name). */
function readmeVariables(): string[] {
  return [...read('README.md').matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
}

describe('configuration documents', () => {
  it('.env.example lists every variable of the README table, and only those', () => {
    const listed = [...read('.env.example').matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(readmeVariables().length).toBeGreaterThan(10);
    expect([...new Set(listed)].sort()).toEqual([...readmeVariables()].sort());
  });

  it('every variable the code reads is in the README table', () => {
    const read = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts')) for (const m of fs.readFileSync(file, 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) read.add(m[1]);
      }
    };
    walk(path.join(ROOT, 'src'));
    expect([...read].filter((name) => !readmeVariables().includes(name))).toEqual([]);
  });

  it('LICENSE is the GNU AGPL v3 that package.json declares', () => {
    expect(JSON.parse(read('package.json')).license).toBe('AGPL-3.0-or-later');
    const license = read('LICENSE');
    expect(license).toMatch(/^\s+GNU AFFERO GENERAL PUBLIC LICENSE\n\s+Version 3, 19 November 2007\n/);
    expect(license).toContain('13. Remote Network Interaction; Use with the GNU General Public License.');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(license.split('\n').length).toBeGreaterThan(600);
  });
});
