import type { Realtime } from '../http/realtime.js';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/database.js';
import type { CredentialLimits } from '../http/credential-failures.js';

/** What every Loop route gets: the database, the configuration, and the route helpers. */
export interface LoopDeps {
  db: Db;
  config: Config;
  /** failed-credential counters and the per-client quota */
  credentialLimits: CredentialLimits;
  /** the realtime hub: a request opened here goes to the account's staff sockets */
  realtime: Realtime;
}

export type LoopApp = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

declare module 'fastify' {
  interface FastifyRequest {
    /** the account the request's credentials belong to (set by each face's auth hook) */
    accountId: number;
  }
}

/** Base URL of the Loop face as clients see it, e.g. http://localhost:8080/loop */
export function loopBaseUrl(config: Config): string {
  return `${config.publicUrl}/loop`;
}
