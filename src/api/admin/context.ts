import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/database.js';

/** What every admin route gets: the database and the configuration. */
export interface AdminDeps {
  db: Db;
  config: Config;
}

export type AdminApp = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

declare module 'fastify' {
  interface FastifyRequest {
    /** the account the request's credentials belong to (set by each face's auth hook) */
    accountId: number;
  }
}
