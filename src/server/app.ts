import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config, Role } from '../config/config.js';
import { databaseAnswers, type DatabaseHandle } from '../db/database.js';
import { validatorCompiler } from '../api/http/validator.js';
import { lazySerializerFactory, lazyValidatorCompiler, schemaCompiles } from '../api/http/lazy-schemas.js';
import { redactedError, redactLogArguments, redactUrl } from '../api/http/redact.js';
import { credentialFailures, type CredentialLimits } from '../api/http/credential-failures.js';
import { clientQuotas } from '../api/http/client-quota.js';
import { clientQuota } from '../core/accounts/client-quota.js';
import { noSuchEndpoint } from '../api/http/errors.js';
import { inputProblem } from '../api/http/input-check.js';
import { badRequest } from '../core/shared/errors.js';
import { loopFace } from '../api/loop-v1/index.js';
import { resolveSecretKeys } from '../config/secret-keys.js';
import { createSecretBox, type SecretKeys } from '../core/shared/secret-box.js';
import { adminApi } from '../api/admin/index.js';
import { LOOPON_SCOPES, looponTokenUrl } from '../api/loopon/context.js';
import { looponFace } from '../api/loopon/index.js';
import { prioFace } from '../api/prio/index.js';
import { fideltourFace } from '../api/fideltour/index.js';
import { limitRequestBodies } from './body-watchdog.js';
import { BODY_MIN_BYTES_PER_SECOND, answerClientError, capConnectionsPerAddress, connectionTimes, serverTimeoutOptions } from './connection-limits.js';
import { createMetrics, metricsRoute, recordHttpMetrics } from './metrics.js';
import { consoleRoutes, type ConsoleFallback } from './console.js';
import { registerRealtime } from '../api/http/realtime.js';
import { createChatHub } from '../core/chat/shared-chat-hub.js';
import { countDueJobs, jobsStalled } from '../core/jobs/jobs.js';
import { DELIVERY_JOB_KIND } from '../core/outbox/deliveries.js';
import { unsubscribePageRoutes } from '../api/guest-messages/unsubscribe-page.js';
import { guestChatRoutes } from '../api/guest-chat/index.js';
import { createOutboundClient } from '../core/outbound/http-client.js';
import { twilioHookRoutes } from '../api/twilio/twilio-hooks.js';
import { surveyPageRoutes } from '../api/guest-pages/survey/survey-page.js';

export interface AppOptions {
  config: Config;
  database: DatabaseHandle;
  /** the keys sealing stored secrets; by default resolveSecretKeys(config) (SECRET_KEY or the SQLite key file) */
  secretKeys?: SecretKeys;
  /** a pino destination stream; tests pass one to read the log lines */
  logStream?: NodeJS.WritableStream;
  /** called when a request queues a background job (serve.ts wakes its worker) */
  onJobQueued?: () => void;
  /** the WebSocket heartbeat interval (default 30 s); tests shorten it */
  socketPingIntervalMs?: number;
}

/** Where each face is mounted; FACE_HOSTS can also serve one at the root of a host name. */
export const FACE_PREFIXES: Record<string, string> = {
  loop: '/loop',
  loopon: '/loopon',
  prio: '/prio',
  fideltour: '/fideltour',
  admin: '/admin',
};

/**
 * How long a refused connection is kept open for its client to read the 503: it counts towards
 * the server's connections, so a shutdown waits for it.
 */
const REFUSED_LINGER_MS = 2_000;

/** /readyz fails when an outbox delivery has been due this long without a worker taking it. */
const OUTBOX_STALLED_MS = 120_000;

