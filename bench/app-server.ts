import { sql } from 'kysely';
import { loadConfig } from '../src/config/config.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { createAccountWithCredentials } from '../src/core/accounts/provision.js';
import { createLocation } from '../src/core/locations/locations.js';
import { buildApp } from '../src/server/app.js';
import { encodeId } from '../src/api/loop-v1/ids.js';
import type { ChildMessage, ParentMessage } from './protocol.js';
import { sqlTimesReport, timeSqlStatements } from './sql-times.js';

/*
 * The app under test, in its own process: a fresh SQLite file (BENCH_DB_FILE, made by the parent
 * in a temp directory), migrated, with one account and one location, served by buildApp exactly
 * as `openstay serve` would, on a random port of 127.0.0.1.
 */
const file = process.env.BENCH_DB_FILE;
if (!file) throw new Error('BENCH_DB_FILE is not set');
const sqlTimes = process.env.BENCH_SQL_TIMES === '1';
if (sqlTimes) timeSqlStatements();

const config = loadConfig({
  DATABASE_URL: `sqlite:${file}`,
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'silent',
});
const database = openDatabase(config.databaseUrl);
await migrateToLatest(database.db);
const { account, loopToken } = await createAccountWithCredentials(database.db, 'bench', 'Bench Hotels');
const location = await createLocation(database.db, account.id, { title: { en: 'Bench Hotel' }, shortcode: 'bench' });

const app = await buildApp({ config, database });
await app.listen({ port: 0, host: config.host });

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['guests', 'guest_keys', 'stays', 'journey_events'] as const) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(database.db);
    out[table] = Number(rows[0]?.n ?? 0);
  }
  return out;
}

process.on('message', async (message: ParentMessage) => {
  if (message.cmd === 'stats') {
    const { user, system } = process.cpuUsage();
    send({ type: 'stats', counts: await counts(), cpuMicros: user + system });
  }
  if (message.cmd === 'stop') {
    await app.close();
    await database.close();
    if (sqlTimes) process.stderr.write(`${sqlTimesReport()}\n`);
    send({ type: 'stopped' });
    // A normal exit, so that --cpu-prof (BENCH_CPU_PROF) writes its profile.
    process.exit(0);
  }
});

const address = app.server.address();
send({
  type: 'ready',
  port: typeof address === 'object' && address ? address.port : 0,
  loopToken,
  locationId: encodeId('location', location.id),
});
