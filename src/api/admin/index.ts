import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { registerFaceDocs } from '../http/openapi.js';
import { auditWrites } from './audit-hook.js';
import { checkPermission } from './permissions.js';
import { sessionRoutes } from './routes/session.js';
import { staffRoutes } from './routes/staff.js';
import { adminAuthentication } from './staff-auth.js';
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
import { inboxRoutes } from './routes/inbox.js';
import { inboxThreadRoutes } from './routes/inbox-threads.js';
import { loyaltyAdminRoutes } from './routes/loyalty.js';
import { loyaltyMemberRoutes } from './routes/loyalty-members.js';
import { ruleRoutes } from './routes/rules.js';
import { messagingRoutes } from './routes/messaging.js';
import { webhookDocs } from './event-payloads.js';
import { dashboardRoutes } from './routes/dashboards.js';
import { guestProfileRoutes } from './routes/guest-profile.js';

const PREFIX = '/admin';

/**
 * The native admin API, under /admin/v1, used by the staff console and the CLI. Authentication is
 * an account's admin token as `Authorization: Bearer <token>` (integrations), or a staff member's
 * session cookie (the console) with its CSRF token on writes and the permissions of their role
 * (permissions.ts); either sees only its own account. OpenAPI 3.1 at /admin/openapi.json,
 * rendered at /admin/docs.
 */
export async function adminApi(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  await registerFaceDocs(app, {
    prefix: PREFIX,
    title: 'Openstay: admin API',
    description:
      'The native API of Openstay: account settings, locations, loop types, custom fields, surveys with versioned question sets, ' +
      'guests (identity resolution, merge and split), the identity blocklist, employees and credentials, the staff side of the guest chat (with a realtime WebSocket at /admin/v1/realtime), webhook subscriptions and their deliveries (the event types and payloads are in the `webhooks` section), journey rules, message templates and guest messages, staff members with their roles, the console session and the audit log. ' +
      'Every call takes the account admin token as `Authorization: Bearer <token>` (integrations: allowed everything), or the staff session cookie `openstay_session` ' +
      "that POST /admin/v1/session sets (the console). With the cookie, every POST, PUT, PATCH and DELETE must send the session's `csrfToken` as the `x-csrf-token` header (else a 403 `csrf`), " +
      "and the staff member's role decides what they may do (else a 403 `forbidden`): an owner everything; a manager everything but staff owners; " +
      'an analyst reads only (no staff, no audit); an agent the inbox (requests, chats, guests) of their locations, replying with the Loop permission `comment` and closing or reopening with `close`. ' +
      'Agents (and analysts subscribed to locations) never see requests, chats or guests of other locations, nor their events on the realtime socket. ' +
      'Every write is recorded in the audit log (GET /admin/v1/audit) with who made it. ' +
      'Errors are {"error": {"code", "message"}}. Every POST takes an optional `Idempotency-Key` header: a retry with the same key answers the first answer again.',
    serverUrl: `${deps.config.publicUrl}${PREFIX}`,
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'the account admin token' },
      session: {
        type: 'apiKey',
        in: 'cookie',
        name: 'openstay_session',
        description: 'a staff session (POST /admin/v1/session); writes also need x-csrf-token',
      },
    },
    security: [{ bearer: [] }, { session: [] }],
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
          // JSON only, but it is what a browser session reads: no framing, no sniffing, no caching.
          await api.register(helmet, {
            contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
            xFrameOptions: { action: 'deny' },
            referrerPolicy: { policy: 'no-referrer' },
          });
          api.addHook('onRequest', (_request, reply, done) => {
            reply.header('cache-control', 'no-store');
            done();
          });
          await api.register(cookie);
          api.addHook('onRequest', adminAuthentication(deps.db, deps.credentialLimits.failuresOf('admin-token')));
          // Before the Idempotency-Key is taken: a refused call claims nothing.
          api.addHook('preValidation', (request, _reply, done) => {
            try {
              if (!request.routeOptions.config?.adminAuth) checkPermission(request);
              done();
            } catch (err) {
              done(err as Error);
            }
          });
          auditWrites(api, deps.db);
          adminIdempotency(api, deps.db);
          await sessionRoutes(api, deps);
          await staffRoutes(api, deps);
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
          await inboxRoutes(api, deps);
          await inboxThreadRoutes(api, deps);
          await realtimeTicketRoutes(api, deps);
          await webhookRoutes(api, deps);
          await loyaltyAdminRoutes(api, deps);
          await loyaltyMemberRoutes(api, deps);
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
