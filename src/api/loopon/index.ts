import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accessGrantForToken, type AccessGrant } from '../../core/accounts/oauth.js';
import { bearerGrant } from '../http/oauth-bearer.js';
import { AppError, badRequest } from '../../core/shared/errors.js';
import { noSuchEndpoint, sendError, toAppError } from '../http/errors.js';
import { registerFaceDocs } from '../http/openapi.js';
import { guardLinkPages, type CredentialFailures } from '../http/credential-failures.js';
import { acceptTolerantBodies } from '../http/tolerant-body.js';
import { requireScope } from './access.js';
import type { LooponDeps } from './context.js';
import { reputationRoutes } from './routes/reputation.js';
import { tokenRoutes } from './routes/token.js';
import { unitRoutes } from './routes/units.js';
import { answerRoutes } from './routes/answers.js';
import { questionRoutes } from './routes/questions.js';
import { scoreRoutes } from './routes/scores.js';
import { stayRoutes } from './routes/stays.js';
import { stayEventRoutes } from './routes/stays-events.js';
import { stayPageRoutes } from './routes/stay-page.js';
import { chatSocketRoutes } from './chat/chat-routes.js';

const PREFIX = '/loopon';
/** API versions this face speaks (the VERSION header); absent means the latest. */
const SUPPORTED_VERSIONS = [1];

/**
 * The Loopon Public API under /loopon: the token endpoint at /loopon/oauth2/token and the API
 * at /loopon/public, authenticated with OAuth 2 bearer tokens carrying Loopon's scopes.
 */
export async function looponFace(app: FastifyInstance, deps: LooponDeps): Promise<void> {
  await registerFaceDocs(app, {
    prefix: PREFIX,
    title: 'Openstay: Loopon Public API',
    description:
      'The Loopon Public API as served by Openstay: OAuth 2 client credentials at /oauth2/token, the API under /public. ' +
      "Guest chat: a WebSocket at /loopon/chat/public/{lang}/{sessionId} (a Stay's chatSession.wssUrl; add ?deviceId= to replay unseen events) carrying LooponEvents.",
    serverUrl: `${deps.config.publicUrl}${PREFIX}`,
    securitySchemes: {
      oauth2: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: `${deps.config.publicUrl}${PREFIX}/oauth2/token`, scopes: {} } } },
    },
    security: [{ oauth2: [] }],
  });

  await app.register(
    async (face) => {
      // Loopon's demo backend posts its form with no content type; curl --data sends JSON as a form.
      acceptTolerantBodies(face);
      face.setErrorHandler((err, request, reply) => {
        const appError = toAppError(err, request);
        sendError(reply, appError, { error: appError.code, message: appError.message });
      });
      face.setNotFoundHandler((request, reply) => {
        const message = noSuchEndpoint(request);
        sendError(reply, new AppError('not_found', 404, message), { error: 'not_found', message });
      });
      await tokenRoutes(face, deps);
      // The guest chat socket: the session key in its path is its credential (no bearer token).
      await chatSocketRoutes(face, deps);
      await face.register(
        async (api) => {
          const failures = deps.credentialLimits.failuresOf('loopon-access-token');
          api.addHook('onRequest', async (request) => {
            checkVersion(request);
            request.grant = await authenticate(deps, failures, request);
            // The account's per-client quota, when it has one: every token of an OAuth client shares it.
            const over = await deps.credentialLimits.quota.count(request, request.grant.accountId, () => `loopon:${request.grant.clientId}`);
            if (over) throw over;
            // Loopon: basic is "required to use API at all", so every /public route needs it.
            requireScope(request, 'basic');
          });
          await unitRoutes(api, deps);
          await scoreRoutes(api, deps);
          await answerRoutes(api, deps);
          await questionRoutes(api, deps);
          await stayRoutes(api, deps);
          await stayEventRoutes(api, deps);
          await reputationRoutes(api, deps);
        },
        { prefix: '/public' },
      );
      // The stay page in a scope of its own: its security headers reach no API route. Its link
      // token is its only credential: unknown tokens are counted as failures (after the headers,
      // so that the 429 page carries them too).
      await face.register(async (page) => {
        await stayPageRoutes(page, deps);
        guardLinkPages(page, deps.credentialLimits.failuresOf('stay-page-link'), (request) => (request.params as { token?: string }).token ?? '');
      });
    },
    { prefix: PREFIX },
  );
}

function checkVersion(request: FastifyRequest): void {
  const raw = request.headers.version;
  if (raw === undefined) return;
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (!/^\d+$/.test(text.trim())) throw badRequest('VERSION header must be an integer');
  if (!SUPPORTED_VERSIONS.includes(Number(text))) throw badRequest(`API version ${text} is not supported (supported: ${SUPPORTED_VERSIONS.join(', ')})`);
}

/** The grant of the request's bearer token; a locked-out address or token is a 429 before it is looked at. */
function authenticate(deps: LooponDeps, failures: CredentialFailures, request: FastifyRequest): Promise<AccessGrant> {
  return bearerGrant(failures, request, (token) => accessGrantForToken(deps.db, token, 'loopon'));
}
