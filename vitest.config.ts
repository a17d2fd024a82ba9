import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each test file gets its own database (see test/helpers/database.ts); files run in parallel.
    pool: 'forks',
    // At least two files at a time, even on 2 cores (vitest's default, one less than the cores, is
    // one there): most files spend much of their time waiting on PostgreSQL, sockets, timers and
    // child processes, which the other file fills with work.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    // Every log line of the run is scanned for every secret the tests issued (issue 9).
    // Test databases are copies of one migrated per run (test/setup/migrated-templates.ts).
    globalSetup: ['test/setup/secret-scan.ts', 'test/setup/migrated-templates.ts'],
    setupFiles: ['test/setup/record-secrets.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
