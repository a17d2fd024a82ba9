import type { Static } from '@sinclair/typebox';
import { setLocationDefaultEvaluation } from '../../../core/feedback/default-evaluation.js';
import { createLocation, deleteLocation, getLocation, listLocations, updateLocation, type LocationInput } from '../../../core/locations/locations.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { readI18n } from '../input.js';
import { presentLocation } from '../presenters.js';
import { IdParams, LocationCreate, LocationListSchema, LocationPatch, LocationSchema, NoContent, errors } from '../schemas.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';

const tags = ['locations'];

function readLocation(body: Static<typeof LocationPatch>): LocationInput {
  // defaultEvaluationId is not a LocationInput field: the routes set it with setLocationDefaultEvaluation
  const { title, defaultEvaluationId: _default, ...rest } = body;
  const input: LocationInput = { ...rest };
  if (title !== undefined) input.title = readI18n(title, 'title');
  return input;
}

/** Locations (hotels, restaurants, ships) and chains that group them. */
export async function locationRoutes(app: AdminApp, { db }: AdminDeps): Promise<void> {
  app.get('/locations', { schema: { tags, summary: 'List locations and chains', response: { 200: LocationListSchema, ...errors() } } }, async (request) => ({
    locations: (await listLocations(db, request.accountId)).map(presentLocation),
  }));

  app.post(
    '/locations',
    {
      schema: {
        tags,
        summary: 'Create a location or a chain',
        body: LocationCreate,
        response: { 201: LocationSchema, ...errors(400, 409, 413) },
      },
    },
    async (request, reply) => {
      const accountId = request.accountId;
      const body = request.body;
      const location = await inWriteTransaction(db, async (trx) => {
        const created = await createLocation(trx, accountId, readLocation(body));
        if (body.defaultEvaluationId === undefined || body.defaultEvaluationId === null) return created;
        await setLocationDefaultEvaluation(trx, accountId, created.id, body.defaultEvaluationId);
        return getLocation(trx, accountId, created.id);
      });
      return reply.status(201).send(presentLocation(location));
    },
  );

  app.get(
    '/locations/:id',
    { schema: { tags, summary: 'Get a location', params: IdParams, response: { 200: LocationSchema, ...errors(400, 404) } } },
    async (request) => presentLocation(await getLocation(db, request.accountId, request.params.id)),
  );

  app.patch(
    '/locations/:id',
    {
      schema: {
        tags,
        summary: 'Change a location',
        description: 'Only the fields sent change; null clears a field.',
        params: IdParams,
        body: LocationPatch,
        response: { 200: LocationSchema, ...errors(400, 404, 409, 413) },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const { id } = request.params;
      const body = request.body;
      const location = await inWriteTransaction(db, async (trx) => {
        await updateLocation(trx, accountId, id, readLocation(body));
        if (body.defaultEvaluationId !== undefined) await setLocationDefaultEvaluation(trx, accountId, id, body.defaultEvaluationId);
        return getLocation(trx, accountId, id);
      });
      return presentLocation(location);
    },
  );

  app.delete(
    '/locations/:id',
    {
      schema: {
        tags,
        summary: 'Delete a location',
        description: 'A location that holds loops or survey responses is kept (409); locations it contains are kept, without a parent.',
        params: IdParams,
        response: { 204: NoContent, ...errors(400, 404, 409) },
      },
    },
    async (request, reply) => {
      await deleteLocation(db, request.accountId, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
