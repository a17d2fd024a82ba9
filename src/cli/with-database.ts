import type { Config } from '../config/config.js';
import { resolveSecretKeys } from '../config/secret-keys.js';
import { createSecretBox } from '../core/shared/secret-box.js';
import { sealPlaintextCallbackTokens } from '../core/stays/stay-callbacks.js';
import { migrateToLatest, type Db } from '../db/database.js';
import { describeDatabase, openConfiguredDatabase } from '../config/database-check.js';
import { AppError, isAppError } from '../core/shared/errors.js';

/**
 * Opens the configured database, brings it up to date, runs `fn`, and always closes it. The CLI
 * reads the same secret key as the server (SECRET_KEY, or the key file beside the SQLite database)
 * and, like the server, seals the tokens an older version stored in plain text. What it cannot
 * find (an account, a guest) is reported with the database it looked in.
 */
export async function withDatabase<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  const handle = await openConfiguredDatabase(config);
  try {
    const secretKeys = resolveSecretKeys(config);
    await migrateToLatest(handle.db);
    await sealPlaintextCallbackTokens(handle.db, createSecretBox(secretKeys));
    return await fn(handle.db);
  } catch (err) {
    // Whatever was not found was looked for in this database: say which.
    if (isAppError(err) && err.status === 404)
      throw new AppError(err.code, err.status, `${err.message} in ${describeDatabase(config.databaseUrl)}`, err.details);
    throw err;
  } finally {
    await handle.close();
  }
}
