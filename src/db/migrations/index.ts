import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './2026-11-22T00-00-foundation.js';
import * as loopon from './2026-11-22T01-00-loopon.js';

/** Every migration, by its dated name. Imported statically so the build needs no file scanning. */
const migrations: Record<string, Migration> = {
  '2026-11-22T00-00-foundation': foundation,
  '2026-11-22T01-00-loopon': loopon,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
