import { setFlagsFromString } from 'node:v8';

/**
 * How much the old generation may grow past what the last full collection left alive before the
 * next one: 300 % (four times the live heap) instead of V8's own factor, which for a server whose
 * collections look cheap stays near 1.1-1.5. A full collection of this server's heap (about 64 MB
 * live with 1,000 chat sockets, most of it code) marks for 60-70 ms on helper threads that take the
 * cores PostgreSQL and the process itself need; at 200 chat messages/s it came every 5-7 s and made
 * every message of those 100 ms late (docs/performance.md, "GC stalls"). With this headroom it
 * comes every 40 s or more, which keeps the stalls under 1 % of messages, at the cost of a heap up to
 * four times its live size.
 */
const HEAP_GROWING_PERCENT = 300;

/**
 * Applies the server's garbage-collector setting, unless the operator chose one on node's command
 * line (`node --heap-growing-percent=N bin/openstay.js serve`; NODE_OPTIONS cannot carry this V8
 * flag). V8 reads it at each full collection, so setting it at run time takes effect from the next.
 */
export function tuneGarbageCollector(): void {
  const chosen = process.execArgv.some((arg) => /^--heap[-_]growing[-_]percent/.test(arg));
  if (!chosen) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
