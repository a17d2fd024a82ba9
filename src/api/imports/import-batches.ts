import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Location } from '../../db/schema.js';
import { FailureLog, isFailure, type ImportFailure, type ImportItem, type ImportResult } from './json-lines.js';
import { RecordError, type RecordFields } from './record-fields.js';

/*
 * The loop every importer shares: read each line, collect good records, write them in batches of
 * one transaction each, and give the event loop a turn between batches so the server keeps
 * answering while a large import runs. A batch also closes after LINES_PER_BATCH lines however
 * few were good, so a file of junk is read in bounded steps too. A caller that must resume after
 * a crash (a background job) passes `checkpoint`: it runs inside each batch's transaction with
 * the state that commits with it, so every line is either in a committed batch and its state, or
 * read again; and `resumeFrom`, the state last committed.
 */

export const BATCH_SIZE = 500;
export const LINES_PER_BATCH = 10_000;
/**
 * A batch without a good record commits its progress at most this often: a junk file is 32
 * million failed lines, and a commit for each 10,000 of them costs more than reading them again
 * after a crash would.
 */
export const CHECKPOINT_EVERY_MS = 1000;
/** How much the imported count grows between two calls of a LineImporter's `grown`. */
const GROWTH_FACTOR = 4;
/** Lines parsed between two turns of the event loop while a batch is being written. */
const PARSE_TURN = 100;

/** What the records of an import may be: parsed lines one by one, or in arrays (readJsonLines). */
export type ImportSource = Iterable<ImportItem | ImportItem[]> | AsyncIterable<ImportItem | ImportItem[]>;

export interface ImportOptions {
  /** after each batch, with the state so far */
  onProgress?: (state: ImportResult) => void;
  /** each failure as it is found (the CLI prints every one) */
  onFailure?: (failure: ImportFailure) => void;
  /** the state a previous run committed: its lines are skipped, its counts continued */
  resumeFrom?: ImportResult;
  /** runs in each batch's transaction with the state that commits with the batch */
  checkpoint?: (trx: Db, state: ImportResult) => Promise<void>;
  /** checked between batches */
  signal?: AbortSignal;
  /** good records per write (default BATCH_SIZE) */
  batchSize?: number;
  /** runs in the transaction that records the end of the import (the contacts import's summary event) */
  finish?: (trx: Db) => Promise<void>;
}

export interface LineImporter<T> {
  /** turns one record into what `write` takes; throws (with a message for the report) when it cannot */
  read(value: unknown): T;
  /** writes good records inside `trx`; returns the lines it could not write (their changes undone) */
  write(trx: Db, items: Array<{ line: number; item: T }>): Promise<ImportFailure[]>;
  /**
   * Runs between batches (outside their transactions) after the first batch that imported
   * something and then each time the count of imported lines has grown fourfold: refreshes the
   * planner statistics of the tables the import grows (db/planner-statistics.ts).
   */
  grown?(db: Db): Promise<void>;
}

export function messageOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 300 ? `${message.slice(0, 297)}...` : message;
}

/** Runs `work` under a savepoint of `trx`: a failure undoes only what it did, then rethrows. */
export async function underSavepoint<T>(trx: Db, name: string, work: () => Promise<T>): Promise<T> {
  await sql.raw(`savepoint ${name}`).execute(trx);
  try {
    const result = await work();
    await sql.raw(`release savepoint ${name}`).execute(trx);
    return result;
  } catch (err) {
    await sql.raw(`rollback to savepoint ${name}`).execute(trx);
    await sql.raw(`release savepoint ${name}`).execute(trx);
    throw err;
  }
}

/**
 * A `write` for importers that store many records in one statement: the whole batch at once, and
 * when the database refuses it, line by line (each under its own savepoint), so one bad row costs
 * its own line and never the other 499.
 */
export function allOrLineByLine<T>(writeMany: (trx: Db, items: T[]) => Promise<void>): LineImporter<T>['write'] {
  return async (trx, items) => {
    try {
      await underSavepoint(trx, 'import_batch', () =>
        writeMany(
          trx,
          items.map((i) => i.item),
        ),
      );
      return [];
    } catch {
      const failed: ImportFailure[] = [];
      for (const { line, item } of items) {
        try {
          await underSavepoint(trx, 'import_line', () => writeMany(trx, [item]));
        } catch (err) {
          failed.push({ line, error: `could not be stored: ${messageOf(err)}` });
        }
      }
      return failed;
    }
  };
}

/**
 * Runs an import (see the file comment). Takes a database, not a transaction: it opens one per
 * batch. The next batch is read and parsed while the one before it is written (on PostgreSQL the
 * write mostly waits on the server): at most one batch is being written at a time, in file order,
 * and a batch's failures (lines that did not parse, records the database refused) join the counts
 * in the transaction of that batch, so a checkpoint never counts a line it does not cover.
 */
