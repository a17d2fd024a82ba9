import { Type } from '@sinclair/typebox';
import type { ImportSource } from '../../imports/import-batches.js';
import { parseJsonLines, type ImportProgress, type ImportResult } from '../../imports/json-lines.js';
import type { Db } from '../../../db/database.js';
import type { AdminApp } from '../context.js';
import { errors } from '../schemas.js';

/*
 * What every bulk import of the admin API shares: a JSON-lines body (application/x-ndjson or
 * text/plain), a generous body limit, and the {imported, failed} answer. Lines are checked one by
 * one; a bad line is reported with its number and never fails the request.
 */

/** Content types read as JSON lines; text/plain is Fastify's own string parser. */
export const JSON_LINES_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/x-jsonlines'];

/** Largest import body (64 MiB); `openstay import` streams files of any size. */
export const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

export const ImportResultSchema = Type.Object({
  imported: Type.Integer({ description: 'lines written' }),
  failed: Type.Array(Type.Object({ line: Type.Integer({ description: '1-based line number' }), message: Type.String() }), {
    description: 'lines not imported, with the reason',
  }),
});

/** Any importer with the shared contract of src/api/imports/json-lines.ts. */
export type JsonLinesImporter = (db: Db, accountId: number, records: ImportSource, onProgress?: ImportProgress) => Promise<ImportResult>;

/** Lets the admin scope read JSON-lines bodies as text; safe to call from several route files. */
export function acceptJsonLines(app: AdminApp): void {
  for (const type of JSON_LINES_TYPES) {
    if (!app.hasContentTypeParser(type)) app.addContentTypeParser(type, { parseAs: 'string' }, (_request, body, done) => done(null, body));
  }
}

/** Registers POST `path` running `importer` over the body's lines; answers 200 {imported, failed}. */
export function jsonLinesImportRoute(app: AdminApp, db: Db, opts: { path: string; summary: string; description: string; importer: JsonLinesImporter }): void {
  acceptJsonLines(app);
  app.post(
    opts.path,
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['imports'],
        summary: opts.summary,
        description: `${opts.description} Body: JSON lines (one JSON object per line) as application/x-ndjson or text/plain. Record formats: docs/import.md.`,
        consumes: ['application/x-ndjson', 'text/plain'],
        body: Type.String({ description: 'JSON lines' }),
        response: { 200: ImportResultSchema, ...errors(400, 413) },
      },
    },
    async (request) => opts.importer(db, request.accountId, parseJsonLines(request.body as string)),
  );
}
