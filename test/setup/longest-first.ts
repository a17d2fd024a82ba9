import { BaseSequencer, type TestSpecification } from 'vitest/node';

/*
 * The order test files start in. Two workers share the files; a long file that starts last keeps
 * one worker busy after the other ran out of files (in CI, fuzz.test.ts started at 183 s and ran
 * until 221 s, alone for most of it). Starting the longest files first (longest-processing-time
 * scheduling) lets the short ones fill in beside them. A clean checkout has no timings of earlier
 * runs (vitest's own cache sorts by them), so the slowest files are named here, longest first, as
 * measured in CI (docs/performance.md, "The test suite"); the rest keep vitest's order.
 */
const LONGEST = [
  'test/fuzz.test.ts',
  'test/admin-import-jobs.test.ts',
  'test/roles.test.ts',
  'test/serve.test.ts',
  'test/cli.test.ts',
  'test/cli-newcomer.test.ts',
  'test/outbox-sigkill.test.ts',
];

const rank = (spec: TestSpecification) => {
  const i = LONGEST.findIndex((file) => spec.moduleId.endsWith(file));
  return i === -1 ? LONGEST.length : i;
};

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Array.prototype.sort is stable: files of equal rank keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
