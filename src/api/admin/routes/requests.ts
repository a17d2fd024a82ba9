import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { locationScope, seesLocation } from '../permissions.js';
import { changeLoop, LOOP_STATES, type LoopWithActivities } from '../../../core/requests/loop-changes.js';
import { findLoop, listLoops } from '../../../core/requests/loops.js';
import { notFound } from '../../../core/shared/errors.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { Id, IdParams, errors } from '../schemas.js';
import { adminWrite } from '../write-context.js';
import { presentRequest, RequestSchema } from './requests-present.js';

const tags = ['requests'];

const StateSchema = Type.Union(
  LOOP_STATES.map((s) => Type.Literal(s)),
  { description: 'open or closed' },
);
const RequestPatch = Type.Object(
  {
    state: Type.Optional(StateSchema),
    viewed: Type.Optional(Type.Literal(true, { description: 'staff viewed it: it is no longer unread' })),
  },
  { additionalProperties: false },
);
const MessageBody = Type.Object(
  {
    message: Type.String({ minLength: 1, maxLength: 4000 }),
    authorName: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'the staff member shown as its author' })),
  },
  { additionalProperties: false },
);

/**
 * Guest requests (Loop's "loops") for staff: list, read, close or reopen, write a message, mark
 * viewed. Each change is a request.updated domain event (webhooks) and goes to the account's staff
 * realtime sockets once committed.
 */
export async function requestRoutes(app: AdminApp, { db, realtime }: AdminDeps): Promise<void> {
  const published = (accountId: number, { request, changed }: { request: LoopWithActivities; changed: boolean }) => {
    if (changed) realtime.hub.publish({ kind: 'request', accountId, change: 'updated', request });
    return presentRequest(request);
  };

  /** The request, when the caller's locations include its location (else a 404, as for another account's). */
  const visibleRequest = async (request: FastifyRequest, id: number) => {
    const found = await findLoop(db, request.accountId, id);
    if (!found || !seesLocation(request, found.location_id)) throw notFound(`request ${id}`);
    return found;
  };

  app.get(
    '/requests',
    {
      schema: {
        tags,
        summary: 'List guest requests',
        description: 'Newest first. `before` pages: pass the last id of the previous page. A staff member sees only the requests of their locations.',
        querystring: Type.Object({
          state: Type.Optional(StateSchema),
          guestId: Type.Optional(Id),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          before: Type.Optional(Id),
        }),
        response: { 200: Type.Object({ requests: Type.Array(RequestSchema) }), ...errors(400) },
      },
    },
    async (request) => {
      const { state, guestId, limit, before } = request.query;
      const scope = locationScope(request);
      const locationIds = scope === 'all' ? undefined : scope;
      return { requests: (await listLoops(db, request.accountId, { state, guestId, limit, before, locationIds })).map(presentRequest) };
    },
  );

  app.get(
    '/requests/:id',
    { schema: { tags, summary: 'Get a guest request with its activities', params: IdParams, response: { 200: RequestSchema, ...errors(400, 404) } } },
    async (request) => presentRequest(await visibleRequest(request, request.params.id)),
  );

  app.patch(
    '/requests/:id',
    {
      schema: {
        tags,
        summary: 'Close, reopen or mark a guest request viewed',
        description: 'A close or reopen is recorded as an activity. Sending the state it already has changes nothing but is not an error.',
        params: IdParams,
        body: RequestPatch,
        response: { 200: RequestSchema, ...errors(400, 404, 413) },
      },
    },
    async (request) => {
      const { state, viewed } = request.body;
      await visibleRequest(request, request.params.id);
      const changed = await inWriteTransaction(db, (trx) => changeLoop(adminWrite(request, trx), request.params.id, { state, viewed }));
      return published(request.accountId, changed);
    },
  );

  app.post(
    '/requests/:id/messages',
    {
      schema: {
        tags,
        summary: 'Write a staff message on a guest request',
        description: "With a staff session, authorName defaults to the staff member's name.",
        params: IdParams,
        body: MessageBody,
        response: { 201: RequestSchema, ...errors(400, 404, 413) },
      },
    },
    async (request, reply) => {
      const { message, authorName } = request.body;
      await visibleRequest(request, request.params.id);
      const changed = await inWriteTransaction(db, (trx) =>
        changeLoop(adminWrite(request, trx), request.params.id, {
          message: { text: message, personName: authorName ?? request.staff?.name ?? request.staff?.email ?? null, personKind: 'employee' },
        }),
      );
      return reply.status(201).send(published(request.accountId, changed));
    },
  );
}
