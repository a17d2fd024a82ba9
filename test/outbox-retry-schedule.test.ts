import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE, nextAttemptAt } from '../src/core/outbox/retry-schedule.js';
import { FIXED_NOW } from './helpers/clock.js';

// The retry schedule of the outbox: 1 s, 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, then every 2 h with
// ±10 % jitter, until 24 h after the event; then dead.
describe('outbox retry schedule', () => {
  const middle = () => 0.5;

  it('waits about 1 s, 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, then 2 h', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((failed) => nextAttemptAt(failed, FIXED_NOW, FIXED_NOW, DEFAULT_SCHEDULE, middle)! - FIXED_NOW);
    expect(delays).toEqual([1_000, 5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 7_200_000]);
  });

  it('jitters by at most 10 % either way', () => {
    expect(nextAttemptAt(3, FIXED_NOW, FIXED_NOW, DEFAULT_SCHEDULE, () => 0)! - FIXED_NOW).toBe(27_000);
    expect(nextAttemptAt(3, FIXED_NOW, FIXED_NOW, DEFAULT_SCHEDULE, () => 0.999999)! - FIXED_NOW).toBe(33_000);
  });

  it('is dead once the next attempt would be more than 24 h after the event', () => {
    let now = FIXED_NOW;
    let failed = 0;
    let next: number | null = FIXED_NOW;
    while (next !== null) {
      now = next;
      failed += 1;
      next = nextAttemptAt(failed, FIXED_NOW, now, DEFAULT_SCHEDULE, middle);
    }
    expect(now - FIXED_NOW).toBeLessThanOrEqual(86_400_000);
    expect(now - FIXED_NOW).toBeGreaterThan(86_400_000 - 7_200_000);
    // the first attempt, 7 on the early schedule, then 11 two hours apart
    expect(failed).toBe(19);
  });
});
