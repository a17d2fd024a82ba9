import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/*
 * What a test file hands to the run's log scan (test/setup/secret-scan.ts): the secrets issued
 * and the log lines written while it ran, kept in memory and written once when the file ends
 * (test/setup/record-secrets.ts), to files of its own: test files run in parallel forks.
 */
const secrets: string[] = [];
const logLines: string[] = [];

export function recordIssuedSecret<T extends string>(secret: T): T {
  secrets.push(secret);
  return secret;
}

export function recordLogLines(lines: string[]): void {
  logLines.push(...lines);
}

/** Writes what was recorded into `dir` (none when the run has no scan directory) and forgets it. */
export function writeRecorded(dir: string | undefined): void {
  if (!dir || !fs.existsSync(dir)) return;
  const id = `${process.pid}-${randomUUID()}`;
  if (secrets.length) fs.writeFileSync(path.join(dir, `secrets-${id}.txt`), `${secrets.join('\n')}\n`);
  if (logLines.length) fs.writeFileSync(path.join(dir, `logs-${id}.jsonl`), `${logLines.join('\n')}\n`);
  secrets.length = 0;
  logLines.length = 0;
}
