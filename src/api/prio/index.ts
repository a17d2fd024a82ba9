import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accessGrantForToken, type AccessGrant } from '../../core/accounts/oauth.js';
import { bearerGrant } from '../http/oauth-bearer.js';
import { forbidden } from '../../core/shared/errors.js';
import type { CredentialFailures } from '../http/credential-failures.js';
import { registerFaceDocs } from '../http/openapi.js';
import { oauthTokenRoutes } from '../http/oauth-token-route.js';
import { acceptTolerantBodies } from '../http/tolerant-body.js';
import { CONTACTS_SCOPE, PRIO_PREFIX, PRIO_SCOPES, type PrioDeps } from './context.js';
import { prioErrorHandler, prioNotFound } from './errors.js';
import { contactRoutes } from './routes/contacts.js';

/**
 * The Contacts API (distributor API 3.8) under /prio/v3.8/distributor: the token endpoint at
 * /oauth2/token (OAuth 2 client credentials, clients of this face only) and the contacts, which
 * are the account's guest profiles as every other face sees them.
 */
export async function prioFace(app: FastifyInstance, deps: PrioDeps): Promise<void> {
  await registerFaceDocs(app, {
    prefix: PRIO_PREFIX,
    title: 'Openstay: Contacts API (distributor API 3.8)',
    description: 'Contacts as served by Openstay: OAuth 2 client credentials at /oauth2/token, contacts under /contacts.',
    serverUrl: `${deps.config.publicUrl}${PRIO_PREFIX}`,
    securitySchemes: {
      OAuth2: {
        type: 'oauth2',
        flows: { clientCredentials: { tokenUrl: `${deps.config.publicUrl}${PRIO_PREFIX}/oauth2/token`, scopes: { [CONTACTS_SCOPE]: 'contacts' } } },
      },
    },
    security: [{ OAuth2: [CONTACTS_SCOPE] }],
  });

  await app.register(
    async (face) => {
      acceptTolerantBodies(face);
      face.setErrorHandler(prioErrorHandler);
      face.setNotFoundHandler(prioNotFound);
      await oauthTokenRoutes(face, deps, { face: 'prio', scopes: PRIO_SCOPES, realm: 'prio', failureCheck: 'prio-client' });
      await face.register(async (api) => {
        const failures = deps.credentialLimits.failuresOf('prio-access-token');
        api.addHook('onRequest', async (request) => {
          request.prioGrant = await authenticate(deps, failures, request);
          // The account's per-client quota, when it has one: every token of an OAuth client shares it.
          const over = await deps.credentialLimits.quota.count(request, request.prioGrant.accountId, () => `prio:${request.prioGrant.clientId}`);
          if (over) throw over;
          if (!request.prioGrant.scopes.includes(CONTACTS_SCOPE)) throw forbidden(`this access token lacks the ${CONTACTS_SCOPE} scope`);
        });
        await contactRoutes(api, deps);
      });
    },
    { prefix: PRIO_PREFIX },
  );
}

/** The grant of the request's bearer token (a token of this face's clients only); a locked-out address or token is a 429 first. */
function authenticate(deps: PrioDeps, failures: CredentialFailures, request: FastifyRequest): Promise<AccessGrant> {
  return bearerGrant(
    failures,
    request,
    (token) => accessGrantForToken(deps.db, token, 'prio'),
    'access token is invalid, expired or revoked, or was not issued for this API',
  );
}
