import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each test file gets its own database (see test/helpers/database.ts); files run in parallel.
    pool: 'forks',
    // Every log line of the run is scanned for every secret the tests issued (issue 9).
    // Test databases are copies of one migrated per run (test/setup/migrated-templates.ts).
    globalSetup: ['test/setup/secret-scan.ts', 'test/setup/migrated-templates.ts'],
    setupFiles: ['test/setup/record-secrets.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
