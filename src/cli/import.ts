import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../config/config.js';
import { describeDatabase } from '../config/database-check.js';
import { findAccountBySlug, listAccounts } from '../core/accounts/accounts.js';
import { IMPORT_KINDS, IMPORTERS, type Importer, type ImportKind } from '../api/imports/import-kinds.js';
import { type ConfigImportResult, importConfig } from '../api/imports/import-config.js';
import type { ImportFailure, ImportItem } from '../api/imports/json-lines.js';
import { readJsonLines } from '../api/imports/line-reader.js';
import { fileIdentity, formatOf, IMPORT_FORMATS, importFile } from '../api/imports/import-file.js';
import type { Db } from '../db/database.js';
import { withDatabase } from './with-database.js';
import { type CliStream, cliStderr } from './output.js';

/*
 * `openstay import <kind> <file> [--account <slug>] [--json]`: streams a JSON-lines file into an
 * account through the same importers as the admin API. Every bad line goes to stderr as it is
 * found (`line N: message`), with a progress bar. Exit 0 when every line was imported, 1 when
 * some failed, 2 for bad usage.
 */

export { IMPORT_KINDS };

/** What `openstay import` takes: the bulk kinds, and `config` (never a background job: see import-config.ts). */
const CLI_KINDS = [...IMPORT_KINDS, 'config'] as const;

export const USAGE = `usage: openstay import <kind> <file> [--account <slug>] [--json]
       openstay import contacts <file> [--account <slug>] [--format jsonl|csv] [--json]
       openstay import config <file> --account <slug> [--dry-run] [--json]
kinds: ${CLI_KINDS.join(', ')}   (record formats: docs/import.md)
A file is read as JSON lines, or as CSV when it ends in .csv (contacts only; --format says which).
An import killed mid-way continues where it stopped when the same command is run again.
--json prints the summary only (no progress bar).`;

/** The records of a JSON-lines file, read chunk by chunk (never the whole file at once). */
export async function* readJsonLinesFile(file: string): AsyncGenerator<ImportItem> {
  for await (const items of readJsonLines(fs.createReadStream(file))) yield* items;
}

/** A duration in whole seconds as m:ss (h:mm:ss from an hour). */
function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}` : `${Math.floor(s / 60)}:${two(s % 60)}`;
}

/**
 * One progress line: bar, lines handled of total, percentage, rate and the time left at that rate
 * (`ETA -:--` until there is a rate). `start` is the line a resumed import started after: the
 * rate counts the lines this run handled.
 */
export function renderProgress(handled: number, total: number, elapsedMs: number, width = 30, start = 0): string {
  const fraction = total > 0 ? Math.min(1, handled / total) : 1;
  const filled = Math.round(fraction * width);
  const rate = elapsedMs > 0 ? Math.round(((handled - start) * 1000) / elapsedMs) : 0;
  const left = Math.max(0, total - handled);
  const eta = left === 0 ? clock(0) : rate > 0 ? clock(left / rate) : '-:--';
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${handled}/${total} lines ${Math.floor(fraction * 100)}% ${rate} lines/s ETA ${eta}`;
}

/**
 * The progress bar on stderr. On a terminal one line redrawn at most ten times a second; into a
 * file or pipe (a log, CI) a plain line at each tenth of the way, so the record stays readable.
 */
export class ProgressBar {
  private last = 0;
  private lastTenth = -1;
  private readonly started = Date.now();
  constructor(
    private readonly out: CliStream,
    private readonly total: number,
    private readonly terminal: boolean,
    /** the line a resumed import continues after */
    private readonly start = 0,
  ) {}

  update(handled: number, force = false): void {
    const now = Date.now();
    if (!this.terminal) {
      const tenth = this.total > 0 ? Math.floor((Math.min(handled, this.total) * 10) / this.total) : 10;
      if (tenth === this.lastTenth) return;
      this.lastTenth = tenth;
      this.out.write(`${renderProgress(handled, this.total, now - this.started, 30, this.start)}\n`);
      return;
    }
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.out.write(`\r${renderProgress(handled, this.total, now - this.started, 30, this.start)}\x1b[K`);
  }

  done(handled: number): void {
    this.update(handled, true);
    if (this.terminal) this.out.write('\n');
  }
}

/**
 * The account to import into: the one named, else the only one there is. Never guessed from an
 * id in the file: unit ids are unique per account only (two hotels may both bring unit 1204).
 */
