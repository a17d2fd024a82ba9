import type { Config } from '../config/config.js';
import { resolveSecretKeys } from '../config/secret-keys.js';
import { createSecretBox } from '../core/shared/secret-box.js';
import { sealPlaintextCallbackTokens } from '../core/stays/stay-callbacks.js';
import { migrateToLatest } from '../db/database.js';
import { openConfiguredDatabase } from '../config/database-check.js';

/**
 * `openstay migrate`: applies pending migrations and says which, then seals the secrets an older
 * version stored in plain text (it needs the key for that, as the server does); a failure exits non-zero.
 */
export async function migrateCommand(config: Config): Promise<number> {
  const handle = await openConfiguredDatabase(config);
  try {
    const secretKeys = resolveSecretKeys(config);
    const applied = await migrateToLatest(handle.db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    const sealed = await sealPlaintextCallbackTokens(handle.db, createSecretBox(secretKeys));
    if (sealed > 0) console.log(`encrypted ${sealed} stored callback token(s)`);
    return 0;
  } finally {
    await handle.close();
  }
}
