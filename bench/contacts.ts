import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startChild, type ServerChild } from './child.js';
import type { ContactsReadyMessage } from './contacts-server.js';
import { loadKnobs, num } from './knobs.js';
import { runLoad } from './load.js';
import { jsonRow, table, type Row } from './report.js';

/*
 * node dist/bench/contacts.js (after npm run build): the Contacts face's GET /contacts with an
 * If-Modified-Since that hits (304, the polling client's usual answer) and without one (200, the
 * first page of 10), against a bare Fastify GET answering {} in the same run. Each server runs
 * alone in a forked process (bench/child.ts); this process runs autocannon only.
 *
 * Environment: BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 2), BENCH_CONNECTIONS
 * (default 10), BENCH_CONTACTS (guests in the account, default 1000), BENCH_LOG_LEVEL.
 */

const { durationS, warmupS, connections } = loadKnobs();
const contacts = Math.trunc(num('BENCH_CONTACTS', 1000));
const log = (text: string) => process.stderr.write(`${text}\n`);

async function measure(name: string, child: ServerChild, url: string, headers: Record<string, string>, status: number): Promise<Row> {
  const spec = { url, headers, method: 'GET' as const, body: () => '', connections };
  log(`${name}: warm-up ${warmupS} s`);
  const warm = await runLoad({ ...spec, durationS: warmupS });
  if (warm.errors || warm.timeouts || Object.keys(warm.statusCodes).some((c) => Number(c) !== status)) {
    throw new Error(`${name} warm-up failed: ${JSON.stringify(warm.statusCodes)}`);
  }
  log(`${name}: measuring ${durationS} s`);
  const before = await child.stats();
  const ownBefore = process.cpuUsage();
  const t0 = performance.now();
  const result = await runLoad({ ...spec, durationS });
  const wallMicros = (performance.now() - t0) * 1000;
  const own = process.cpuUsage(ownBefore);
  const after = await child.stats();
  const serverMicros = after.cpuMicros - before.cpuMicros;
  // A 304 is the expected answer here, not a failure: count only answers other than `status`.
  const unexpected = Object.entries(result.statusCodes).reduce((n, [code, count]) => (Number(code) === status ? n : n + count), 0);
  return {
    name,
    result: { ...result, non2xx: unexpected },
    serverCpuPct: (100 * serverMicros) / wallMicros,
    serverMicrosPerReq: serverMicros / Math.max(1, result.requests),
    loadCpuPct: (100 * (own.user + own.system)) / wallMicros,
  };
}

async function main(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-bench-contacts-'));
  const children: ServerChild[] = [];
  const rows: Row[] = [];
  try {
    const echo = await startChild('echo', 'echo-server.js', {});
    children.push(echo);
    const baseline = await measure('baseline echo (GET)', echo, `http://127.0.0.1:${echo.ready.port}/echo`, {}, 200);
    rows.push({ ...baseline, ratio: 1, cpuRatio: 1 });
    await echo.stop();

    const app = await startChild('contacts', 'contacts-server.js', { BENCH_DB_FILE: path.join(tmp, 'bench.db'), BENCH_CONTACTS: String(contacts) });
    children.push(app);
    const ready = app.ready as ContactsReadyMessage;
    const url = `http://127.0.0.1:${ready.port}/prio/v3.8/distributor/contacts`;
    const headers = { authorization: `Bearer ${ready.accessToken}` };
    const probe = await fetch(url, { headers });
    if (probe.status !== 200) throw new Error(`probe answered ${probe.status} ${await probe.text()}`);
    const lastModified = probe.headers.get('last-modified');
    if (!lastModified) throw new Error('the list has no Last-Modified');
    const ratioOf = (row: Row) => ({
      ...row,
      ratio: row.result.reqPerSec / baseline.result.reqPerSec,
      cpuRatio: baseline.serverMicrosPerReq / row.serverMicrosPerReq,
    });
    rows.push(ratioOf(await measure('GET /contacts If-Modified-Since hit (304)', app, url, { ...headers, 'if-modified-since': lastModified }, 304)));
    rows.push(ratioOf(await measure('GET /contacts first page (200)', app, url, headers, 200)));
    await app.stop();
  } finally {
    for (const child of children) await child.stop().catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const cpus = os.cpus();
  console.log(
    `Openstay contacts bench ${new Date().toISOString()} | node ${process.version} | ${cpus.length} x ${cpus[0]?.model?.trim() ?? 'cpu'} | SQLite | ${contacts} contacts | ${connections} connections | ${durationS} s after ${warmupS} s warm-up`,
  );
  console.log(table(rows));
  console.log(
    JSON.stringify({ bench: 'openstay-prio-contacts', connections, durationS, contacts, results: Object.fromEntries(rows.map((r) => [r.name, jsonRow(r)])) }),
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
