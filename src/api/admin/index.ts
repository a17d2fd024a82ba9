import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accountIdForToken } from '../../core/accounts/credentials.js';
import { unauthorized } from '../../core/shared/errors.js';
import { registerFaceDocs } from '../http/openapi.js';
import type { CredentialFailures } from '../http/credential-failures.js';
import type { AdminDeps } from './context.js';
import { handleAdminError, handleAdminNotFound } from './errors.js';
import { adminIdempotency } from './idempotency.js';
import { accountRoutes } from './routes/account.js';
import { credentialRoutes } from './routes/credentials.js';
import { apiClientRoutes } from './routes/api-clients.js';
import { customFieldRoutes } from './routes/custom-fields.js';
import { employeeRoutes } from './routes/employees.js';
import { guestRoutes } from './routes/guests.js';
import { identityBlocklistRoutes } from './routes/identity-blocklist.js';
import { importRoutes } from './routes/imports.js';
import { locationRoutes } from './routes/locations.js';
import { loopTypeRoutes } from './routes/loop-types.js';
import { reputationAdminRoutes } from './routes/reputation.js';
import { surveyRoutes } from './routes/surveys.js';
import { chatRoutes } from './routes/chat.js';
import { realtimeSocketRoutes, realtimeTicketRoutes } from './routes/realtime.js';
import { webhookRoutes } from './routes/webhooks.js';
import { requestRoutes } from './routes/requests.js';
import { loyaltyAdminRoutes } from './routes/loyalty.js';
import { ruleRoutes } from './routes/rules.js';
import { messagingRoutes } from './routes/messaging.js';
import { webhookDocs } from './event-payloads.js';
import { dashboardRoutes } from './routes/dashboards.js';
import { guestProfileRoutes } from './routes/guest-profile.js';

const PREFIX = '/admin';

/**
 * The native admin API, under /admin/v1, used by the staff console and the CLI. Authentication is
 * an account's admin token as `Authorization: Bearer <token>`; a token sees only its own account.
 * OpenAPI 3.1 at /admin/openapi.json, rendered at /admin/docs.
 */
export async function adminApi(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  await registerFaceDocs(app, {
    prefix: PREFIX,
    title: 'Openstay: admin API',
    description:
      'The native API of Openstay: account settings, locations, loop types, custom fields, surveys with versioned question sets, ' +
      'guests (identity resolution, merge and split), the identity blocklist, employees and credentials, the staff side of the guest chat (with a realtime WebSocket at /admin/v1/realtime), webhook subscriptions and their deliveries (the event types and payloads are in the `webhooks` section), journey rules, message templates and guest messages. Every call takes the account admin token as `Authorization: Bearer <token>`. ' +
      'Errors are {"error": {"code", "message"}}. Every POST takes an optional `Idempotency-Key` header: a retry with the same key answers the first answer again.',
    serverUrl: `${deps.config.publicUrl}${PREFIX}`,
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'the account admin token' } },
    security: [{ bearer: [] }],
    webhooks: webhookDocs(),
  });
  app.setErrorHandler(handleAdminError);

  // A prefix of its own lets the admin API answer unknown paths with its own 404 body.
  await app.register(
    async (admin) => {
      admin.setErrorHandler(handleAdminError);
      admin.setNotFoundHandler(handleAdminNotFound);
      await admin.register(
        async (api) => {
          const failures = deps.credentialLimits.failuresOf('admin-token');
          api.addHook('onRequest', async (request) => {
            request.accountId = await authenticate(deps, failures, request);
          });
          adminIdempotency(api, deps.db);
          await accountRoutes(api, deps);
          await locationRoutes(api, deps);
          await loopTypeRoutes(api, deps);
          await customFieldRoutes(api, deps);
          await surveyRoutes(api, deps);
          await employeeRoutes(api, deps);
          await guestRoutes(api, deps);
          await identityBlocklistRoutes(api, deps);
          await credentialRoutes(api, deps);
          await apiClientRoutes(api, deps);
          await reputationAdminRoutes(api, deps);
          await chatRoutes(api, deps);
          await requestRoutes(api, deps);
          await realtimeTicketRoutes(api, deps);
          await webhookRoutes(api, deps);
          await loyaltyAdminRoutes(api, deps);
          await ruleRoutes(api, deps);
          await messagingRoutes(api, deps);
          await dashboardRoutes(api, deps);
          await guestProfileRoutes(api, deps);
          await api.register(importRoutes, deps);
        },
        { prefix: '/v1' },
      );
      // The staff WebSocket authenticates with a ticket in its URL, not the admin token header.
      await admin.register(async (sockets) => realtimeSocketRoutes(sockets, deps), { prefix: '/v1' });
    },
    { prefix: PREFIX },
  );
}

/**
 * The account of the request's admin token; a locked-out address or token is a 429 before it is
 * looked at. The admin API has no per-client quota: the account's operator can always reach it.
 */
async function authenticate(deps: AdminDeps, failures: CredentialFailures, request: FastifyRequest): Promise<number> {
  const header = request.headers.authorization;
  if (!header) throw unauthorized('Authorization: Bearer <admin token> header is required');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthorized('Authorization header must be "Bearer <admin token>"');
  const token = match[1];
  const locked = failures.lockout(request, token);
  if (locked) throw locked;
  const accountId = await accountIdForToken(deps.db, 'admin', token);
  if (accountId === undefined) {
    await failures.failed(request, token);
    throw unauthorized('admin token is not valid');
  }
  return accountId;
}
