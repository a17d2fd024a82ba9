import { Type } from '@sinclair/typebox';
import { findJob, jobPayload, jobProgress } from '../../../core/jobs/jobs.js';
import { notFound } from '../../../core/shared/errors.js';
import { IMPORT_JOB_KIND, type ImportJobPayload } from '../../imports/import-job.js';
import type { ImportResult } from '../../imports/json-lines.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { errors, Instant, Nullable } from '../schemas.js';

/* GET /imports/jobs/{id}: how a background import (a body over 1 MiB, answered 202) is doing. */

export const ImportFailureSchema = Type.Object({
  line: Type.Integer({ description: '1-based line number' }),
  error: Type.String({ description: 'why the line was not imported' }),
});

export const ImportJobSchema = Type.Object({
  jobId: Type.Integer(),
  kind: Type.String({ description: 'reviews, reputation or answer-documents' }),
  status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')], {
    description: 'queued (also between attempts), running, succeeded, or failed once every attempt has failed',
  }),
  attempts: Type.Integer({ description: 'runs started so far' }),
  bytes: Type.Integer({ description: 'size of the stored body' }),
  progress: Type.Object({
    linesRead: Type.Integer({ description: 'last line handled' }),
    imported: Type.Integer(),
    failedCount: Type.Integer(),
  }),
  failed: Type.Array(ImportFailureSchema, { description: 'the first 100 lines not imported, by line number' }),
  error: Nullable(Type.String({ description: 'why the last attempt failed (the lines imported before stay imported)' })),
  createdAt: Instant,
  startedAt: Nullable(Instant),
  finishedAt: Nullable(Instant),
});

/** Where a job's status is read, below the server root. */
export const importJobPath = (jobId: number) => `/admin/v1/imports/jobs/${jobId}`;

/** Ids as the API issues them: decimal digits, no sign, padding or exponent. */
const JOB_ID = /^[1-9][0-9]{0,15}$/;

export function importJobRoutes(app: AdminApp, { db }: AdminDeps): void {
  app.get(
    '/imports/jobs/:id',
    {
      schema: {
        tags: ['imports'],
        summary: 'Status of a background import',
        description: 'Status, progress and the first 100 failed lines of an import answered 202. Jobs are kept 30 days after they end.',
        params: Type.Object({ id: Type.String({ description: 'the jobId' }) }),
        response: { 200: ImportJobSchema, ...errors(404) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const job = JOB_ID.test(id) ? await findJob(db, request.accountId, Number(id), IMPORT_JOB_KIND) : undefined;
      if (!job) throw notFound(`import job ${id}`);
      const payload = jobPayload<ImportJobPayload>(job);
      const progress = jobProgress<ImportResult>(job);
      return {
        jobId: job.id,
        kind: payload.importKind,
        status: job.status as 'queued' | 'running' | 'succeeded' | 'failed',
        attempts: job.attempts,
        bytes: payload.bytes,
        progress: { linesRead: progress?.linesRead ?? 0, imported: progress?.imported ?? 0, failedCount: progress?.failedCount ?? 0 },
        failed: progress?.failed ?? [],
        error: job.last_error,
        createdAt: job.created_at,
        startedAt: job.started_at,
        finishedAt: job.finished_at,
      };
    },
  );
}
