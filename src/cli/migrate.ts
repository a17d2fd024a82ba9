import type { Config } from '../config/config.js';
import { migrateToLatest, openDatabase } from '../db/database.js';

/** `openstay migrate`: applies pending migrations and says which; a failure exits non-zero. */
export async function migrateCommand(config: Config): Promise<number> {
  const handle = openDatabase(config.databaseUrl);
  try {
    const applied = await migrateToLatest(handle.db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    return 0;
  } finally {
    await handle.close();
  }
}
