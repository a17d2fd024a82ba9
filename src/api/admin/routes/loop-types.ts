import { createLoopType, deleteLoopType, listLoopTypes } from '../../../core/locations/loop-types.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { readI18n } from '../input.js';
import { presentLoopType } from '../presenters.js';
import { IdParams, LoopTypeCreate, LoopTypeListSchema, LoopTypeSchema, NoContent, errors } from '../schemas.js';

const tags = ['loop types'];

/** Loop types (housekeeping, maintenance...) that guest requests are filed under. */
export async function loopTypeRoutes(app: AdminApp, { db }: AdminDeps): Promise<void> {
  app.get('/loop-types', { schema: { tags, summary: 'List loop types', response: { 200: LoopTypeListSchema, ...errors() } } }, async (request) => ({
    loopTypes: (await listLoopTypes(db, request.accountId)).map(presentLoopType),
  }));

  app.post(
    '/loop-types',
    { schema: { tags, summary: 'Create a loop type', body: LoopTypeCreate, response: { 201: LoopTypeSchema, ...errors(400, 409, 413) } } },
    async (request, reply) => {
      const { shortcode, title } = request.body;
      const loopType = await createLoopType(db, request.accountId, shortcode, readI18n(title, 'title'));
      return reply.status(201).send(presentLoopType(loopType));
    },
  );

  app.delete(
    '/loop-types/:id',
    {
      schema: {
        tags,
        summary: 'Delete a loop type',
        description: 'Loops filed under it are kept, without a type.',
        params: IdParams,
        response: { 204: NoContent, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      await deleteLoopType(db, request.accountId, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
