import { sweepLoyaltySessions } from '../core/loyalty/api-users.js';
import { ConfigError, type Config } from '../config/config.js';
import { migrateToLatest } from '../db/database.js';
import { startCheckpointer } from '../db/sqlite-checkpointer.js';
import { openConfiguredDatabase } from '../config/database-check.js';
import { startNoticeListener, type NoticeListener } from '../db/notices.js';
import { resolveSecretKeys } from '../config/secret-keys.js';
import { createSecretBox } from '../core/shared/secret-box.js';
import { sealPlaintextCallbackTokens } from '../core/stays/stay-callbacks.js';
import { startJobWorker, type JobWorker } from '../core/jobs/job-worker.js';
import { buildApp } from './app.js';
import { jobHandlers } from './job-handlers.js';
import { docsUrls } from './home-page.js';
import { createOutboundClient } from '../core/outbound/http-client.js';
import { onDeliveryQueued, takeNewDeliveries } from '../core/outbox/deliveries.js';
import { applyRetention } from '../core/retention/apply-retention.js';
import { dueAnnouncer, onDeliveriesDueElsewhere } from '../core/outbox/due-notices.js';
import { onMessageQueued } from '../core/messaging/messages.js';
import { createMailer } from '../core/messaging/mailer.js';
import { createTwilioSender } from '../core/messaging/twilio.js';
import { tuneGarbageCollector } from './gc-tuning.js';

/** Jobs of one kind one process runs at once, unless the kind says (deliveries: DELIVERY_CONCURRENCY). */
const WORKER_CONCURRENCY = 8;

/**
 * Runs the server until SIGTERM or SIGINT: then it stops accepting connections, lets in-flight
 * requests finish, stops the job worker (a running job is handed back for any instance), closes
 * the database and exits 0.
 */
export async function serve(config: Config): Promise<void> {
  tuneGarbageCollector();
  // The database first: a path under a missing directory must not get a key file made there.
  const database = await openConfiguredDatabase(config);
  let secretKeys: ReturnType<typeof resolveSecretKeys>;
  try {
    secretKeys = resolveSecretKeys(config);
  } catch (err) {
    await database.close();
    throw err;
  }
  await migrateToLatest(database.db);
  // Tokens stored before they were encrypted: sealed now that the key is at hand.
  const secrets = createSecretBox(secretKeys);
  await sealPlaintextCallbackTokens(database.db, secrets);
  // Every delivery to a URL a tenant supplied goes through this client (connect-time address checks).
  const outbound = createOutboundClient({ allowPrivate: config.allowPrivateCallbackUrls });
  // Guest e-mails reuse a few SMTP connections (each worker slot may send at once).
  const mailer = config.smtpUrl ? createMailer(config.smtpUrl, { pool: WORKER_CONCURRENCY }) : undefined;
  // Guest SMS through Twilio's Messages API (an operator-set endpoint: no outbound address guard).
  const sms = config.twilio ? createTwilioSender(config.twilio) : undefined;
  let worker: JobWorker | undefined;
  let noticeListener: NoticeListener | undefined;
  let stopHearingDue: (() => void) | undefined;
  const app = await buildApp({ config, database, secretKeys, onJobQueued: () => worker?.wake() });
  // SQLite: the WAL's checkpoints mostly in a thread of their own, not in the commits of requests.
  const checkpointLog = app.log.child({ component: 'sqlite-checkpoint' });
  const checkpointer = database.file ? await startCheckpointer(database.db, database.file, (msg) => checkpointLog.warn(msg)) : undefined;
  app.addHook('onClose', async () => {
    onDeliveryQueued(undefined);
    onMessageQueued(undefined);
    takeNewDeliveries(undefined);
    stopHearingDue?.();
    await worker?.stop();
    mailer?.close();
    await sms?.close();
    await noticeListener?.stop();
    await outbound.close();
    await checkpointer?.stop();
    await database.close();
  });
  let closing = false;
  // Answers given while shutting down end their connection: a keep-alive client must not hold the
  // process open (Node would wait for its idle socket) nor send another request into the closing.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await app.close();
    throw listenError(err, config);
  }
  app.log.info({ publicUrl: config.publicUrl, docs: docsUrls(config.publicUrl), database: database.dialect, roles: [...config.roles] }, 'openstay serving');
  // A committed delivery wakes this process's worker at once, and (PostgreSQL) the other instances'.
  const announce =
    database.dialect === 'postgres' ? dueAnnouncer(database.db, (err) => app.log.warn({ err }, 'could not announce queued deliveries')) : undefined;
  onDeliveryQueued(() => {
    worker?.wake();
    announce?.();
  });
  if (config.roles.has('worker')) stopHearingDue = onDeliveriesDueElsewhere(() => worker?.wake());
  if (database.dialect === 'postgres') {
    // Other instances' changes to cached values (revoked tokens, settings) and chat events are heard here.
    const log = app.log.child({ component: 'notices' });
    noticeListener = startNoticeListener({ connectionString: config.databaseListenUrl ?? config.databaseUrl, log });
  }
  if (config.roles.has('worker')) {
    // Without SMTP_URL no worker here takes e-mails: waking it for them would only cost claims.
    if (mailer || sms) onMessageQueued(() => worker?.wake());
    worker = startJobWorker({
      db: database.db,
      handlers: jobHandlers({ config, secrets, outbound, mailer, sms }),
      leaseMs: config.jobLeaseMs,
      // Jobs of each kind at once (deliveries say their own, more: they mostly wait on receivers).
      concurrency: WORKER_CONCURRENCY,
      alsoSweep: async (db) => {
        // Each account's retention (deliveries, chat history, inactive guests...), at most hourly.
        await applyRetention(db, { onError: (err, accountId) => app.log.error({ err, accountId }, 'retention pass failed') });
        await sweepLoyaltySessions(db);
      },
      log: app.log.child({ component: 'jobs' }),
    });
    // Deliveries written in this process are run by its worker without a claim, while it has room.
    takeNewDeliveries(worker);
  }

  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // Connections that were busy when the signal came are closed as soon as they go idle.
    setInterval(() => app.server.closeIdleConnections(), 100).unref();
    const forced = setTimeout(() => {
      app.log.error('in-flight requests did not finish within 10 s; exiting');
      process.exit(1);
    }, 10_000);
    forced.unref();
    app.close().then(
      () => process.exit(0),
      (err) => {
        app.log.error({ err }, 'error while closing');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** A HOST or PORT this machine cannot listen on is a configuration error (exit 2, one line). */
function listenError(err: unknown, config: Config): unknown {
  const code = (err as { code?: string })?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EADDRNOTAVAIL') {
    return new ConfigError(`configuration error: HOST "${config.host}" is not an address of this machine (${code})`);
  }
  if (code === 'EADDRINUSE') return new ConfigError(`configuration error: PORT ${config.port} is already in use on ${config.host}`);
  if (code === 'EACCES') return new ConfigError(`configuration error: PORT ${config.port} needs privileges this process does not have`);
  return err;
}
