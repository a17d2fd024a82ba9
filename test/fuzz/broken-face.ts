import Fastify from 'fastify';
import { createAccount } from '../../src/core/accounts/accounts.js';
import type { Dialect } from '../../src/db/database.js';
import type { TestApp } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';
import type { FaceTarget } from './faces.js';
import { installWriteCounters } from './fingerprint.js';

/*
 * A face built to break each property once, to show the fuzz finds what it is about: a route that
 * writes a row and then refuses the request, one that fails with a 500, one that refuses with an
 * empty body, and one that behaves.
 */
const DOC = {
  openapi: '3.1.0',
  info: { title: 'broken', version: '1' },
  paths: {
    '/write-then-refuse': {
      post: { requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { name: { type: 'string' } } } } } } },
    },
    '/crash': { get: { parameters: [{ in: 'query', name: 'q', schema: { type: 'string' } }] } },
    '/silent/{id}': { get: { parameters: [{ in: 'path', name: 'id', required: true, schema: { type: 'integer' } }] } },
    '/fine': { get: {} },
  },
};

export async function createBrokenFace(dialect: Dialect): Promise<FaceTarget> {
  const database = await createTestDatabase(dialect);
  const app = Fastify({ logger: false });
  let n = 0;
  app.get('/broken/openapi.json', async () => DOC);
  app.post('/broken/write-then-refuse', async (_request, reply) => {
    await createAccount(database.db, `broken-${++n}`);
    return reply.status(400).send({ error: 'bad_request', message: 'refused after writing' });
  });
  app.get('/broken/crash', async () => {
    throw new Error('boom');
  });
  app.get('/broken/silent/:id', async (_request, reply) => reply.status(404).send());
  app.get('/broken/fine', async () => ({ ok: true }));
  await app.ready();
  await installWriteCounters(database.db, dialect);
  const t = { app, database, config: {} as TestApp['config'], secrets: {} as TestApp['secrets'], logs: [], close: async () => {} } as TestApp;
  return {
    name: 'broken',
    t,
    openapiUrl: '/broken/openapi.json',
    prefix: '/broken',
    arbitraryOptions: { hints: () => undefined },
    render: (request) => ({
      method: request.method,
      remoteAddress: request.remoteAddress,
      url: `/broken${request.pathAndQuery}`,
      headers: request.headers,
      payload: request.payload,
    }),
    renew: async () => {},
    replenish: async () => {},
    close: async () => {
      await app.close();
      await database.destroy();
    },
  };
}
