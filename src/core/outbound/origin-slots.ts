/*
 * The deliveries a worker has in flight per receiver origin (scheme, host and port), at most a
 * limit each: a delivery beyond it waits, first come first served, until one ends or its wait is
 * over (core/outbound/deliver.ts then puts it back for later).
 */

/**
 * Counts the deliveries in flight per receiver origin, at most `limit` each; a caller beyond it
 * waits (first come, first served) until one ends or `waitMs` passes.
 */
export function originSlots(limit: number) {
  const inFlight = new Map<string, number>();
  const waiting = new Map<string, Array<() => void>>();
  return {
    /** True when the caller holds a slot of `origin` (release it after), false after waiting `waitMs` for none. */
    take(origin: string, waitMs: number): Promise<boolean> {
      const busy = inFlight.get(origin) ?? 0;
      if (busy < limit) {
        inFlight.set(origin, busy + 1);
        return Promise.resolve(true);
      }
      return new Promise((resolve) => {
        const queue = waiting.get(origin) ?? [];
        waiting.set(origin, queue);
        const handOver = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          const at = queue.indexOf(handOver);
          if (at >= 0) queue.splice(at, 1);
          if (queue.length === 0) waiting.delete(origin);
          resolve(false);
        }, waitMs);
        queue.push(handOver);
      });
    },
    /** Ends a slot of `origin`: the longest waiter takes it over, or the count goes down. */
    release(origin: string): void {
      const queue = waiting.get(origin);
      const next = queue?.shift();
      if (queue && queue.length === 0) waiting.delete(origin);
      if (next) {
        next();
        return;
      }
      const left = (inFlight.get(origin) ?? 1) - 1;
      if (left > 0) inFlight.set(origin, left);
      else inFlight.delete(origin);
    },
  };
}
