import { Type } from '@sinclair/typebox';
import { badRequest } from '../../../core/shared/errors.js';
import { validatorCompiler } from '../../http/validator.js';
import { importConfig } from '../../imports/import-config.js';
import { readJsonLines } from '../../imports/line-reader.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { errors } from '../schemas.js';
import { ImportFailureSchema } from './import-jobs.js';
import { IMPORT_BODY_LIMIT, jsonLinesImportRoute, uploadOf } from './import-json-lines.js';

const Counts = {
  create: Type.Integer({ description: 'lines that create an object' }),
  update: Type.Integer({ description: 'lines that change an object (or give it its former ids)' }),
  unchanged: Type.Integer({ description: 'lines that change nothing' }),
  failed: Type.Array(ImportFailureSchema, { description: 'the first 100 lines not imported, by line number, with the reason' }),
};

/**
 * POST /imports/config: the configuration of the product a hotel leaves, with its ids (docs/import.md,
 * "Configuration"). Always imported while the client waits (a configuration is small; the body is
 * streamed through, never held): a later line may name an earlier one, so lines go in file order.
 */
export function configImportRoute(app: AdminApp, { db }: AdminDeps): void {
  app.post(
    '/imports/config',
    {
      schema: {
        tags: ['imports'],
        summary: 'Import a configuration with its former ids (chains, locations, competitive sets, loop types, custom fields, surveys, employees)',
        description:
          'Body: JSON lines, one object each with a kind and its former ids {loop, loopon}; at most 64 MiB. Idempotent: a line imported ' +
          'before changes nothing. Each line is written whole or not at all. dryRun=true checks and counts without writing.',
        consumes: ['application/x-ndjson', 'text/plain'],
        querystring: Type.Object({ dryRun: Type.Optional(Type.Boolean({ description: 'answer what the import would do; write nothing' })) }),
        body: Type.String({ description: 'JSON lines' }),
        response: {
          200: Type.Union([
            Type.Object({ imported: Type.Integer(), failedCount: Type.Integer(), ...Counts }),
            Type.Object(Counts, { description: 'a dry run' }),
          ]),
          ...errors(400, 413),
        },
      },
      validatorCompiler: (req) => (req.httpPart === 'body' ? () => true : validatorCompiler(req)),
    },
    async (request) => {
      const body = request.importBody;
      if (!body) throw badRequest('send the import as JSON lines: Content-Type application/x-ndjson or text/plain');
      if (Number(request.headers['content-length']) > IMPORT_BODY_LIMIT) throw badRequest('an import body may be at most 64 MiB');
      const dryRun = request.query.dryRun === true;
      const result = await importConfig(db, request.accountId, readJsonLines(limited(uploadOf(body))), { dryRun });
      if (dryRun) return { create: result.create, update: result.update, unchanged: result.unchanged, failed: result.failed };
      const { create, update, unchanged, imported, failedCount, failed } = result;
      return { imported, failedCount, failed, create, update, unchanged };
    },
  );
}

/** The body's chunks, at most IMPORT_BODY_LIMIT bytes. */
async function* limited(body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (bytes > IMPORT_BODY_LIMIT) throw badRequest('an import body may be at most 64 MiB');
    yield chunk;
  }
}

/** POST /imports/contacts: guest history with keys, former ids and past stays (docs/import.md, "Contacts"). */
export function contactImportRoute(app: AdminApp, deps: AdminDeps): void {
  jsonLinesImportRoute(app, deps, {
    kind: 'contacts',
    path: '/imports/contacts',
    summary: 'Import contacts (guest history)',
    description:
      'One guest per line with its external keys (foreignId, keys), its former Loop id (ids.loop) and past stays; through identity ' +
      'resolution, so the same person is one guest. Each line is written whole or not at all; importing again updates.',
  });
}
