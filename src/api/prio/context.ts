import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/database.js';
import type { AccessGrant } from '../../core/accounts/oauth.js';
import type { CredentialLimits } from '../http/credential-failures.js';

export interface PrioDeps {
  db: Db;
  config: Config;
  /** failed-credential counters and the per-client quota */
  credentialLimits: CredentialLimits;
}

export type PrioApp = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

/** The version this face speaks, in every response's api_version. */
export const API_VERSION = '3.8.0';

/** Where the face is mounted: the product's own server path (…/{version}/distributor). */
export const PRIO_PREFIX = '/prio/v3.8/distributor';

/** The OAuth scope of the Contacts API. */
export const CONTACTS_SCOPE = 'https://www.prioticketapis.com/auth/distributor/contacts';
export const PRIO_SCOPES = [CONTACTS_SCOPE] as const;

declare module 'fastify' {
  interface FastifyRequest {
    /** what the Contacts API access token allows (set by the face's auth hook) */
    prioGrant: AccessGrant;
  }
}

export const prioBaseUrl = (config: Config) => `${config.publicUrl}${PRIO_PREFIX}`;
export const prioTokenUrl = (config: Config) => `${config.publicUrl}${PRIO_PREFIX}/oauth2/token`;
