import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** How long one client address's count of loops opened from guest pages runs. */
const ADDRESS_WINDOW_MS = 10 * 60_000;
/**
 * A personal invite link opens at most this many loops an hour: a guest with more to ask in an
 * hour is on the phone or at the desk; more is a forwarded or leaked link being replayed.
 */
const PER_LINK = { max: 10, timeWindow: 60 * 60_000 };

/**
 * Caps the loops opened from the public invite pages, counted in memory by @fastify/rate-limit
 * (per instance: N instances allow N times the figures). Only loops about to be created count;
 * invalid links are refused before and count nowhere here.
 */
export interface LoopCreationLimits {
  /**
   * Counts one loop for the request's client address and, for a personal link, for `linkKey`.
   * Returns the seconds to wait when either is over its limit (the loop must not be created),
   * undefined when the loop may be created.
   */
  take(request: FastifyRequest, linkKey?: string): Promise<number | undefined>;
}

/** The limits of one app; needs @fastify/rate-limit registered (app.ts). */
export function loopCreationLimits(app: FastifyInstance, perAddress: number): LoopCreationLimits {
  // The link a request is counted for: createRateLimit keys by request only.
  const linkOf = new WeakMap<FastifyRequest, string>();
  const byAddress = app.createRateLimit({
    max: perAddress,
    timeWindow: ADDRESS_WINDOW_MS,
    // IPv6 clients are counted per /64, as @fastify/rate-limit does by default.
    keyGenerator: (request) => normalizeIP(request.ip),
  });
  const byLink = app.createRateLimit({ ...PER_LINK, keyGenerator: (request) => linkOf.get(request) ?? '' });
  return {
    async take(request, linkKey) {
      // The address first: when a shared hotel address is over, a guest's retries do not use up
      // their own link's allowance.
      const address = retryAfter(await byAddress(request));
      if (address !== undefined || linkKey === undefined) return address;
      linkOf.set(request, linkKey);
      return retryAfter(await byLink(request));
    },
  };
}

type Counted = Awaited<ReturnType<ReturnType<FastifyInstance['createRateLimit']>>>;

/** Seconds until the counter lets the request through again, or undefined when it does now. */
function retryAfter(counted: Counted): number | undefined {
  if (counted.isAllowed || !counted.isExceeded) return undefined;
  return Math.max(1, counted.ttlInSeconds);
}
