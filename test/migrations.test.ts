import { Migrator, NO_MIGRATIONS } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/database.js';
import { migrationProvider } from '../src/db/migrations/index.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';

describe.each(dialects())('migrations on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t?.destroy());

  it('go down to nothing and up again, and are idempotent', async () => {
    const migrator = new Migrator({ db: t.db, provider: migrationProvider });
    const down = await migrator.migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    const tables = (await t.db.introspection.getTables()).map((x) => x.name);
    expect(tables).not.toContain('guests');
    expect(await migrateToLatest(t.db)).toEqual(['2026-11-22T00-00-foundation', '2026-11-22T01-00-loopon', '2026-11-22T02-00-stay-guest-dates']);
    expect(await migrateToLatest(t.db)).toEqual([]);
    expect((await t.db.introspection.getTables()).map((x) => x.name)).toContain('guests');
  });
});
