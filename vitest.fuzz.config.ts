import { defineConfig } from 'vitest/config';

/** `npm run fuzz`: the long property-based run of test/fuzz/faces.fuzz.ts (docs/reliability.md). */
export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.fuzz.ts'],
    pool: 'forks',
    // One face after another: the figures are per face, and the machine stays usable.
    fileParallelism: false,
    testTimeout: 4 * 60 * 60_000,
    hookTimeout: 120_000,
  },
});
