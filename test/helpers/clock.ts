import { afterAll, beforeAll, vi } from 'vitest';

/**
 * The instant tests that compare against "today" run at: noon UTC, far from midnight, so a day
 * computed while the fixtures are written is the day the server reads when it answers.
 */
export const FIXED_NOW = Date.parse('2026-11-16T12:00:00.000Z');

/**
 * Freezes Date (Date.now() and new Date()) at `at` for the tests of the file or describe block
 * it is called in. Only Date is mocked (vi.setSystemTime without vi.useFakeTimers): timers stay
 * real, so the pg and better-sqlite3 drivers work as usual. Code that takes a `now` should be
 * passed one instead.
 */
export function freezeDateForFile(at: number = FIXED_NOW): void {
  beforeAll(() => {
    vi.setSystemTime(at);
  });
  afterAll(() => {
    vi.useRealTimers();
  });
}
