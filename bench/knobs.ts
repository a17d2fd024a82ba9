import path from 'node:path';

/** A positive number from the environment, or the fallback when unset; anything else stops the bench. */
export function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number (got "${raw}")`);
  return value;
}

/** The knobs every load bench reads: BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_POOL, BENCH_CPU_PROF. */
export function loadKnobs() {
  return {
    durationS: num('BENCH_DURATION', 10),
    warmupS: num('BENCH_WARMUP', 2),
    connections: Math.trunc(num('BENCH_CONNECTIONS', 10)),
    pool: Math.trunc(num('BENCH_POOL', 1000)),
    cpuProfDir: process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined,
  };
}
