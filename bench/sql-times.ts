import { createRequire } from 'node:module';

/*
 * BENCH_SQL_TIMES=1: the app child times every better-sqlite3 statement call (run, all, get) by
 * SQL text and prints the table when it stops, so "where the µs go" can name the statements.
 * The timing itself adds about a microsecond per call; use it to compare statements, not for the
 * headline figures.
 */
interface Stat {
  calls: number;
  micros: number;
}

const stats = new Map<string, Stat>();

/** Wraps the Statement methods of better-sqlite3 (all connections of this process). */
export function timeSqlStatements(): void {
  const require = createRequire(import.meta.url);
  const Database = require('better-sqlite3') as new (file: string) => { prepare(sql: string): object; close(): void };
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, (...args: unknown[]) => unknown>;
  probe.close();
  for (const method of ['run', 'all', 'get']) {
    const original = proto[method];
    proto[method] = function (this: { source: string }, ...args: unknown[]) {
      const t0 = process.hrtime.bigint();
      try {
        return original.apply(this, args);
      } finally {
        const micros = Number(process.hrtime.bigint() - t0) / 1000;
        const key = this.source.replace(/\s+/g, ' ').slice(0, 100);
        const stat = stats.get(key) ?? { calls: 0, micros: 0 };
        stat.calls++;
        stat.micros += micros;
        stats.set(key, stat);
      }
    };
  }
}

/** The statements by total time: µs per call, calls, SQL (statements run fewer than `minCalls` times left out). */
export function sqlTimesReport(minCalls = 100): string {
  const lines = [...stats.entries()]
    .filter(([, s]) => s.calls >= minCalls)
    .sort((a, b) => b[1].micros - a[1].micros)
    .map(([sql, s]) => `${(s.micros / s.calls).toFixed(1).padStart(8)} us/call ${String(s.calls).padStart(8)} calls  ${sql}`);
  return ['SQLite statements of the app child (BENCH_SQL_TIMES):', ...lines].join('\n');
}