export async function runImport<T>(db: Db, records: ImportSource, importer: LineImporter<T>, opts: ImportOptions = {}): Promise<ImportResult> {
  const resume = opts.resumeFrom;
  const failures = new FailureLog(resume ? { count: resume.failedCount, kept: resume.failed } : undefined);
  const skipThrough = resume?.linesRead ?? 0;
  const batchSize = opts.batchSize ?? BATCH_SIZE;
  let imported = resume?.imported ?? 0;
  let linesRead = skipThrough;
  let lastLine = skipThrough;
  let linesInBatch = 0;
  let pending: Array<{ line: number; item: T }> = [];
  let pendingFailures: ImportFailure[] = [];

  const state = (): ImportResult => ({ imported, failedCount: failures.count, failed: [...failures.kept], linesRead });
  const fail = (failure: ImportFailure) => {
    failures.add(failure);
    opts.onFailure?.(failure);
  };

  const importedAtStart = imported;
  /** lines imported by this run after which `grown` runs next */
  let refreshAt = 1;
  let committedLine = skipThrough;
  let committedAt = Date.now();
  /** The batch being written, if any (its rejection is seen by the next flush or the end). */
  let writing: Promise<void> = Promise.resolve();

  const writeBatch = async (batch: typeof pending, parseFailures: ImportFailure[], throughLine: number, final: boolean) => {
    const checkpointDue = opts.checkpoint && throughLine > committedLine && (final || Date.now() - committedAt >= CHECKPOINT_EVERY_MS);
    if (batch.length || checkpointDue) {
      await db.transaction().execute(async (trx) => {
        const failed = batch.length ? await importer.write(trx, batch) : [];
        imported += batch.length - failed.length;
        for (const f of [...parseFailures, ...failed].sort((a, b) => a.line - b.line)) fail(f);
        linesRead = throughLine;
        await opts.checkpoint?.(trx, state());
      });
      committedLine = throughLine;
      committedAt = Date.now();
      if (importer.grown && imported - importedAtStart >= refreshAt) {
        await importer.grown(db);
        refreshAt = Math.max(1, imported - importedAtStart) * GROWTH_FACTOR;
      }
    } else for (const f of parseFailures) fail(f);
    linesRead = throughLine;
    opts.onProgress?.(state());
  };

  /** Hands the batch read so far to the writer, once the batch before it is written. */
  const flush = async (final: boolean) => {
    const batch = pending;
    const parseFailures = pendingFailures;
    const throughLine = lastLine;
    pending = [];
    pendingFailures = [];
    linesInBatch = 0;
    const previous = writing;
    await previous;
    opts.signal?.throwIfAborted();
    writing = writeBatch(batch, parseFailures, throughLine, final);
    // Marked as handled here; awaited (and so thrown) by the next flush or at the end.
    writing.catch(() => undefined);
    if (final) await writing;
    else await nextTurn();
  };

  /** Takes one item; true when the batch is full and must be written. */
  const take = (item: ImportItem): boolean => {
    if (item.line <= skipThrough) return false;
    lastLine = item.line;
    linesInBatch++;
    if (isFailure(item)) pendingFailures.push(item);
    else {
      try {
        pending.push({ line: item.line, item: importer.read(item.value) });
      } catch (err) {
        pendingFailures.push({ line: item.line, error: messageOf(err) });
      }
    }
    return pending.length >= batchSize || linesInBatch >= LINES_PER_BATCH;
  };

  // Parsing runs while a batch is written: a turn of the event loop every PARSE_TURN lines lets
  // the write's answers from the database in, instead of waiting for a whole chunk of lines.
  let sinceTurn = 0;
  const next = async (item: ImportItem) => {
    if (take(item)) await flush(false);
    else if (++sinceTurn >= PARSE_TURN) {
      sinceTurn = 0;
      await nextTurn();
    }
  };
  try {
    for await (const entry of records) {
      if (!Array.isArray(entry)) {
        await next(entry);
        continue;
      }
      for (const item of entry) await next(item);
    }
    await flush(true);
  } finally {
    // A read error (or an abort) leaves no write running unseen.
    await writing.catch(() => undefined);
  }
  await writing;
  return state();
}

/**
 * The account's units by the ids the Loopon face answers to: a unit's own key, and the Loopon id
 * it kept from the product the hotel left (which wins: it is the id the face shows).
 */
export function unitsByLooponId(locations: Location[]): Map<number, Location> {
  const byId = new Map(locations.map((l) => [l.id, l]));
  for (const l of locations) if (l.loopon_id !== null) byId.set(l.loopon_id, l);
  return byId;
}

/**
 * Finds the unit a record names by `unitId` (as the Loopon face shows it) or `propertyCode` among
 * the account's locations: a property or a competitor, never a chain (reviews and reputation
 * belong to one property).
 */
export function unitFinder(locations: Location[]): (fields: RecordFields) => Location {
  const byId = unitsByLooponId(locations);
  const byCode = new Map<string, Location[]>();
  for (const l of locations) {
    if (l.property_code === null || l.kind === 'chain') continue;
    byCode.set(l.property_code, [...(byCode.get(l.property_code) ?? []), l]);
  }
  return (fields) => {
    const id = fields.number('unitId', { integer: true, min: 1 });
    const code = fields.text('propertyCode', { max: 100 });
    if (id === null && code === null) throw new RecordError('unitId or propertyCode is required');
    let unit: Location | undefined;
    if (id !== null) {
      unit = byId.get(id);
      if (!unit) throw new RecordError(`unit ${id} does not exist`);
      if (code !== null && unit.property_code !== code) throw new RecordError(`unit ${id} does not have propertyCode "${code}"`);
    } else {
      const matches = byCode.get(code!) ?? [];
      if (matches.length === 0) throw new RecordError(`no unit has propertyCode "${code}"`);
      if (matches.length > 1) throw new RecordError(`several units have propertyCode "${code}"; give unitId`);
      unit = matches[0];
    }
    if (unit.kind === 'chain') throw new RecordError(`unit ${unit.loopon_id ?? unit.id} is a chain; give one of its properties`);
    return unit;
  };
}
