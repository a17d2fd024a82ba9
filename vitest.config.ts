import os from 'node:os';
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import LongestFirst from './test/setup/longest-first.js';

/** Test files that measure their own process (the RSS of a long import), so may not share it. */
const OWN_PROCESS = ['test/admin-import-jobs.test.ts'];

/** What every project runs with (projects do not inherit the root's test options). */
const shared: TestProjectInlineConfiguration['test'] = {
  // Each test file gets its own database (see test/helpers/database.ts); files run in parallel.
  pool: 'forks',
  setupFiles: ['test/setup/record-secrets.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    // At least two files at a time, even on 2 cores (vitest's default, one less than the cores, is
    // one there): most files spend much of their time waiting on PostgreSQL, sockets, timers and
    // child processes, which the other file fills with work. The limit is the run's, over both projects.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    // The slowest files start first (test/setup/longest-first.ts).
    sequence: { sequencer: LongestFirst },
    // The root's global setup runs once for the run and what it provides reaches every project.
    // Every log line of the run is scanned for every secret the tests issued (issue 9).
    // Test databases are copies of one migrated per run (test/setup/migrated-templates.ts).
    globalSetup: ['test/setup/secret-scan.ts', 'test/setup/migrated-templates.ts'],
    projects: [
      {
        test: {
          ...shared,
          name: 'node',
          // Files share their worker's modules instead of importing the whole app again each (about
          // 4 s of a core per file, 40 % of the suite's CPU). Each file still has its own databases;
          // test/setup/record-secrets.ts clears the per-process caches before each file, whose
          // databases reuse the account ids of the file before.
          isolate: false,
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/e2e/**', ...OWN_PROCESS],
        },
      },
      {
        // Files that measure their process (its memory) run in a process of their own.
        test: { ...shared, name: 'node-isolated', include: OWN_PROCESS },
      },
      {
        // Browser tests each start a Chromium next to a served app: one such file at a time, after
        // the other projects (groupOrder below), alone, so no browser competes with another one or
        // with the rest of the suite for the cores (their timeouts were load).
        test: {
          ...shared,
          name: 'browser',
          // One worker runs them all, sharing the app's modules (as the node files do): a fresh
          // process per file cost about 2 s of imports each. Their module state is per served app.
          isolate: false,
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          // A group of its own, after the others (vitest requires one for a single-worker project that shares modules).
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
