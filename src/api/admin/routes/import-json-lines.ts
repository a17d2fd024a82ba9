import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { appendJobInput, createJob, deleteJob, queueJob } from '../../../core/jobs/jobs.js';
import { AppError, badRequest } from '../../../core/shared/errors.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import { validatorCompiler } from '../../http/validator.js';
import { IMPORT_JOB_KIND, type ImportJobPayload } from '../../imports/import-job.js';
import { IMPORTERS, type ImportKind } from '../../imports/import-kinds.js';
import { readJsonLines } from '../../imports/line-reader.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { errors } from '../schemas.js';
import { ImportFailureSchema, importJobPath } from './import-jobs.js';

/*
 * What every bulk import of the admin API shares: a JSON-lines body (application/x-ndjson or
 * text/plain) read as a stream, never as one string. Up to SYNC_IMPORT_BYTES it is imported while
 * the client waits: 200 {imported, failedCount, failed}. A larger body (up to IMPORT_BODY_LIMIT)
 * is streamed into the database in chunks and imported by a background job: 202 with the job's
 * status URL. Either way a bad line is reported with its number and never fails the request.
 */

/** Content types read as JSON lines, with text/plain. */
export const JSON_LINES_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/x-jsonlines', 'text/plain'];

/** Largest import body (64 MiB); `openstay import` streams files of any size. */
export const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

/** Largest body imported within its request; a larger one becomes a job. */
export const SYNC_IMPORT_BYTES = 1024 * 1024;

/** Size of the chunks a job's body is stored in. */
const STORED_CHUNK_BYTES = 1024 * 1024;

export const ImportResultSchema = Type.Object({
  imported: Type.Integer({ description: 'lines written' }),
  failedCount: Type.Integer({ description: 'lines not imported' }),
  failed: Type.Array(ImportFailureSchema, { description: 'the first 100 lines not imported, by line number, with the reason' }),
});

export const ImportAcceptedSchema = Type.Object(
  {
    jobId: Type.Integer(),
    status: Type.Literal('queued'),
    statusUrl: Type.String({ description: 'GET it (admin token) for the progress and the first failures; also the Location header' }),
  },
  { description: 'a body over 1 MiB: stored, imported in the background by any instance' },
);

declare module 'fastify' {
  interface FastifyRequest {
    /** the raw body of an import request, read by the handler as a stream */
    importBody?: Readable;
  }
}

const tooLarge = () =>
  new AppError('payload_too_large', 413, `an import body may be at most ${IMPORT_BODY_LIMIT} bytes (64 MiB); use \`openstay import\` for larger files`);

/**
 * Hands import bodies to the handler as streams. Call on the (encapsulated) scope of the import
 * routes only: it replaces the text/plain parser there.
 */
export function streamJsonLinesBodies(app: AdminApp): void {
  for (const type of JSON_LINES_TYPES) {
    if (app.hasContentTypeParser(type)) app.removeContentTypeParser(type);
    app.addContentTypeParser(type, (request, payload, done) => {
      request.importBody = payload as Readable;
      done(null, undefined);
    });
  }
}

/** The body's chunks; a client that breaks off its upload is a 400 (nothing is kept), not a 500. */
export async function* uploadOf(body: Readable): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of body) yield chunk as Buffer;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error).message === 'aborted') {
      throw badRequest('the upload was interrupted before the body was complete; nothing was imported from it');
    }
    throw err;
  }
}

interface RouteOptions {
  kind: ImportKind;
  path: string;
  summary: string;
  description: string;
}

/** Registers POST `path` importing the body's lines: 200 with the result, or 202 with a job. */
export function jsonLinesImportRoute(app: AdminApp, deps: AdminDeps, opts: RouteOptions): void {
  const { db } = deps;
  app.post(
    opts.path,
    {
      schema: {
        tags: ['imports'],
        summary: opts.summary,
        description:
          `${opts.description} Body: JSON lines (one JSON object per line) as application/x-ndjson or text/plain, at most 64 MiB. ` +
          'Up to 1 MiB the import runs while you wait (200); a larger body is stored and imported in the background (202, then GET the statusUrl). ' +
          'Record formats: docs/import.md.',
        consumes: ['application/x-ndjson', 'text/plain'],
        body: Type.String({ description: 'JSON lines' }),
        response: { 200: ImportResultSchema, 202: ImportAcceptedSchema, ...errors(400, 413) },
      },
      // The body is a stream read by the handler, documented above but not validated as a string.
      validatorCompiler: (req) => (req.httpPart === 'body' ? () => true : validatorCompiler(req)),
    },
    async (request, reply) => {
      const body = request.importBody;
      if (!body) throw badRequest('send the import as JSON lines: Content-Type application/x-ndjson or text/plain');
      if (Number(request.headers['content-length']) > IMPORT_BODY_LIMIT) {
        reply.header('connection', 'close');
        throw tooLarge();
      }
      const chunks = uploadOf(body);
      const head: Buffer[] = [];
      let bytes = 0;
      for (;;) {
        const next = await chunks.next();
        if (next.done) {
          const result = await IMPORTERS[opts.kind](db, request.accountId, readJsonLines(head));
          return reply.status(200).send(result);
        }
        head.push(next.value);
        bytes += next.value.length;
        if (bytes > SYNC_IMPORT_BYTES) break;
      }
      const jobId = await storeAsJob(deps, request.accountId, opts.kind, head, chunks, () => reply.header('connection', 'close'));
      deps.onJobQueued?.();
      const path = importJobPath(jobId);
      return reply
        .status(202)
        .header('location', path)
        .send({ jobId, status: 'queued', statusUrl: `${deps.config.publicUrl}${path}` });
    },
  );
}

/**
 * Streams the rest of a large body into a draft job, chunk by chunk (the stream is paused while
 * each chunk is written), then queues the job. A body over the limit or a broken upload deletes
 * the draft: a job is queued only with its whole input.
 */
async function storeAsJob(
  deps: AdminDeps,
  accountId: number,
  kind: ImportKind,
  head: Buffer[],
  rest: AsyncIterator<Buffer>,
  closing: () => void,
): Promise<number> {
  const { db } = deps;
  const payload: ImportJobPayload = { importKind: kind, bytes: 0 };
  const jobId = await inWriteTransaction(db, (trx) => createJob(trx, accountId, { kind: IMPORT_JOB_KIND, payload, draft: true }));
  try {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let seq = 0;
    const store = async () => {
      const data = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      const at = seq++;
      await inWriteTransaction(db, (trx) => appendJobInput(trx, accountId, jobId, at, data));
    };
    const take = async (chunk: Buffer) => {
      payload.bytes += chunk.length;
      if (payload.bytes > IMPORT_BODY_LIMIT) {
        closing();
        throw tooLarge();
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= STORED_CHUNK_BYTES) await store();
    };
    for (const chunk of head) await take(chunk);
    head.length = 0;
    for (;;) {
      const next = await rest.next();
      if (next.done) break;
      await take(next.value);
    }
    if (pendingBytes) await store();
    await inWriteTransaction(db, (trx) => queueJob(trx, accountId, jobId, { payload }));
    return jobId;
  } catch (err) {
    await inWriteTransaction(db, (trx) => deleteJob(trx, accountId, jobId)).catch(() => undefined);
    throw err;
  }
}
