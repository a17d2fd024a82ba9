import { sql } from 'kysely';
import { LOOPON_SCOPES } from '../src/api/loopon/context.js';
import { loadConfig } from '../src/config/config.js';
import { createOauthClient, grantClientCredentials } from '../src/core/accounts/oauth.js';
import { createAccountWithCredentials } from '../src/core/accounts/provision.js';
import { createLocation } from '../src/core/locations/locations.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { buildApp } from '../src/server/app.js';
import type { ChildMessage, ParentMessage, ReadyMessage } from './protocol.js';

/*
 * The app under test for bench/stays.ts, in its own process: a fresh SQLite file (BENCH_DB_FILE),
 * one account with one unit and a Loopon client holding basic, manage_stays and chat_sessions,
 * served by buildApp as `openstay serve` would, on a random port of 127.0.0.1.
 */

/** The ready message of this child: the Loopon access token and the unit to post stays to. */
export interface StaysReadyMessage extends ReadyMessage {
  accessToken: string;
  unitId: number;
}

const file = process.env.BENCH_DB_FILE;
if (!file) throw new Error('BENCH_DB_FILE is not set');

const config = loadConfig({ DATABASE_URL: `sqlite:${file}`, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'silent' });
const database = openDatabase(config.databaseUrl);
await migrateToLatest(database.db);
const { account } = await createAccountWithCredentials(database.db, 'bench', 'Bench Hotels');
const unit = await createLocation(database.db, account.id, { title: { en: 'Bench Hotel' }, shortcode: 'bench' });
const { client, clientSecret } = await createOauthClient(database.db, account.id, { scopes: ['basic', 'manage_stays', 'chat_sessions'] }, LOOPON_SCOPES);
const { accessToken } = await grantClientCredentials(database.db, client.client_id, clientSecret, undefined);

const app = await buildApp({ config, database });
await app.listen({ port: 0, host: config.host });

function send(message: ChildMessage | StaysReadyMessage): void {
  process.send?.(message);
}

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['guests', 'stays', 'stay_links', 'stay_callbacks', 'chat_sessions', 'journey_events'] as const) {
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
    send({ type: 'stopped' });
    process.exit(0);
  }
});

const address = app.server.address();
send({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0, accessToken, unitId: unit.id });
