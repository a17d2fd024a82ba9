import { inputProblem } from '../http/input-check.js';

/*
 * Bulk imports (answer documents, reviews, reputation) read JSON lines. Every importer has the
 * same shape, so the admin API, its background jobs and `openstay import` drive any of them the
 * same way: lines stream in, each is checked, good lines are written in batches (one transaction
 * per batch), bad lines are counted and reported with their line number and never stop the
 * import. Memory stays bounded whatever the input: one batch of lines, plus the first
 * FAILURES_KEPT failures (every failure also goes to `onFailure` as it happens, for the CLI).
 */

/** How many failures an import keeps (and answers with); the rest are only counted. */
export const FAILURES_KEPT = 100;

/** Longest line read: a longer one is reported and skipped without being held in memory. */
export const MAX_LINE_BYTES = 2 * 1024 * 1024;

export interface ImportRecord {
  /** 1-based line number in the source, for error reports */
  line: number;
  value: unknown;
}

/** A line that was not imported, and why. */
export interface ImportFailure {
  line: number;
  error: string;
}

/** What the import reader yields: a parsed line, or a line that failed before any importer saw it. */
export type ImportItem = ImportRecord | ImportFailure;

export interface ImportResult {
  imported: number;
  failedCount: number;
  /** the first FAILURES_KEPT failures, by line */
  failed: ImportFailure[];
  /** the last line read (blank lines count) */
  linesRead: number;
}

export function isFailure(item: ImportItem): item is ImportFailure {
  return 'error' in item;
}

/** The failures of an import: all counted, the FAILURES_KEPT with the lowest line numbers kept. */
export class FailureLog {
  count = 0;
  readonly kept: ImportFailure[];

  constructor(initial?: { count: number; kept: ImportFailure[] }) {
    this.count = initial?.count ?? 0;
    this.kept = [...(initial?.kept ?? [])];
  }

  add(failure: ImportFailure): void {
    this.count++;
    const kept = this.kept;
    if (kept.length >= FAILURES_KEPT && failure.line >= kept[kept.length - 1].line) return;
    // Failures arrive nearly in line order (a batch's write failures after its read failures).
    let i = kept.length;
    while (i > 0 && kept[i - 1].line > failure.line) i--;
    kept.splice(i, 0, failure);
    if (kept.length > FAILURES_KEPT) kept.pop();
  }
}

const JSON_START = new Set(['{', '[', '"', '-', 't', 'f', 'n', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/**
 * One line of text as an import item, or undefined for a blank line. A line that cannot start a
 * JSON value is refused without trying (a junk file must not cost an exception per line); a value
 * no database could store (a NUL character, absurd nesting) is refused as the API refuses it.
 */
export function parseLine(line: number, raw: string): ImportItem | undefined {
  const text = raw.trim();
  if (!text) return undefined;
  if (!JSON_START.has(text[0])) return { line, error: 'not valid JSON' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { line, error: 'not valid JSON' };
  }
  const problem = inputProblem(value);
  return problem ? { line, error: problem } : { line, value };
}

/** The items of JSON-lines text already in memory (tests, small bodies), read lazily. */
export function* parseJsonLines(text: string): Generator<ImportItem> {
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let line = 1; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const item = parseLine(line, text.slice(start, end));
    if (item) yield item;
    start = end + 1;
  }
}
