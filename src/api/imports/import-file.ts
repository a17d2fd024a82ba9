import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { clearImportCheckpoint, loadImportCheckpoint, saveImportCheckpoint, type CheckpointKey } from '../../core/jobs/import-checkpoints.js';
import type { Db } from '../../db/database.js';
import { readCsvRecords } from './csv-records.js';
import type { ImportOptions, ImportSource } from './import-batches.js';
import type { Importer } from './import-kinds.js';
import type { ImportResult } from './json-lines.js';
import { readJsonLines } from './line-reader.js';

/*
 * A file import from the CLI, resumable: the file is known by its size and SHA-256 (read once,
 * with its lines counted for the progress bar), each batch commits the import's state under
 * (account, kind, file) in its own transaction (core/jobs/import-checkpoints.ts), and a run that
 * finds a state for the same file continues after the last committed line. Killed at any moment
 * (kill -9 too), a second run ends in the state one uninterrupted run would have left.
 */

export const IMPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** The format a file is read in: the one named, else by its extension (.csv; anything else is JSON lines). */
export function formatOf(file: string, named?: string): ImportFormat | undefined {
  if (named !== undefined) return (IMPORT_FORMATS as readonly string[]).includes(named) ? (named as ImportFormat) : undefined;
  return path.extname(file).toLowerCase() === '.csv' ? 'csv' : 'jsonl';
}

/** The file's identity (size and content hash) and its number of lines, in one read. */
export async function fileIdentity(file: string): Promise<{ key: string; lines: number }> {
  const hash = createHash('sha256');
  let size = 0;
  let lines = 0;
  let trailing = false;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    if (chunk.length) trailing = chunk[chunk.length - 1] !== 10;
  }
  return { key: `${size}:sha256:${hash.digest('hex')}`, lines: lines + (trailing ? 1 : 0) };
}

/** The records of a file in its format, from the line after `skipThrough`. */
export function readRecordsFile(file: string, format: ImportFormat, skipThrough = 0): ImportSource {
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  return format === 'csv' ? readCsvRecords(stream, { skipThrough }) : readJsonLines(stream, { skipThrough });
}

export interface FileImport {
  result: ImportResult;
  /** the last line an interrupted run had committed, when this run continued it */
  resumedAfter?: number;
}

/** Imports `file` with `importer`, continuing an interrupted import of the same file. */
export async function importFile(
  db: Db,
  accountId: number,
  kind: string,
  importer: Importer,
  file: string,
  opts: { format: ImportFormat; identity?: { key: string }; onStart?: (resumedAfter: number) => void } & Pick<ImportOptions, 'onProgress' | 'onFailure'>,
): Promise<FileImport> {
  const identity = opts.identity ?? (await fileIdentity(file));
  const key: CheckpointKey = { accountId, kind, fileKey: `${opts.format}:${identity.key}` };
  const saved = await loadImportCheckpoint<ImportResult>(db, key);
  const resumeFrom = saved?.state;
  opts.onStart?.(resumeFrom?.linesRead ?? 0);
  const result = await importer(db, accountId, readRecordsFile(file, opts.format, resumeFrom?.linesRead ?? 0), {
    ...(resumeFrom ? { resumeFrom } : {}),
    checkpoint: (trx, state) => saveImportCheckpoint(trx, key, state),
    finish: (trx) => clearImportCheckpoint(trx, key),
    onProgress: opts.onProgress,
    onFailure: opts.onFailure,
  });
  // Importers without a summary event of their own do not call `finish`.
  await clearImportCheckpoint(db, key);
  return { result, ...(resumeFrom ? { resumedAfter: resumeFrom.linesRead } : {}) };
}
