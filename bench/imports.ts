import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { benchDatabase, cliJson, log, percentile, startServer } from './openstay-process.js';

/*
 * node dist/bench/imports.js (after npm run build): posts a junk JSON-lines import ("x" per line)
 * of BENCH_IMPORT_MIB MiB (default 64, the import limit) to a running server, and reports the
 * server's peak RSS and the latency of GET /healthz, asked every 50 ms while the body is
 * uploaded, stored and imported by the background job (and, for comparison, for 5 s against the
 * idle server first). Targets: peak RSS under 300 MB, /healthz within 100 ms.
 *
 * By default it starts `openstay serve` itself (SQLite in a temp directory, or DATABASE_URL) and
 * creates an account. Environment: BENCH_IMPORT_MIB, DATABASE_URL, BENCH_KEEP_DB=1.
 */

const MIB = Number(process.env.BENCH_IMPORT_MIB ?? 64);

/** Peak and current resident set of a process (Linux /proc), in MB. */
function rssOf(pid: number): { peak: number; now: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
}

function request(port: number, method: string, urlPath: string, headers: Record<string, string> = {}, body?: () => AsyncIterable<Buffer>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    if (!body) return req.end();
    (async () => {
      for await (const chunk of body()) if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      req.end();
    })().catch(reject);
  });
}

async function* junk(mib: number): AsyncGenerator<Buffer> {
  const chunk = Buffer.from('x\n'.repeat(512 * 1024)); // 1 MiB
  for (let i = 0; i < mib; i++) yield chunk;
}

async function main(): Promise<void> {
  const database = benchDatabase('imports');
  const token = cliJson(database.env, 'account', 'create', `bench-${process.pid}`).admin.token as string;
  const server = await startServer(database.env);
  const port = server.port;
  try {
    const pid = server.child.pid!;
    const idle = rssOf(pid);
    log(`server up (pid ${pid}), RSS ${idle.now.toFixed(0)} MB; posting ${MIB} MiB of junk lines`);

    let done = false;
    let peakSampled = idle.now;
    const probe = async (latencies: number[]) => {
      while (!done) {
        const t0 = performance.now();
        const res = await request(port, 'GET', '/healthz');
        latencies.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
        peakSampled = Math.max(peakSampled, rssOf(pid).now);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    // The same probe against the idle server first: what the machine itself adds (other load).
    const baseline: number[] = [];
    const idleProbe = probe(baseline);
    await new Promise((r) => setTimeout(r, 5000));
    done = true;
    await idleProbe;
    done = false;
    const latencies: number[] = [];
    const probing = probe(latencies);

    const t0 = performance.now();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', 'content-length': String(MIB * 1024 * 1024) };
    const posted = await request(port, 'POST', '/admin/v1/imports/reviews', headers, () => junk(MIB));
    const uploadS = (performance.now() - t0) / 1000;
    if (posted.status !== 202) throw new Error(`import answered ${posted.status}: ${posted.body.slice(0, 300)}`);
    const { jobId } = JSON.parse(posted.body);
    log(`202 after ${uploadS.toFixed(1)} s (job ${jobId}); waiting for the job`);
    let job: { status: string; progress: { linesRead: number; failedCount: number } };
    for (;;) {
      job = JSON.parse((await request(port, 'GET', `/admin/v1/imports/jobs/${jobId}`, { authorization: `Bearer ${token}` })).body);
      if (job.status === 'succeeded' || job.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const totalS = (performance.now() - t0) / 1000;
    done = true;
    await probing;
    const sorted = [...latencies].sort((a, b) => a - b);
    const idleSorted = [...baseline].sort((a, b) => a - b);
    const peak = Math.max(rssOf(pid).peak, peakSampled);
    const result = {
      bodyMiB: MIB,
      database: database.dialect,
      jobStatus: job.status,
      linesRead: job.progress.linesRead,
      failedCount: job.progress.failedCount,
      uploadSeconds: Number(uploadS.toFixed(1)),
      totalSeconds: Number(totalS.toFixed(1)),
      idleRssMB: Math.round(idle.now),
      peakRssMB: Math.round(peak),
      healthz: {
        count: sorted.length,
        p50ms: Number(percentile(sorted, 50).toFixed(1)),
        p99ms: Number(percentile(sorted, 99).toFixed(1)),
        maxMs: Number((sorted.at(-1) ?? 0).toFixed(1)),
      },
      healthzIdle: {
        count: idleSorted.length,
        p50ms: Number(percentile(idleSorted, 50).toFixed(1)),
        p99ms: Number(percentile(idleSorted, 99).toFixed(1)),
        maxMs: Number((idleSorted.at(-1) ?? 0).toFixed(1)),
      },
      targets: { peakRssUnder300MB: peak < 300, healthzWithin100ms: (sorted.at(-1) ?? 0) <= 100 },
      loadAverage: os.loadavg()[0].toFixed(1),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await server.stop();
    database.remove();
  }
}

await main();
