import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/database.js';
import type { CredentialLimits } from '../http/credential-failures.js';
import type { AccessGrant } from '../../core/accounts/oauth.js';
import type { SecretBox } from '../../core/shared/secret-box.js';
import type { Realtime } from '../http/realtime.js';

export interface LooponDeps {
  db: Db;
  config: Config;
  /** failed-credential counters and the per-client quota */
  credentialLimits: CredentialLimits;
  /** seals the secrets the face stores to send later (stay callback tokens) */
  secrets: SecretBox;
  /** the chat hub and the socket bookkeeping (guest chat sockets) */
  realtime: Realtime;
}

export type LooponApp = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

/** The scopes of the Loopon Public API. */
export const LOOPON_SCOPES = ['basic', 'read_scores', 'read_answers', 'manage_stays', 'chat_sessions', 'read_public_reviews'] as const;
export type LooponScope = (typeof LOOPON_SCOPES)[number];

declare module 'fastify' {
  interface FastifyRequest {
    /** what the Loopon access token allows (set by the Loopon face's auth hook) */
    grant: AccessGrant;
  }
}

export const looponBaseUrl = (config: Config) => `${config.publicUrl}/loopon/public`;
export const looponTokenUrl = (config: Config) => `${config.publicUrl}/loopon/oauth2/token`;
