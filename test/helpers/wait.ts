import { vi } from 'vitest';

export interface WaitOptions {
  /** give up after this many ms (default 10 s: generous for a loaded 2-core machine) */
  timeout?: number;
  /** how often to look again, in ms */
  interval?: number;
  /** what is awaited, for the timeout message (a function: read when the wait fails) */
  what?: string | (() => string);
}

/**
 * Resolves with the condition's first truthy value, looking again every `interval` ms; rejects
 * with a message naming `what` after `timeout`. Use it instead of a fixed sleep: a test waits
 * exactly as long as the condition takes, and fails clearly when it never holds. (vi.waitUntil,
 * which uses the real timers even under vi.useFakeTimers.)
 */
export async function waitUntil<T>(condition: () => T | Promise<T>, opts: WaitOptions = {}): Promise<T> {
  const { timeout = 10_000, interval = 20, what = 'a condition' } = opts;
  try {
    return await vi.waitUntil(condition, { timeout, interval });
  } catch (err) {
    if (!/Timed out in waitUntil/.test(String(err))) throw err;
    throw new Error(`timed out after ${timeout} ms waiting for ${typeof what === 'function' ? what() : what}`);
  }
}
