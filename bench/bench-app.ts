import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../src/config/config.js';
import { resolveSecretKeys } from '../src/config/secret-keys.js';
import { startJobWorker } from '../src/core/jobs/job-worker.js';
import { createOutboundClient } from '../src/core/outbound/http-client.js';
import { onDeliveryQueued, takeNewDeliveries } from '../src/core/outbox/deliveries.js';
import { createSecretBox } from '../src/core/shared/secret-box.js';
import { createWebhook } from '../src/core/webhooks/subscriptions.js';
import { jobHandlers } from '../src/server/job-handlers.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../src/db/database.js';
import { startCheckpointer } from '../src/db/sqlite-checkpointer.js';
import { createAccountWithCredentials } from '../src/core/accounts/provision.js';
import { updateAccountSettings } from '../src/core/accounts/accounts.js';
import { createLocation } from '../src/core/locations/locations.js';
import { buildApp } from '../src/server/app.js';
import type { ChildMessage, ParentMessage } from './protocol.js';

/*
 * What every app child of the benches shares: a fresh SQLite file (BENCH_DB_FILE, made by the
 * parent in a temp directory), migrated, with one account and one location, served by buildApp
 * exactly as `openstay serve` would, on a random port of 127.0.0.1; and the answers to the
 * parent's `stats` and `stop`.
 */
export async function startBenchApp() {
  const file = process.env.BENCH_DB_FILE;
  if (!file) throw new Error('BENCH_DB_FILE is not set');
  const config = loadConfig({ DATABASE_URL: `sqlite:${file}`, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'silent' });
  const database = openDatabase(config.databaseUrl);
  await migrateToLatest(database.db);
  // As serve.ts does: the WAL's checkpoints in a thread of their own.
  const checkpointer = await startCheckpointer(database.db, file);
  const { account, loopToken } = await createAccountWithCredentials(database.db, 'bench', 'Bench Hotels');
  // As a hotel has it: national phone numbers are read in the hotel's country.
  await updateAccountSettings(database.db, account.id, { defaultCountry: 'CA' });
  const location = await createLocation(database.db, account.id, { title: { en: 'Bench Hotel' }, shortcode: 'bench', country: 'CA' });
  const webhook = await subscribeWebhook(config, database, account.id);
  const app = await buildApp({ config, database, onJobQueued: () => webhook?.worker.wake() });
  if (webhook) app.addHook('onClose', webhook.stop);
  app.addHook('onClose', checkpointer.stop);
  await app.listen({ port: 0, host: config.host });
  return { config, database, account, location, loopToken, app, port: listeningPort(app) };
}

/*
 * BENCH_WEBHOOK_URL (bench/run.ts sets it with BENCH_WEBHOOK=1): the account gets an enabled
 * webhook subscription for every event type, to that local receiver, and the app runs the job
 * worker that delivers them as `openstay serve` does: every write that emits an event writes its
 * delivery in its transaction, and the deliveries go out meanwhile in this same process (not with
 * BENCH_WEBHOOK_DELIVER=0: then they stay queued).
 */
async function subscribeWebhook(config: Config, database: DatabaseHandle, accountId: number) {
  const url = process.env.BENCH_WEBHOOK_URL;
  if (!url) return undefined;
  const secrets = createSecretBox(resolveSecretKeys(config));
  await createWebhook(database.db, secrets, accountId, { url, events: ['*'] }, { allowPrivate: true });
  // BENCH_WEBHOOK=queue: deliveries are written and left queued (no worker in this process).
  if (process.env.BENCH_WEBHOOK_DELIVER === '0') return undefined;
  const outbound = createOutboundClient({ allowPrivate: true });
  const worker = startJobWorker({ db: database.db, handlers: jobHandlers({ config, secrets, outbound }), leaseMs: config.jobLeaseMs, concurrency: 8 });
  onDeliveryQueued(() => worker.wake());
  takeNewDeliveries(worker);
  return {
    worker,
    stop: async () => {
      onDeliveryQueued(undefined);
      takeNewDeliveries(undefined);
      await worker.stop();
      await outbound.close();
    },
  };
}

function listeningPort(app: FastifyInstance): number {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** Sends a message to the bench parent. */
export function sendToParent(message: ChildMessage): void {
  process.send?.(message);
}

/**
 * Answers the parent: `stats` with the CPU time used and the row count of each table named,
 * `stop` by closing the app and the database, then `beforeExit`, and exiting normally (so that
 * --cpu-prof writes its profile).
 */
export function answerParent(app: FastifyInstance, database: DatabaseHandle, tables: string[], beforeExit?: () => void): void {
  process.on('message', async (message: ParentMessage) => {
    if (message.cmd === 'stats') {
      const { user, system } = process.cpuUsage();
      const counts: Record<string, number> = {};
      for (const table of tables) {
        const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(database.db);
        counts[table] = Number(rows[0]?.n ?? 0);
      }
      sendToParent({ type: 'stats', counts, cpuMicros: user + system });
    }
    if (message.cmd === 'stop') {
      await app.close();
      await database.close();
      beforeExit?.();
      sendToParent({ type: 'stopped' });
      process.exit(0);
    }
  });
}
