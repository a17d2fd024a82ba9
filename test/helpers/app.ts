import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config/config.js';
import type { Dialect } from '../../src/db/database.js';
import { createAccountWithCredentials } from '../../src/core/accounts/provision.js';
import { buildApp } from '../../src/server/app.js';
import { resolveSecretKeys } from '../../src/config/secret-keys.js';
import { createSecretBox, type SecretBox } from '../../src/core/shared/secret-box.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { recordLogLines } from './secret-log.js';

/** The SECRET_KEY of test apps and commands on PostgreSQL (32 bytes, base64). */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  config: Config;
  /** every log line the app wrote */
  logs: string[];
  /** a box over the app's secret keys, to open what it stored */
  secrets: SecretBox;
  close(): Promise<void>;
}

/**
 * A built app on a fresh database of the dialect; env overrides go through loadConfig. With `demo`
 * the database starts with the demo account in it (see createTestDatabase): for files that call
 * ensureDemoAccount first.
 */
export async function createTestApp(dialect: Dialect, env: Record<string, string> = {}, { demo = false }: { demo?: boolean } = {}): Promise<TestApp> {
  const database = await createTestDatabase(dialect, { demo });
  // PostgreSQL requires SECRET_KEY; SQLite apps use the key file beside their temporary database.
  const secretKey = dialect === 'postgres' ? { SECRET_KEY: TEST_SECRET_KEY } : {};
  const config = loadConfig({ PUBLIC_URL: 'http://openstay.test', LOG_LEVEL: 'info', ...secretKey, ...env, DATABASE_URL: database.url });
  const logs: string[] = [];
  const logStream = new PassThrough();
  logStream.on('data', (chunk) => {
    const lines = String(chunk).split('\n').filter(Boolean);
    logs.push(...lines);
    // Every line goes to the run's scan for issued secrets too (test/setup/secret-scan.ts).
    recordLogLines(lines);
  });
  const app = await buildApp({ config, database, logStream });
  await app.ready();
  return {
    app,
    database,
    config,
    logs,
    secrets: createSecretBox(resolveSecretKeys(config)),
    close: async () => {
      await app.close();
      await database.destroy();
    },
  };
}

let counter = 0;
/** A new account with its tokens; each test builds its own so none depends on another's data. */
export async function createTestAccount(t: TestApp, slug = `hotel-${process.pid}-${++counter}`) {
  const { account, adminToken, loopToken } = await createAccountWithCredentials(t.database.db, slug, `Test ${slug}`);
  return { account, adminToken, loopToken };
}
