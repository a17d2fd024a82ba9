import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startChild, type ServerChild } from './child.js';
import { loadKnobs } from './knobs.js';
import { jsonRow, table, type Row } from './report.js';
import { runLoad } from './load.js';
import type { StaysReadyMessage } from './stays-server.js';

/*
 * node dist/bench/stays.js (after npm run build): Loopon POST /units/{unitId}/stays against a
 * bare Fastify JSON echo, in the same run and with the same bodies. Each server runs alone in a
 * forked process (bench/child.ts); this process runs autocannon only.
 *
 * The body is the spec's "Register a stay" example with a callback; the booking reference and
 * e-mail cycle through a pool, so the measured run first registers new stays and then updates
 * them (every call also issues a guest link and returns the chat session).
 *
 * Environment: BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 2), BENCH_CONNECTIONS
 * (default 10), BENCH_POOL (distinct bookings, default 1000), BENCH_LOG_LEVEL, BENCH_KEEP_DB=1,
 * BENCH_CPU_PROF (a directory: the app child runs with --cpu-prof; see profile-summary.ts).
 */

const { durationS, warmupS, connections, pool, cpuProfDir } = loadKnobs();
const log = (text: string) => process.stderr.write(`${text}\n`);

function stayBody(prefix: string, n: number): string {
  const i = n % pool;
  return JSON.stringify({
    name: 'Simon Finne',
    bookingReference: `${prefix}-${i}`,
    email: `${prefix}-${i}@example.com`,
    mobile: `+${prefix === 'warm' ? 4672 : 4673}${String(i).padStart(7, '0')}`,
    bookingDate: '2017-11-01',
    checkinDate: '2017-11-18',
    checkoutDate: '2017-11-29',
    room: '123',
    status: 'instay',
    stayCallback: { url: 'https://www.wowsify.com/api/stayUpdate', auth: 'basic', authToken: 'ExampleToken' },
  });
}

async function measure(name: string, child: ServerChild, url: string, headers: Record<string, string>, prefix: string) {
  log(`${name}: warm-up ${warmupS} s`);
  const warm = await runLoad({ url, headers, body: (n) => stayBody('warm', n), connections, durationS: warmupS });
  if (warm.non2xx || warm.errors || warm.timeouts) throw new Error(`${name} warm-up failed: ${JSON.stringify(warm.statusCodes)}`);
  log(`${name}: measuring ${durationS} s`);
  const before = await child.stats();
  const ownBefore = process.cpuUsage();
  const t0 = performance.now();
  const result = await runLoad({ url, headers, body: (n) => stayBody(prefix, n), connections, durationS });
  const wallMicros = (performance.now() - t0) * 1000;
  const own = process.cpuUsage(ownBefore);
  const after = await child.stats();
  const serverMicros = after.cpuMicros - before.cpuMicros;
  const row: Row = {
    name,
    result,
    serverCpuPct: (100 * serverMicros) / wallMicros,
    serverMicrosPerReq: serverMicros / Math.max(1, result.requests),
    loadCpuPct: (100 * (own.user + own.system)) / wallMicros,
  };
  const delta = Object.fromEntries(Object.keys(after.counts).map((k) => [k, after.counts[k] - (before.counts[k] ?? 0)]));
  return { row, delta };
}

async function main(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-bench-stays-'));
  const children: ServerChild[] = [];
  const rows: Row[] = [];
  let notes: Record<string, number> = {};
  try {
    const echo = await startChild('echo', 'echo-server.js', {});
    children.push(echo);
    const baseline = (await measure('baseline echo', echo, `http://127.0.0.1:${echo.ready.port}/echo`, {}, 'bench')).row;
    rows.push({ ...baseline, ratio: 1, cpuRatio: 1 });
    await echo.stop();

    if (cpuProfDir) fs.mkdirSync(cpuProfDir, { recursive: true });
    const profArgs = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=stays-${Date.now()}.cpuprofile`] : [];
    const app = await startChild('stays', 'stays-server.js', { BENCH_DB_FILE: path.join(tmp, 'bench.db') }, profArgs);
    children.push(app);
    const ready = app.ready as StaysReadyMessage;
    const url = `http://127.0.0.1:${ready.port}/loopon/public/units/${ready.unitId}/stays`;
    const headers = { authorization: `Bearer ${ready.accessToken}`, version: '1' };
    const probe = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: stayBody('probe', 0) });
    if (probe.status !== 200) throw new Error(`probe answered ${probe.status} ${await probe.text()}`);
    const { row, delta } = await measure('loopon POST stays', app, url, headers, 'bench');
    notes = { pool, ...delta };
    rows.push({ ...row, ratio: row.result.reqPerSec / baseline.result.reqPerSec, cpuRatio: baseline.serverMicrosPerReq / row.serverMicrosPerReq });
    await app.stop();
  } finally {
    for (const child of children) await child.stop().catch(() => {});
    if (process.env.BENCH_KEEP_DB === '1') log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
  const cpus = os.cpus();
  console.log(
    `Openstay stays bench ${new Date().toISOString()} | node ${process.version} | ${cpus.length} x ${cpus[0]?.model?.trim() ?? 'cpu'} | SQLite | ${connections} connections | ${durationS} s after ${warmupS} s warm-up`,
  );
  console.log(table(rows));
  console.log(`rows written during the measured run: ${JSON.stringify(notes)}`);
  console.log(
    JSON.stringify({ bench: 'openstay-loopon-stays', connections, durationS, results: Object.fromEntries(rows.map((r) => [r.name, jsonRow(r)])), notes }),
  );
  const failed = rows.filter((r) => r.result.non2xx || r.result.errors || r.result.timeouts);
  for (const r of failed) console.error(`BENCH FAILED: ${r.name}: ${JSON.stringify(r.result.statusCodes)}, ${r.result.errors} errors`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`BENCH FAILED: ${(err as Error)?.stack ?? err}`);
    process.exit(1);
  },
);
