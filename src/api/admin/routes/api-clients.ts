import { Type } from '@sinclair/typebox';
import { createOauthClient, describeOauthClient, listOauthClients, revokeOauthClient } from '../../../core/accounts/oauth.js';
import { notFound } from '../../../core/shared/errors.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { NoContent, errors } from '../schemas.js';

const tags = ['API clients'];

const clientCreate = (scopes: readonly string[]) =>
  Type.Object(
    {
      name: Type.Optional(Type.String({ maxLength: 200 })),
      scopes: Type.Array(Type.String(), { minItems: 1, maxItems: 20, description: `of: ${scopes.join(', ')}` }),
      unitIds: Type.Optional(
        Type.Union([Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 10000 }), Type.Null()], {
          description: 'units (and the units of chains) the client may use; absent or null: all',
        }),
      ),
    },
    { additionalProperties: false },
  );

export const ClientSchema = Type.Object({
  clientId: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  scopes: Type.Array(Type.String()),
  unitIds: Type.Union([Type.Array(Type.Integer()), Type.Null()]),
  created: Type.String(),
  revoked: Type.Union([Type.String(), Type.Null()]),
  face: Type.String({ description: 'the API the client is for: loopon (made here) or prio (the Contacts API, made by the CLI)' }),
});
export const ClientListSchema = Type.Object({ clients: Type.Array(ClientSchema) });

export const CreatedClientSchema = Type.Intersect([
  ClientSchema,
  Type.Object({ clientSecret: Type.String({ description: 'shown once; only its hash is stored' }), tokenUrl: Type.String() }),
]);

/** OAuth API clients of the Loopon face (client credentials grant): list, register, revoke. */
export async function apiClientRoutes(app: AdminApp, { db, apiClients }: AdminDeps): Promise<void> {
  const ClientCreate = clientCreate(apiClients.scopes);
  app.get('/clients', { schema: { tags, summary: 'List API clients', response: { 200: ClientListSchema, ...errors() } } }, async (request) => ({
    clients: (await listOauthClients(db, request.accountId)).map(describeOauthClient),
  }));

  app.post(
    '/clients',
    {
      schema: {
        tags,
        summary: 'Register an API client',
        description: 'Returns the client secret once; only its hash is stored.',
        body: ClientCreate,
        response: { 201: CreatedClientSchema, ...errors(400, 413) },
      },
    },
    async (request, reply) => {
      const { name, scopes, unitIds } = request.body;
      const { client, clientSecret } = await inWriteTransaction(db, (trx) =>
        createOauthClient(trx, request.accountId, { name: name?.trim() || null, scopes, unitIds: unitIds ?? null }, apiClients.scopes),
      );
      return reply.status(201).send({ ...describeOauthClient(client), clientSecret, tokenUrl: apiClients.tokenUrl });
    },
  );

  app.delete(
    '/clients/:clientId',
    {
      schema: {
        tags,
        summary: 'Revoke an API client',
        description: 'The client can no longer obtain tokens, and every token it holds stops working at once (401).',
        params: Type.Object({ clientId: Type.String({ maxLength: 200 }) }),
        response: { 204: NoContent, ...errors(404) },
      },
    },
    async (request, reply) => {
      const revoked = await inWriteTransaction(db, (trx) => revokeOauthClient(trx, request.accountId, request.params.clientId));
      if (!revoked) throw notFound(`API client "${request.params.clientId}"`);
      return reply.status(204).send(null);
    },
  );
}