async function importAccount(db: Db, slug: string | undefined, where: string): Promise<{ id: number } | string> {
  if (slug) return (await findAccountBySlug(db, slug)) ?? `no account with slug "${slug}" in ${where}`;
  const accounts = await listAccounts(db);
  if (accounts.length === 1) return accounts[0];
  return `${where} holds ${accounts.length} accounts: name the one to import into with --account <slug>`;
}

function usage(message: string): number {
  console.error(`openstay: ${message}\n\n${USAGE}`);
  return 2;
}

/** Runs `openstay import`; `args` are the words after "import". */
export async function importCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { account: { type: 'string' }, json: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, format: { type: 'string' } },
    allowPositionals: true,
  });
  const [kind, file, ...extra] = positionals;
  if (!kind || !file || extra.length) return usage('import needs a <kind> and a <file>');
  if (!(CLI_KINDS as readonly string[]).includes(kind)) return usage(`unknown import kind "${kind}"`);
  const dryRun = values['dry-run'] === true;
  if (dryRun && kind !== 'config') return usage('--dry-run applies to import config only');
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return usage(`cannot read file "${file}"`);
  const format = formatOf(file, values.format);
  if (!format) return usage(`--format must be one of ${IMPORT_FORMATS.join(', ')}`);
  if (format === 'csv' && kind !== 'contacts') return usage('CSV files are read by import contacts only');

  const importer: Importer =
    kind === 'config' ? (db, accountId, records, opts) => importConfig(db, accountId, records, { ...opts, dryRun }) : IMPORTERS[kind as ImportKind];
  const started = Date.now();
  const stderr = cliStderr();
  const terminal = Boolean(stderr.isTTY);
  const outcome = await withDatabase(config, async (db) => {
    const account = await importAccount(db, values.account, describeDatabase(config.databaseUrl));
    if (typeof account === 'string') return account;
    const identity = await fileIdentity(file);
    const total = identity.lines;
    // --json: the summary only (bad lines still go to stderr as they are found).
    const quiet = values.json === true;
    let bar: ProgressBar | undefined;
    // Each bad line as it is found; on a terminal the bar's line is cleared first and redrawn later.
    const report = (failure: ImportFailure) => stderr.write(`${terminal && bar ? '\r\x1b[K' : ''}line ${failure.line}: ${failure.error}\n`);
    if (kind === 'config') {
      bar = quiet ? undefined : new ProgressBar(stderr, total, terminal);
      const result = await importer(db, account.id, readJsonLines(fs.createReadStream(file)), {
        onFailure: report,
        onProgress: (state) => bar?.update(state.linesRead),
      });
      bar?.done(total);
      return result;
    }
    const { result } = await importFile(db, account.id, kind, importer, file, {
      format,
      identity,
      onFailure: report,
      onStart: (resumedAfter) => {
        if (quiet) return;
        if (resumedAfter > 0) stderr.write(`continuing an interrupted import of this file after line ${resumedAfter}\n`);
        bar = new ProgressBar(stderr, total, terminal, resumedAfter);
      },
      onProgress: (state) => bar?.update(state.linesRead),
    });
    bar?.done(total);
    return result;
  });
  if (typeof outcome === 'string') return usage(outcome);

  const result = outcome;
  const handled = result.imported + result.failedCount;
  const counts = 'create' in result ? (result as ConfigImportResult) : undefined;
  if (values.json) {
    if (counts && dryRun)
      console.log(JSON.stringify({ kind, file, create: counts.create, update: counts.update, unchanged: counts.unchanged, failed: result.failed }));
    else {
      const extra = counts ? { create: counts.create, update: counts.update, unchanged: counts.unchanged } : {};
      console.log(JSON.stringify({ kind, file, imported: result.imported, failedCount: result.failedCount, failed: result.failed, ...extra }));
    }
  } else if (counts) {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const verb = dryRun ? 'would create' : 'created';
    console.log(
      `${kind}${dryRun ? ' (dry run, nothing written)' : ''}: ${verb} ${counts.create}, ${dryRun ? 'would update' : 'updated'} ${counts.update}, ` +
        `${counts.unchanged} unchanged, ${result.failedCount} failed of ${handled} lines (${seconds}s)`,
    );
  } else {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`${kind}: imported ${result.imported} of ${handled} lines, ${result.failedCount} failed (${seconds}s)`);
  }
  return result.failedCount ? 1 : 0;
}