/** Builds the HTTP application: external plugins, then faces, then the native API. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { config, database } = opts;
  const times = connectionTimes(config);
  // Route schemas compile on a route's first request (src/api/http/lazy-schemas.ts).
  const compiles = schemaCompiles();
  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(opts.logStream ? { stream: opts.logStream } : {}),
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
      // Secrets never reach a line: the request's URL, an error's message and stack (which may
      // quote the URL) and any message text go through the redaction of src/api/http/redact.ts.
      serializers: {
        req: (req) => ({ method: req.method, url: redactUrl(req.url), host: req.headers?.host, remoteAddress: req.ip }),
        err: redactedError,
      },
      hooks: { logMethod: redactLogArguments },
    },
    requestIdHeader: 'x-request-id',
    schemaController: { compilersFactory: { buildSerializer: lazySerializerFactory(compiles) } },
    bodyLimit: config.bodyLimit,
    // TRUST_PROXY: which X-Forwarded-* headers count (request.ip, request.protocol); none by default.
    trustProxy: trustProxyOption(config.trustProxy),
    ...serverTimeoutOptions(times),
    clientErrorHandler: answerClientError,
    rewriteUrl: (req) => rewriteForFaceHost(config, req.headers.host, req.url ?? '/'),
    return503OnClosing: true,
    // Loop's own server (Express) ignores path case and trailing slashes; clients rely on both.
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 1000 },
    // A URL the router cannot decode (bad %-escapes): a plain 400 that does not echo the URL,
    // whose query may carry an authToken.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const message = error.code === 'FST_ERR_BAD_URL' ? 'The request URL is malformed (invalid %-encoding)' : 'Bad request';
      void reply.status(400).send({ error: 'bad_request', message });
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Over MAX_CONNECTIONS_PER_ADDRESS a connection is refused (503) before any request is read.
  const connections = capConnectionsPerAddress(app.server, config.maxConnectionsPerAddress, REFUSED_LINGER_MS);
  limitRequestBodies(app, { windowMs: times.bodyWindowMs, minBytesPerSecond: BODY_MIN_BYTES_PER_SECOND });
  const metrics = createMetrics(database);
  app.decorate('metrics', metrics);
  recordHttpMetrics(app, metrics);
  metrics.counter({
    name: 'openstay_http_connections_refused_total',
    help: 'Connections refused because their address had MAX_CONNECTIONS_PER_ADDRESS open',
    collect: () => connections.refused,
  });

  app.setValidatorCompiler(lazyValidatorCompiler(validatorCompiler, compiles));
  app.decorate('compileRouteSchemas', () => compiles.compileAll());
  // Every face: refused here, rendered by the face's own error handler. The hooks of every
  // request are callback-style: an async hook costs a promise and a microtask turn per request.
  app.addHook('preValidation', (request, _reply, done) => {
    const problem = inputProblem(request.params) ?? inputProblem(request.query) ?? inputProblem(request.body);
    done(problem ? badRequest(problem) : undefined);
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  metrics.gauge({
    name: 'openstay_outbox_due',
    help: 'Outbox deliveries due now and waiting for a worker',
    collect: () => countDueJobs(database.db, [DELIVERY_JOB_KIND]),
  });
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const ok = await databaseAnswers(database.db);
    if (!ok) return reply.status(503).send({ status: 'unavailable', database: database.dialect });
    // Deliveries due for minutes and still unclaimed: the workers are stalled. A receiver that is
    // down never fails this (its delivery waits for its next attempt, not due meanwhile).
    const stalled = await jobsStalled(database.db, [DELIVERY_JOB_KIND], OUTBOX_STALLED_MS).catch(() => false);
    if (stalled) return reply.status(503).send({ status: 'unavailable', database: database.dialect, outbox: 'stalled' });
    return reply.status(200).send({ status: 'ok', database: database.dialect });
  });

  metricsRoute(app, metrics, config.metricsToken);

  let consoleFallback: ConsoleFallback = () => false;
  app.setNotFoundHandler((request, reply) => {
    if (consoleFallback(request, reply)) return;
    void reply.status(404).send({ error: 'not_found', message: noSuchEndpoint(request) });
  });

  // Counters only where a route asks (credential failures, quotas): nothing is counted globally.
  await app.register(rateLimit, { global: false });
  const credentialLimits: CredentialLimits = {
    failuresOf: (check) => credentialFailures(app, check, config.credentialFailures),
    quota: clientQuotas(app, (accountId) => clientQuota(database.db, accountId)),
  };
  const secrets = openSecretBox(app, opts.secretKeys ?? resolveSecretKeys(config));
  // A process with neither the web nor the realtime role (ROLES=worker) answers only /healthz,
  // /readyz and /metrics.
  if (!config.roles.has('web') && !config.roles.has('realtime')) return app;
  serveOnlyRoles(app, config.roles);
  // WebSockets on the same port: guest chat (Loopon face) and the staff realtime socket (admin API).
  // The chat hub is shared with the other instances on PostgreSQL (LISTEN/NOTIFY).
  const chatHub = createChatHub(database.db, (err) => app.log.error({ err }, 'a chat hub listener failed'));
  app.addHook('onClose', async () => chatHub.close());
  const realtime = await registerRealtime(app, chatHub, { pingIntervalMs: opts.socketPingIntervalMs });
  metrics.gauge({ name: 'openstay_chat_sockets', help: 'Open guest chat WebSockets (Loopon chat sessions)', collect: () => realtime.open.guest });
  metrics.gauge({ name: 'openstay_staff_realtime_sockets', help: 'Open staff realtime WebSockets (/admin/v1/realtime)', collect: () => realtime.open.staff });
  const deps = { db: database.db, config, credentialLimits, secrets, realtime };
  await app.register(loopFace, deps);
  await app.register(looponFace, deps);
  await app.register(prioFace, deps);
  await app.register(fideltourFace, deps);
  // API clients registered through the admin API are the Loopon face's OAuth clients.
  // The unsubscribe page of guest e-mails (List-Unsubscribe), in a scope of its own.
  await app.register(unsubscribePageRoutes, { db: database.db, config });
  // The survey page of survey invitations (signed links), in a scope of its own.
  await app.register(surveyPageRoutes, { db: database.db, config, credentialLimits });
  // The guest pages' chat: its script, photo uploads, signed photo links and the image proxy (its own outbound client).
  const outbound = createOutboundClient({ allowPrivate: config.allowPrivateCallbackUrls });
  app.addHook('onClose', async () => outbound.close());
  await app.register(guestChatRoutes, { db: database.db, config, credentialLimits, realtime, outbound });
  // Twilio's SMS webhooks (delivery status, inbound SMS), signed with TWILIO_AUTH_TOKEN.
  await app.register(twilioHookRoutes, { db: database.db, config, hub: chatHub });
  await app.register(adminApi, { ...deps, apiClients: { scopes: LOOPON_SCOPES, tokenUrl: looponTokenUrl(config) }, onJobQueued: opts.onJobQueued });
  consoleFallback = await consoleRoutes(app, config.publicUrl);
  return app;
}

const OPERATIONS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * ROLES=web or ROLES=realtime alone: the faces are registered, and this hook refuses what the
 * process does not serve (WebSocket upgrades without realtime, every other request without web),
 * so that a load balancer can send sockets and plain requests to different instances.
 */
