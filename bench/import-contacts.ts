import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { contactsFile } from './contacts-file.js';
import { benchDatabase, bin, cliJson, log } from './openstay-process.js';

/*
 * node dist/bench/import-contacts.js (after npm run build; also `BENCH_ONLY=import npm run bench`):
 * `openstay import contacts <file>` of BENCH_IMPORT_CONTACTS contacts (default 1,000,000; the file
 * is generated once into bench/data/, see contacts-file.ts) into a fresh account, on SQLite (a temp
 * file) and, when BENCH_POSTGRES_URL names a server, on PostgreSQL (a fresh database on it). Reports
 * per dialect: wall time, lines/s, the importer's CPU (user + system, from /proc of the child) per
 * batch of 2,000 lines and per line, and the load average at start and end (the machine is shared:
 * a wall time far above the CPU time is time spent waiting for a core). Targets: 60 s on SQLite,
 * 120 s on PostgreSQL.
 *
 * Environment: BENCH_IMPORT_CONTACTS, BENCH_IMPORT_FORMAT (jsonl or csv), BENCH_POSTGRES_URL,
 * BENCH_IMPORT_DIALECTS (sqlite,postgres), BENCH_KEEP_DB=1.
 */

const COUNT = Number(process.env.BENCH_IMPORT_CONTACTS ?? 1_000_000);
const FORMAT = process.env.BENCH_IMPORT_FORMAT === 'csv' ? 'csv' : 'jsonl';
const TARGETS = { sqlite: 60, postgres: 120 } as const;
const BATCH = 2000;

/** CPU seconds (user + system) a live process and its reaped children used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime, stime, cutime, cstime are fields 14-17 (1-based) of stat: 12-15 after the comm split.
  const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  return ticks / 100;
}

interface Run {
  dialect: 'sqlite' | 'postgres';
  wallS: number;
  cpuS: number;
  linesPerS: number;
  cpuMsPerBatch: number;
  cpuUsPerLine: number;
  loadStart: number;
  loadEnd: number;
  target: number;
  met: boolean;
  imported: number;
  failedCount: number;
}

async function importOnce(dialect: 'sqlite' | 'postgres', file: string): Promise<Run> {
  let databaseUrl: string | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  if (dialect === 'postgres') {
    const server = process.env.BENCH_POSTGRES_URL;
    if (!server) throw new Error('BENCH_POSTGRES_URL is not set');
    const name = `openstay_bench_import_${process.pid}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(server);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDb = async () => {
      if (process.env.BENCH_KEEP_DB) return;
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`drop database if exists ${name}`);
      await c.end();
    };
  }
  const database = benchDatabase(`import-${dialect}`, databaseUrl ? { DATABASE_URL: databaseUrl } : {});
  try {
    cliJson(database.env, 'account', 'create', 'bench-import');
    const loadStart = os.loadavg()[0];
    log(`${dialect}: importing ${COUNT} contacts (${FORMAT}), load ${loadStart.toFixed(2)}`);
    const t0 = performance.now();
    const child = spawn(process.execPath, [bin, 'import', 'contacts', file, '--account', 'bench-import', '--json'], {
      env: database.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    // The child's CPU, read while it lives (a reaped process has no /proc entry): sampled every
    // 200 ms, the last sample short of its end by at most that.
    let cpu = 0;
    const sampler = setInterval(() => {
      try {
        cpu = cpuSeconds(child.pid!);
      } catch {
        // gone
      }
    }, 200);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(sampler);
    const wallS = (performance.now() - t0) / 1000;
    if (code !== 0 && code !== 1) throw new Error(`import exited ${code}`);
    const summary = JSON.parse(stdout);
    const loadEnd = os.loadavg()[0];
    const batches = Math.ceil(COUNT / BATCH);
    return {
      dialect,
      wallS: Math.round(wallS * 10) / 10,
      cpuS: Math.round(cpu * 10) / 10,
      linesPerS: Math.round(COUNT / wallS),
      cpuMsPerBatch: Math.round((cpu * 1000) / batches),
      cpuUsPerLine: Math.round((cpu * 1e6) / COUNT),
      loadStart: Math.round(loadStart * 100) / 100,
      loadEnd: Math.round(loadEnd * 100) / 100,
      target: TARGETS[dialect],
      met: wallS <= TARGETS[dialect],
      imported: summary.imported,
      failedCount: summary.failedCount,
    };
  } finally {
    database.remove();
    await dropDb?.();
  }
}

async function main(): Promise<number> {
  log(`generating ${COUNT} contacts into bench/data/ (once)`);
  const file = contactsFile(COUNT, FORMAT);
  const dialects = (process.env.BENCH_IMPORT_DIALECTS ?? (process.env.BENCH_POSTGRES_URL ? 'sqlite,postgres' : 'sqlite')).split(',') as Array<
    'sqlite' | 'postgres'
  >;
  const runs: Run[] = [];
  for (const dialect of dialects) runs.push(await importOnce(dialect, file));
  for (const r of runs) {
    log(
      `${r.dialect}: ${r.imported} imported, ${r.failedCount} failed in ${r.wallS} s (${r.linesPerS} lines/s, target ${r.target} s: ${r.met ? 'met' : 'missed'}); ` +
        `importer CPU ${r.cpuS} s = ${r.cpuMsPerBatch} ms per batch of ${BATCH}, ${r.cpuUsPerLine} µs per line; load ${r.loadStart} -> ${r.loadEnd}`,
    );
  }
  console.log(JSON.stringify({ bench: 'import-contacts', count: COUNT, format: FORMAT, cpus: os.cpus().length, runs }));
  return runs.every((r) => r.imported + r.failedCount === COUNT) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`BENCH FAILED: ${(err as Error)?.stack ?? err}`);
    process.exit(1);
  },
);
