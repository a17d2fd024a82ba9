import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accountIdForToken } from '../../core/accounts/credentials.js';
import { sessionForToken } from '../../core/loyalty/api-users.js';
import { AppError } from '../../core/shared/errors.js';
import type { CredentialFailures } from '../http/credential-failures.js';
import { noSuchEndpoint, sendError, toAppError } from '../http/errors.js';
import { registerFaceDocs } from '../http/openapi.js';
import { acceptTolerantBodies } from '../http/tolerant-body.js';
import { FIDELTOUR_PREFIX, type FideltourDeps, type LoyaltyCaller } from './context.js';
import { PORTAL_RESET_PREFIX, portalResetRoutes } from './portal-reset.js';
import { PORTAL_PATH } from './portal/member-session.js';
import { portalPageRoutes } from './portal/portal-pages.js';
import { loginRoutes } from './routes/login.js';
import { contactRoutes } from './routes/contacts.js';
import { memberRoutes } from './routes/members.js';
import { operationRoutes } from './routes/operations.js';
import { productRoutes } from './routes/products.js';

/**
 * The Fideltour Loyalty API under /fideltour/api/v1: `POST /login/` for a token, then every call
 * with `Authorization: Token <token>` (a login token, or a static token of the account). Errors
 * are Django REST framework's `{"detail": "..."}`.
 */
export async function fideltourFace(app: FastifyInstance, deps: FideltourDeps): Promise<void> {
  // One set of member sign-in counters for loyalty-login and the member portal.
  const memberLoginFailures = deps.credentialLimits.failuresOf('fideltour-member-login');
  await registerFaceDocs(app, {
    prefix: '/fideltour',
    title: 'Openstay: Fideltour Loyalty API',
    description:
      'The Fideltour Loyalty module as served by Openstay: POST /login/ for a token, then every call with `Authorization: Token <token>`. ' +
      'Lists are {count, next, previous, results} with limit/offset; errors are {"detail": "..."}.',
    serverUrl: `${deps.config.publicUrl}/fideltour`,
    securitySchemes: { token: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Token <token>' } },
    security: [{ token: [] }],
  });
  await app.register(
    async (face) => {
      acceptTolerantBodies(face);
      face.setErrorHandler((err, request, reply) => {
        const appError = toAppError(err, request);
        if (appError.status === 401) reply.header('www-authenticate', 'Token');
        sendError(reply, appError, { detail: appError.message });
      });
      face.setNotFoundHandler((request, reply) => {
        const message = noSuchEndpoint(request);
        sendError(reply, new AppError('not_found', 404, message), { detail: message });
      });
      await loginRoutes(face, deps);
      await face.register(async (api) => {
        const failures = deps.credentialLimits.failuresOf('fideltour-token');
        api.addHook('onRequest', async (request) => {
          request.loyaltyCaller = await authenticate(deps, failures, request);
        });
        await contactRoutes(api, deps);
        await memberRoutes(api, { ...deps, memberLoginFailures });
        await operationRoutes(api, deps);
        await productRoutes(api, deps);
      });
    },
    { prefix: FIDELTOUR_PREFIX },
  );
  // The member's pages (a password-reset link): HTML with the guest pages' headers, not the API's errors.
  await app.register((portal) => portalResetRoutes(portal, deps), { prefix: PORTAL_RESET_PREFIX });
  // The member portal (sign in, balance, lots, rewards), in a scope of its own with the same headers.
  await app.register((portal) => portalPageRoutes(portal, { ...deps, memberLoginFailures }), { prefix: PORTAL_PATH });
}

/** The caller of `Authorization: Token <token>`; a locked-out address or token is a 429 before it is looked at. */
async function authenticate(deps: FideltourDeps, failures: CredentialFailures, request: FastifyRequest): Promise<LoyaltyCaller> {
  const header = request.headers.authorization;
  const match = header ? /^Token\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw new AppError('unauthorized', 401, 'Authentication credentials were not provided.');
  const token = match[1];
  const locked = failures.lockout(request, token);
  if (locked) throw locked;
  const accountId = await accountIdForToken(deps.db, 'loyalty', token);
  if (accountId !== undefined) return { accountId, userId: null };
  const session = await sessionForToken(deps.db, token);
  if (session) return session;
  await failures.failed(request, token);
  throw new AppError('unauthorized', 401, 'Invalid token.');
}
