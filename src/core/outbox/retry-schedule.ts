/*
 * When a failed delivery is tried again: about 1 s, 5 s, 30 s, 2 min, 10 min, 30 min, 1 h after
 * the attempts that failed, then every 2 h, each with ±10 % jitter, until 24 h after the event
 * (or the replay that gave the delivery a new life); after that the delivery is dead.
 */
export const RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000] as const;
export const LATER_RETRY_MS = 7_200_000;
export const DELIVERY_LIFETIME_MS = 86_400_000;

export interface RetrySchedule {
  delaysMs: readonly number[];
  laterMs: number;
  lifetimeMs: number;
}

export const DEFAULT_SCHEDULE: RetrySchedule = { delaysMs: RETRY_DELAYS_MS, laterMs: LATER_RETRY_MS, lifetimeMs: DELIVERY_LIFETIME_MS };

/** The time of the next attempt after `failed` attempts, or null when the delivery is dead. */
export function nextAttemptAt(
  failed: number,
  lifeStartedAt: number,
  now: number,
  schedule: RetrySchedule = DEFAULT_SCHEDULE,
  random = Math.random,
): number | null {
  const base = schedule.delaysMs[failed - 1] ?? schedule.laterMs;
  const next = now + Math.round(base * (0.9 + 0.2 * random()));
  return next > lifeStartedAt + schedule.lifetimeMs ? null : next;
}
