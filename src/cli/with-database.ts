import type { Config } from '../config/config.js';
import { migrateToLatest, openDatabase, type Db } from '../db/database.js';

/** Opens the configured database, brings it up to date, runs `fn`, and always closes it. */
export async function withDatabase<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  const handle = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(handle.db);
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}
