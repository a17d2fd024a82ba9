import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

/*
 * Issue 9: "a test scans the logs of the whole suite for every secret it issued". This global
 * setup makes a directory for the run; every test file (in whichever fork) writes there the
 * secrets it issued (test/setup/record-secrets.ts) and the log lines of its apps
 * (test/helpers/app.ts); when the run ends, the teardown fails it if any line holds any secret.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** where the test files of this run write their issued secrets and log lines */
    secretScanDir: string;
  }
}

export const SECRETS_PREFIX = 'secrets-';
export const LOGS_PREFIX = 'logs-';

/** Where each secret of `secrets` occurs in `lines`: [secret, line] pairs (a window scan by length). */
export function leakedSecrets(secrets: Iterable<string>, lines: Iterable<string>): Array<{ secret: string; line: string }> {
  const byLength = new Map<number, Set<string>>();
  for (const secret of secrets) {
    if (secret.length < 16) continue;
    const set = byLength.get(secret.length) ?? new Set<string>();
    set.add(secret);
    byLength.set(secret.length, set);
  }
  const lengths = [...byLength.keys()];
  const minLength = Math.min(...lengths);
  const found: Array<{ secret: string; line: string }> = [];
  for (const line of lines) {
    // Secrets are runs of letters, digits, - and _ (tokens, base64url signatures): only those runs are looked through.
    for (const run of line.match(/[A-Za-z0-9_-]+/g) ?? []) {
      if (run.length < minLength) continue;
      for (const length of lengths) {
        const set = byLength.get(length)!;
        for (let i = 0; i + length <= run.length; i++) {
          const window = run.slice(i, i + length);
          if (set.has(window)) found.push({ secret: window, line });
        }
      }
    }
  }
  return found;
}

function readLines(dir: string, prefix: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.startsWith(prefix))
    .flatMap((name) => fs.readFileSync(path.join(dir, name), 'utf8').split('\n'))
    .filter(Boolean);
}

export default function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-secret-scan-'));
  project.provide('secretScanDir', dir);
  return () => {
    const secrets = readLines(dir, SECRETS_PREFIX);
    const lines = readLines(dir, LOGS_PREFIX);
    const leaks = leakedSecrets(secrets, lines);
    fs.rmSync(dir, { recursive: true, force: true });
    if (leaks.length > 0) {
      const shown = leaks.slice(0, 10).map(({ secret, line }) => `  ${secret.slice(0, 4)}… in: ${line.slice(0, 300)}`);
      // Vitest only logs an error thrown by a global teardown: the exit code is what fails the run.
      process.exitCode = 1;
      throw new Error(`${leaks.length} log line(s) of the test run hold a secret the tests issued:\n${shown.join('\n')}`);
    }
    if (secrets.length === 0 || lines.length === 0) return;
    console.log(`secret scan: ${lines.length} log lines hold none of the ${secrets.length} secrets the tests issued`);
  };
}
