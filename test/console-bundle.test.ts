import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/*
 * The console's budget (issue 14): its first load is at most 300 KB of compressed JavaScript.
 * Measured on the build (`npm run build`, run by `npm test` before the suite): every script under
 * dist/console/assets, gzipped at the default level, summed. Screens split into chunks later
 * count too, which keeps the figure an upper bound of what the first load fetches.
 */

const ASSETS = path.resolve(import.meta.dirname, '../dist/console/assets');
const BUDGET_BYTES = 300 * 1024;

describe("the console's first load", () => {
  it('stays within 300 KB of gzip-compressed JavaScript', () => {
    expect(existsSync(ASSETS), `${ASSETS} is missing: run npm run build first`).toBe(true);
    const scripts = readdirSync(ASSETS).filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((sum, name) => sum + gzipSync(readFileSync(path.join(ASSETS, name))).length, 0);
    expect(gzipped, `${scripts.join(', ')}: ${gzipped} bytes gzipped`).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
