import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/database.js';
import type { SecretBox } from '../../core/shared/secret-box.js';
import type { CredentialLimits } from '../http/credential-failures.js';
import type { Realtime } from '../http/realtime.js';

/** The OAuth API clients the admin API registers: the scopes they may be granted and where they get tokens. */
export interface ApiClientFace {
  scopes: readonly string[];
  tokenUrl: string;
}

/** What every admin route gets: the database, the configuration and the face API clients are for. */
export interface AdminDeps {
  db: Db;
  config: Config;
  /** failed-credential counters and the per-client quota */
  credentialLimits: CredentialLimits;
  apiClients: ApiClientFace;
  /** the chat hub and the socket bookkeeping (staff realtime sockets) */
  realtime: Realtime;
  /** seals and opens stored secrets (webhook signing secrets) */
  secrets: SecretBox;
  /** tells this process's job worker that a job was queued (it would otherwise find it at its next poll) */
  onJobQueued?: () => void;
}

export type AdminApp = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

declare module 'fastify' {
  interface FastifyRequest {
    /** the account the request's credentials belong to (set by each face's auth hook) */
    accountId: number;
  }
}
