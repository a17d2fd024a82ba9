import type { Config } from '../config/config.js';
import { resolveSecretKeys } from '../config/secret-keys.js';
import { createSecretBox } from '../core/shared/secret-box.js';
import { sealPlaintextCallbackTokens } from '../core/stays/stay-callbacks.js';
import { migrateToLatest, openDatabase, type Db } from '../db/database.js';

/**
 * Opens the configured database, brings it up to date, runs `fn`, and always closes it. The CLI
 * reads the same secret key as the server (SECRET_KEY, or the key file beside the SQLite database)
 * and, like the server, seals the tokens an older version stored in plain text.
 */
export async function withDatabase<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  const secretKeys = resolveSecretKeys(config);
  const handle = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(handle.db);
    await sealPlaintextCallbackTokens(handle.db, createSecretBox(secretKeys));
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}