function serveOnlyRoles(app: FastifyInstance, roles: ReadonlySet<Role>): void {
  if (roles.has('web') && roles.has('realtime')) return;
  app.addHook('onRequest', (request, reply, done) => {
    const socket = request.headers.upgrade?.toLowerCase() === 'websocket';
    if (socket ? roles.has('realtime') : roles.has('web') || OPERATIONS_PATHS.has(request.url.split('?')[0])) return done();
    const what = socket ? 'WebSocket connections' : 'the APIs';
    // A refused upgrade is answered on a socket the HTTP server already handed over to the
    // WebSocket side: nothing else will close it, so it ends with the answer.
    if (socket) {
      reply.header('connection', 'close');
      reply.raw.once('finish', () => request.raw.socket.destroy());
    }
    void reply.status(404).send({ error: 'not_found', message: `This process does not serve ${what} (ROLES=${[...roles].join(',')})` });
  });
}

/**
 * TRUST_PROXY for Fastify. A hop count becomes "the first N addresses seen are proxies" (Express's
 * reading): Fastify 5.12 reads a bare number as trusting nothing, since a count cannot tell the
 * proxy from a client that reaches the port directly (the README says to prefer addresses).
 */
function trustProxyOption(trust: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust !== 'number') return trust;
  return (_address, hop) => hop < trust;
}

/** A request to a host named in FACE_HOSTS is routed as if it had the face's prefix. */
function rewriteForFaceHost(config: Config, hostHeader: string | undefined, url: string): string {
  if (config.faceHosts.size === 0 || !hostHeader) return url;
  const hostName = hostHeader.replace(/:\d+$/, '').toLowerCase();
  const face = config.faceHosts.get(hostName);
  if (!face) return url;
  const prefix = FACE_PREFIXES[face];
  if (url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`)) return url;
  if (url === '/healthz' || url === '/readyz' || url === '/metrics') return url;
  return `${prefix}${url}`;
}

/** The app's secret box: a value no key opens is logged once (never the value itself), not a crash. */
function openSecretBox(app: FastifyInstance, keys: SecretKeys) {
  return createSecretBox(keys, (problem) =>
    app.log.error({ keyId: problem.keyId, reason: problem.reason }, 'a stored secret could not be decrypted with SECRET_KEY or SECRET_KEY_PREVIOUS'),
  );
}
