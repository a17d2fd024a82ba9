import type { LoadResult } from './load.js';

export interface Row {
  name: string;
  result: LoadResult;
  /** share of one core the server process used during the measured run, in % */
  serverCpuPct: number;
  /** server CPU time (user + system) per answered request, in microseconds */
  serverMicrosPerReq: number;
  /** share of one core this process (autocannon) used during the measured run, in % */
  loadCpuPct: number;
  /** req/s of this scenario / req/s of the baseline echo (undefined without a baseline) */
  ratio?: number;
  /** baseline server µs per request / this scenario's (undefined without a baseline) */
  cpuRatio?: number;
}

const fmt = (value: number, digits: number) => value.toFixed(digits);
const opt = (value: number | undefined, digits: number) => (value === undefined ? '-' : fmt(value, digits));

/** A compact fixed-width table of the measured runs. */
export function table(rows: Row[]): string {
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'errors', 'srv cpu%', 'srv us/req', 'gen cpu%', 'ratio', 'cpu ratio'];
  const body = rows.map((r) => [
    r.name,
    fmt(r.result.reqPerSec, 0),
    fmt(r.result.p50Ms, 2),
    fmt(r.result.p99Ms, 2),
    String(r.result.requests),
    String(r.result.non2xx),
    String(r.result.errors + r.result.timeouts),
    fmt(r.serverCpuPct, 0),
    fmt(r.serverMicrosPerReq, 0),
    fmt(r.loadCpuPct, 0),
    opt(r.ratio, 2),
    opt(r.cpuRatio, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** The same figures as one JSON-friendly object per scenario. */
export function jsonRow(r: Row): Record<string, unknown> {
  const round = (v: number | undefined, digits: number) => (v === undefined ? null : Math.round(v * 10 ** digits) / 10 ** digits);
  return {
    reqPerSec: round(r.result.reqPerSec, 1),
    p50Ms: r.result.p50Ms,
    p99Ms: r.result.p99Ms,
    requests: r.result.requests,
    non2xx: r.result.non2xx,
    errors: r.result.errors + r.result.timeouts,
    serverCpuPct: round(r.serverCpuPct, 1),
    serverMicrosPerReq: round(r.serverMicrosPerReq, 1),
    loadCpuPct: round(r.loadCpuPct, 1),
    ratio: round(r.ratio, 3),
    cpuRatio: round(r.cpuRatio, 3),
  };
}
