import { createHash } from 'node:crypto';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/shared/errors.js';
import type { ClientQuota } from './client-quota.js';
import { requestLanguage, sendMessagePage } from './guest-pages.js';
import { text } from './guest-views.js';

/*
 * Failed credential checks, counted per client address and per presented credential, with
 * @fastify/rate-limit's counters (`createRateLimit`, called on failures only: a valid credential's
 * calls are never counted). A key that reaches its limit is locked out until its window ends:
 * every attempt from that address, or with that credential, is a 429 with Retry-After before the
 * credential is looked at, the right one included. Counters live in this process (one instance,
 * no extra server). A credential is never kept as a key: keys are a digest of it.
 */

/** How many failures are tolerated per window (0: that limit is off). */
export interface CredentialFailureLimits {
  perAddress: number;
  perCredential: number;
  windowMs: number;
}

/** The 429 of a locked-out address or credential; `details.retryAfterSeconds` is the Retry-After. */
export function tooManyAttempts(retryAfterSeconds: number): AppError {
  return new AppError('too_many_attempts', 429, `Too many failed attempts; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
}

/** The whole seconds a 429 asks the client to wait, when it says. */
export function retryAfterOf(err: AppError): number | undefined {
  const seconds = err.details?.retryAfterSeconds;
  return typeof seconds === 'number' ? seconds : undefined;
}

/** One credential check (the Loop authToken, the Loopon token endpoint, a page link...). */
export interface CredentialFailures {
  /**
   * The 429 to answer when the request's address or this credential is locked out, else
   * undefined. Counts nothing; synchronous, and nearly free while nothing is locked out.
   * Call it before checking the credential.
   */
  lockout(request: FastifyRequest, credential: string): AppError | undefined;
  /** Counts one failed check of `credential` (as presented) from the request's address. */
  failed(request: FastifyRequest, credential: string): Promise<void>;
}

/**
 * Where lockouts are remembered. This one is in memory; lockouts that must survive a restart
 * (staff sign-in, later) implement the same with a table, keeping what they read in memory so that
 * `lockedUntil` stays synchronous.
 */
export interface LockoutStore {
  /** epoch ms until which the key is locked out (0: it is not) */
  lockedUntil(key: string, now: number): number;
  lock(key: string, until: number): void;
  /** whether no key is locked out (the check's fast path) */
  readonly empty: boolean;
}

/** A bounded in-memory LockoutStore: an insertion-ordered map, so the oldest entry expires first. */
export function memoryLockouts(max = 10_000): LockoutStore {
  const until = new Map<string, number>();
  return {
    get empty() {
      return until.size === 0;
    },
    lockedUntil(key, now) {
      const at = until.get(key);
      if (at === undefined) return 0;
      if (at > now) return at;
      until.delete(key);
      return 0;
    },
    lock(key, at) {
      until.delete(key);
      if (until.size >= max) {
        const oldest = until.keys().next().value;
        if (oldest !== undefined) until.delete(oldest);
      }
      until.set(key, at);
    },
  };
}

/** A digest of what identifies a credential: enough to tell credentials apart, useless to an attacker. */
function credentialKey(check: string, credential: string): string {
  return createHash('sha256').update(check).update('\0').update(credential).digest('base64url').slice(0, 22);
}

/** The address key @fastify/rate-limit's default key generator gives the request (IPv6: its /64). */
const addressKey = (request: FastifyRequest) => normalizeIP(request.ip);

/** The credential key of the request being counted, read by the credential limiter's key generator. */
const countedCredential = new WeakMap<FastifyRequest, string>();

/**
 * The failure counters of one credential check. `app` must have @fastify/rate-limit registered
 * (buildApp does, with `global: false`); each check has counters and lockouts of its own, so
 * failures at one never lock out another (a guest mistyping a link does not stop the PMS).
 * `lockouts` is where lockouts are kept: in memory unless a check brings stores of its own.
 */
export function credentialFailures(
  app: FastifyInstance,
  check: string,
  limits: CredentialFailureLimits,
  lockouts: { addresses: LockoutStore; credentials: LockoutStore } = { addresses: memoryLockouts(), credentials: memoryLockouts() },
): CredentialFailures {
  const window = { timeWindow: limits.windowMs };
  const byAddress = limits.perAddress > 0 ? app.createRateLimit({ ...window, max: limits.perAddress }) : undefined;
  const byCredential =
    limits.perCredential > 0
      ? app.createRateLimit({ ...window, max: limits.perCredential, keyGenerator: (request) => countedCredential.get(request) ?? '' })
      : undefined;
  const { addresses, credentials } = lockouts;

  return {
    lockout(request, credential) {
      if (addresses.empty && credentials.empty) return undefined;
      const now = Date.now();
      const until = Math.max(
        addresses.empty ? 0 : addresses.lockedUntil(addressKey(request), now),
        credentials.empty ? 0 : credentials.lockedUntil(credentialKey(check, credential), now),
      );
      return until > now ? tooManyAttempts(Math.max(1, Math.ceil((until - now) / 1000))) : undefined;
    },
    async failed(request, credential) {
      countedCredential.set(request, credentialKey(check, credential));
      const [address, presented] = await Promise.all([byAddress?.(request), byCredential?.(request)]);
      const now = Date.now();
      // The failure that uses up the limit locks the key until its window ends.
      if (address && !address.isAllowed && address.remaining === 0) addresses.lock(address.key, now + address.ttl);
      if (presented && !presented.isAllowed && presented.remaining === 0) credentials.lock(presented.key, now + presented.ttl);
    },
  };
}

/** The HTML answer of a guest page while its address or link is locked out. */
function tooManyAttemptsPage(request: FastifyRequest, reply: FastifyReply, err: AppError): FastifyReply {
  const lang = requestLanguage(request);
  reply
    .status(429)
    .header('retry-after', String(retryAfterOf(err) ?? 60))
    .header('cache-control', 'no-store');
  return sendMessagePage(reply, lang, text(lang, 'tooMany.attemptsTitle'), text(lang, 'tooMany.attemptsTitle'), text(lang, 'tooMany.attemptsDetail'));
}

/**
 * Guards a scope of guest pages whose URL is their credential (a signed link, a link token): a
 * page answered 404 is a failed check of its link (`linkOf` says what identifies the link as
 * presented), and a locked-out address or link gets an HTML 429 before the page is looked at.
 * The page routes themselves need not know. Add it after the scope's security headers (hooks run
 * in the order they were added), so that the 429 carries them too.
 */
export function guardLinkPages(scope: FastifyInstance, failures: CredentialFailures, linkOf: (request: FastifyRequest) => string): void {
  scope.addHook('onRequest', (request, reply, done) => {
    const locked = failures.lockout(request, linkOf(request));
    if (!locked) return done();
    tooManyAttemptsPage(request, reply, locked);
  });
  scope.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode !== 404) return done(null, payload);
    failures.failed(request, linkOf(request)).then(
      () => done(null, payload),
      (err: Error) => done(err),
    );
  });
}

/** What every face gets to limit credential use: failure counters per check, and the per-client quota. */
export interface CredentialLimits {
  /** the failure counters of a check (call once per check, at registration) */
  failuresOf(check: string): CredentialFailures;
  quota: ClientQuota;
}
