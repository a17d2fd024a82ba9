import type { JobHandler } from '../../core/jobs/job-worker.js';
import { readJobInput } from '../../core/jobs/jobs.js';
import { IMPORTERS, isImportKind, type ImportKind } from './import-kinds.js';
import type { ImportResult } from './json-lines.js';
import { readJsonLines } from './line-reader.js';

/*
 * An import too large to answer in its request runs as a background job (kind "import"): the
 * body was stored in job_inputs, any worker of any instance reads it back chunk by chunk and runs
 * the importer with each batch's progress saved in the batch's own transaction. A run that dies
 * (or loses its lease) leaves the state of its last committed batch: the next run skips the lines
 * that state covers and continues, so nothing is imported twice and nothing committed is lost.
 */

export const IMPORT_JOB_KIND = 'import';

export interface ImportJobPayload {
  importKind: ImportKind;
  /** size of the stored body */
  bytes: number;
}

export const importJobHandler: JobHandler<ImportJobPayload, ImportResult> = {
  async run({ job, payload, progress, signal, db, saveProgress }) {
    if (!isImportKind(payload.importKind)) throw new Error(`unknown import kind "${payload.importKind}"`);
    const input = readJobInput(db, job.account_id, job.id);
    await IMPORTERS[payload.importKind](db, job.account_id, readJsonLines(input, { skipThrough: progress?.linesRead ?? 0 }), {
      resumeFrom: progress,
      checkpoint: saveProgress,
      signal,
    });
  },
};
