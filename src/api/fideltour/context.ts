import type { Config } from '../../config/config.js';
import type { Db } from '../../db/database.js';
import type { CredentialLimits } from '../http/credential-failures.js';

export interface FideltourDeps {
  db: Db;
  config: Config;
  credentialLimits: CredentialLimits;
}

/** Who calls: the account, and the API user when the token came from POST /login/. */
export interface LoyaltyCaller {
  accountId: number;
  userId: number | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** set by the Loyalty face's auth hook */
    loyaltyCaller: LoyaltyCaller;
  }
}

export const FIDELTOUR_PREFIX = '/fideltour/api/v1';
export const fideltourBaseUrl = (config: Config) => `${config.publicUrl}${FIDELTOUR_PREFIX}`;
/** The member portal's address (the guest pages of the messaging work will live under it). */
export const fideltourPortalUrl = (config: Config) => `${config.publicUrl}/fideltour/portal`;
