import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startChild, type ServerChild } from './child.js';
import { loadKnobs, num } from './knobs.js';
import { runLoad } from './load.js';
import type { LoyaltyReadyMessage } from './loyalty-server.js';
import { jsonRow, table, type Row } from './report.js';

/*
 * node dist/bench/loyalty.js (after npm run build): the Loyalty face's POST /operations/add-points/
 * and POST /operations/redeem-points/ against a bare Fastify JSON echo, in the same run, as a
 * ratio (this machine is shared: absolute figures move, ratios much less). Each server runs alone
 * in a forked process (bench/child.ts); this process runs autocannon only. Requests cycle through
 * BENCH_POOL members (default 100), so each member's operations are serialised by its lock but
 * different members' run side by side. BENCH_ROUNDS (default 3) repeats the whole and reports the
 * median round by ratio.
 *
 * Environment: BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 2), BENCH_CONNECTIONS
 * (default 10), BENCH_POOL, BENCH_ROUNDS, BENCH_LOG_LEVEL, BENCH_KEEP_DB=1.
 */

const { durationS, warmupS, connections, pool } = loadKnobs();
const rounds = Math.trunc(num('BENCH_ROUNDS', 3));
const log = (text: string) => process.stderr.write(`${text}\n`);

async function measure(name: string, child: ServerChild, url: string, headers: Record<string, string>, body: (n: number) => string): Promise<Row> {
  log(`${name}: warm-up ${warmupS} s`);
  const warm = await runLoad({ url, headers, body, connections, durationS: warmupS });
  if (warm.non2xx || warm.errors || warm.timeouts) throw new Error(`${name} warm-up failed: ${JSON.stringify(warm.statusCodes)}`);
  log(`${name}: measuring ${durationS} s`);
  const before = await child.stats();
  const ownBefore = process.cpuUsage();
  const t0 = performance.now();
  const result = await runLoad({ url, headers, body, connections, durationS });
  const wallMicros = (performance.now() - t0) * 1000;
  const own = process.cpuUsage(ownBefore);
  const after = await child.stats();
  const serverMicros = after.cpuMicros - before.cpuMicros;
  return {
    name,
    result,
    serverCpuPct: (100 * serverMicros) / wallMicros,
    serverMicrosPerReq: serverMicros / Math.max(1, result.requests),
    loadCpuPct: (100 * (own.user + own.system)) / wallMicros,
  };
}

const compared = (row: Row, baseline: Row): Row => ({
  ...row,
  ratio: row.result.reqPerSec / baseline.result.reqPerSec,
  cpuRatio: baseline.serverMicrosPerReq / row.serverMicrosPerReq,
});

async function round(tmp: string, n: number): Promise<Row[]> {
  const children: ServerChild[] = [];
  try {
    const echo = await startChild('echo', 'echo-server.js', {});
    children.push(echo);
    const echoBody = (i: number) => JSON.stringify({ contact: i % pool, concept: 'bench', points: 1, point_type: 0 });
    const baseline = await measure('baseline echo', echo, `http://127.0.0.1:${echo.ready.port}/echo`, {}, echoBody);
    await echo.stop();

    const app = await startChild('loyalty', 'loyalty-server.js', { BENCH_DB_FILE: path.join(tmp, `bench-${n}.db`), BENCH_POOL: String(pool) });
    children.push(app);
    const ready = app.ready as LoyaltyReadyMessage;
    const base = `http://127.0.0.1:${ready.port}/fideltour/api/v1/operations`;
    const headers = { authorization: `Token ${ready.token}` };
    const contact = (i: number) => ready.contactIds[i % ready.contactIds.length];
    const add = (i: number) => JSON.stringify({ contact: contact(i), concept: 'stay', points: 10, point_type: 0 });
    const redeem = (i: number) => JSON.stringify({ contact: contact(i), concept: 'redeemed product', points: 1 });
    for (const [url, body] of [
      [`${base}/add-points/`, add(0)],
      [`${base}/redeem-points/`, redeem(0)],
    ]) {
      const probe = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
      if (probe.status !== 201) throw new Error(`probe ${url} answered ${probe.status} ${await probe.text()}`);
    }
    const added = await measure('loyalty add-points', app, `${base}/add-points/`, headers, add);
    const redeemed = await measure('loyalty redeem-points', app, `${base}/redeem-points/`, headers, redeem);
    await app.stop();
    return [{ ...baseline, ratio: 1, cpuRatio: 1 }, compared(added, baseline), compared(redeemed, baseline)];
  } finally {
    for (const child of children) await child.stop().catch(() => {});
  }
}

async function main(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-bench-loyalty-'));
  const all: Row[][] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      log(`round ${i + 1} of ${rounds}`);
      all.push(await round(tmp, i));
    }
  } finally {
    if (process.env.BENCH_KEEP_DB === '1') log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
  // The median round of each scenario, by ratio.
  const rows = all[0].map((_, k) => {
    const sorted = all.map((r) => r[k]).sort((a, b) => (a.ratio ?? 0) - (b.ratio ?? 0));
    return sorted[Math.floor((sorted.length - 1) / 2)];
  });
  const cpus = os.cpus();
  console.log(
    `Openstay loyalty bench ${new Date().toISOString()} | node ${process.version} | ${cpus.length} x ${cpus[0]?.model?.trim() ?? 'cpu'} | SQLite | ${connections} connections | ${durationS} s after ${warmupS} s warm-up | median of ${rounds} rounds`,
  );
  console.log(table(rows));
  console.log(JSON.stringify({ bench: 'openstay-loyalty', connections, durationS, pool, results: Object.fromEntries(rows.map((r) => [r.name, jsonRow(r)])) }));
  const failed = all.flat().filter((r) => r.result.non2xx || r.result.errors || r.result.timeouts);
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
