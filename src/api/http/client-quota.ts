import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { cachedClientQuota } from '../../core/accounts/client-quota.js';
import { AppError } from '../../core/shared/errors.js';

/** The 429 of a client over its account's quota; `details.retryAfterSeconds` is the Retry-After. */
export function overQuota(quota: number, retryAfterSeconds: number): AppError {
  return new AppError('too_many_requests', 429, `This client's quota of ${quota} calls per minute is used up; retry in ${retryAfterSeconds} s`, {
    retryAfterSeconds,
  });
}

/**
 * An account's per-client quota (the `clientQuotaPerMinute` setting, off by default), counted per
 * client credential in this process with @fastify/rate-limit.
 */
export interface ClientQuota {
  /**
   * Counts the call of a client of the account. Undefined, synchronously, when the account has no
   * quota (known from cache: the common case costs a map lookup); else a promise of the 429 to
   * answer, or of undefined. `client` names the credential (a digest is kept, never the secret).
   */
  count(request: FastifyRequest, accountId: number, client: () => string): Promise<AppError | undefined> | undefined;
}

const QUOTA_WINDOW_MS = 60_000;
const counted = new WeakMap<FastifyRequest, { key: string; quota: number }>();

/** `load` reads an account's quota (core's clientQuota, which also fills the cache). */
export function clientQuotas(app: FastifyInstance, load: (accountId: number) => Promise<number | null>): ClientQuota {
  const limiter = app.createRateLimit({
    timeWindow: QUOTA_WINDOW_MS,
    keyGenerator: (request) => counted.get(request)?.key ?? '',
    max: (request) => counted.get(request)?.quota ?? 0,
  });

  async function countAgainst(request: FastifyRequest, accountId: number, client: () => string, known: number | null | undefined) {
    const quota = known === undefined ? await load(accountId) : known;
    if (quota === null) return undefined;
    counted.set(request, { key: createHash('sha256').update(client()).digest('base64url').slice(0, 22), quota });
    const result = await limiter(request);
    return !result.isAllowed && result.isExceeded ? overQuota(quota, Math.max(1, result.ttlInSeconds)) : undefined;
  }

  return {
    count(request, accountId, client) {
      const known = cachedClientQuota(accountId);
      if (known === null) return undefined;
      return countAgainst(request, accountId, client, known);
    },
  };
}
