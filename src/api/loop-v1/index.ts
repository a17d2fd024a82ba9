import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accountIdForToken, cachedAccountIdForToken } from '../../core/accounts/credentials.js';
import { AppError, unauthorized } from '../../core/shared/errors.js';
import { noSuchEndpoint, sendError, toAppError } from '../http/errors.js';
import { registerFaceDocs } from '../http/openapi.js';
import { acceptTolerantBodies } from '../http/tolerant-body.js';
import { loopBaseUrl, type LoopDeps } from './context.js';
import { contactRoutes } from './routes/contact.js';
import { contactEventRoutes } from './routes/contact-event.js';
import { loopRoutes } from './routes/loops.js';
import { configurationRoutes } from './routes/configuration.js';
import { userRoutes } from './routes/users.js';
import { inviteRoutes } from './routes/invite.js';
import { surveyRoutes } from './routes/surveys.js';
import { responseRoutes } from './routes/responses.js';
import { guestPageRoutes } from './pages/pages.js';
import { guardLinkPages } from '../http/credential-failures.js';

const PREFIX = '/loop';

/**
 * The Benbria Loop API v1, mounted under /loop with the product's own paths below it
 * (/loop/api/v1/Contact?authToken=...). Authentication is the authToken query parameter.
 */
export async function loopFace(app: FastifyInstance, deps: LoopDeps): Promise<void> {
  await registerFaceDocs(app, {
    prefix: PREFIX,
    title: 'Openstay: Loop API v1',
    description: 'The Benbria Loop API v1 as served by Openstay. Every call takes the account token as the authToken query parameter.',
    serverUrl: loopBaseUrl(deps.config),
    securitySchemes: { authToken: { type: 'apiKey', in: 'query', name: 'authToken' } },
    security: [{ authToken: [] }],
    fixedParams: { version: 'v1' },
  });

  // Everything of the face sits under its prefix, so its error and not-found handlers answer
  // only for /loop/... and other faces keep their own.
  await app.register(
    async (face) => {
      // Loop clients send JSON with curl --data (a form content type) or none at all: sniff it.
      acceptTolerantBodies(face);

      face.setErrorHandler((err, request, reply) => {
        const appError = toAppError(err, request);
        sendError(reply, appError, { status: 'Error', code: appError.code, message: appError.message });
      });
      face.setNotFoundHandler({ prefixTrailingSlash: 'both' } as any, (request, reply) => {
        const message = noSuchEndpoint(request);
        sendError(reply, new AppError('not_found', 404, message), { status: 'Error', code: 'not_found', message });
      });

      await face.register(
        async (api) => {
          // Every API route authenticates, whatever spelling of the path reached it (the router
          // ignores case and decodes %-escapes, so a test on request.url could be bypassed).
          // Docs and guest pages are registered outside this scope and stay public.
          // Callback-style hooks: a token found in the cache authenticates without a promise.
          // A locked-out address or token is refused before the token is looked at; a wrong token
          // counts as a failure; the account's per-client quota, when it has one, is counted last.
          const failures = deps.credentialLimits.failuresOf('loop-auth-token');
          const { quota } = deps.credentialLimits;
          api.addHook('onRequest', (request, _reply, done) => {
            let token: string;
            try {
              token = authToken(request);
            } catch (err) {
              return done(err as Error);
            }
            const locked = failures.lockout(request, token);
            if (locked) return done(locked);
            const authenticated = (accountId: number) => {
              request.accountId = accountId;
              const counting = quota.count(request, accountId, () => `loop:${token}`);
              if (!counting) return done();
              counting.then((over) => done(over), done);
            };
            const cached = cachedAccountIdForToken('loop', token);
            if (cached !== undefined) return authenticated(cached);
            accountIdForToken(deps.db, 'loop', token).then((accountId) => {
              if (accountId !== undefined) return authenticated(accountId);
              failures.failed(request, token).then(() => done(unauthorized('authToken is not valid')), done);
            }, done);
          });
          // PMS interfaces send every field of their record, unknown ones as null: a null field is
          // one not sent (the contact keeps what it had), not a wrong type.
          api.addHook('preValidation', (request, _reply, done) => {
            dropNullFields(request.body);
            done();
          });
          api.addHook('preHandler', (request, _reply, done) => {
            const { version } = request.params as { version?: string };
            if (version !== 'v1' && version?.toLowerCase() !== 'v1') {
              return done(new AppError('not_found', 404, `API version "${version}" is not supported; use v1`));
            }
            done();
          });
          await contactRoutes(api, deps);
          await contactEventRoutes(api, deps);
          await loopRoutes(api, deps);
          await configurationRoutes(api, deps);
          await userRoutes(api, deps);
          await inviteRoutes(api, deps);
          await surveyRoutes(api, deps);
          await responseRoutes(api, deps);
        },
        { prefix: '/api/:version' },
      );
      // The guest pages in a scope of their own: HTML errors and security headers for them only.
      // A page's link is its credential: failed links are counted like wrong tokens (the guard
      // comes after the pages' headers, so that its 429 page carries them too).
      await face.register(async (pages) => {
        await guestPageRoutes(pages, deps);
        guardLinkPages(pages, deps.credentialLimits.failuresOf('loop-page-link'), pageLinkOf);
      });
    },
    { prefix: PREFIX },
  );
}

/** The request's authToken query parameter, trimmed; a 401 when it is missing or empty. */
function authToken(request: FastifyRequest): string {
  const token = (request.query as Record<string, unknown>)?.authToken;
  if (typeof token !== 'string' || token.trim() === '') throw unauthorized('authToken query parameter is required');
  return token.trim();
}

/**
 * A guest page link as presented, signature included. Not the link without it: a signature (an
 * HMAC of 132 bits) cannot be guessed at any rate, so counting wrong ones per link would protect
 * nothing, and would let anyone who has seen a link (the generic one is printed in every room)
 * lock it out for every guest. Wrong links are limited per address; a link tried again and again
 * as it is, per link.
 */
function pageLinkOf(request: FastifyRequest): string {
  const query = request.query as Record<string, unknown> | undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return `${request.routeOptions.url}|${JSON.stringify(request.params)}|${text(query?._uid)}|${text(query?.sig)}`;
}

/** Removes the top-level fields of a JSON object body whose value is null. */
function dropNullFields(body: unknown): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return;
  const record = body as Record<string, unknown>;
  for (const key in record) if (record[key] === null) delete record[key];
}
