import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { migrateToLatest, openDatabase, type DatabaseHandle, type Dialect } from '../src/db/database.js';
import { buildApp } from '../src/server/app.js';
import { readDashboardScores } from '../src/core/feedback/dashboard-scores.js';
import { segmentRowsOf, upsertSegmentRows } from '../src/core/feedback/score-segments.js';
import { generateDashboardData, YEAR } from './dashboards-data.js';

/*
 * npm run bench:dashboards: GET /admin/v1/dashboards/scores over a year of a 50-hotel chain with
 * 10,000 answer documents per hotel (BENCH_HOTELS, BENCH_PER_HOTEL), through app.inject with the
 * admin token (auth, query, rollup reads, JSON): the whole chain grouped by month and by week, the
 * chain over a range that cuts segments at both ends, and one hotel. SQLite always; PostgreSQL
 * when BENCH_DATABASE_URL or TEST_DATABASE_URL names a server (a fresh database, dropped
 * afterwards unless BENCH_KEEP_DB=1). BENCH_ITERATIONS (default 50) timed calls per scenario after
 * 5 warm-up calls. Budget (issue 14): 200 ms; BENCH_TARGET_MS changes it. Writes the
 * "## Dashboards" section of docs/performance.md.
 */

const num = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number (got "${raw}")`);
  return value;
};

const HOTELS = Math.trunc(num('BENCH_HOTELS', 50));
const PER_HOTEL = Math.trunc(num('BENCH_PER_HOTEL', 10_000));
const ITERATIONS = Math.trunc(num('BENCH_ITERATIONS', 50));
const WARMUP = 5;
const TARGET = num('BENCH_TARGET_MS', 200);
const keep = process.env.BENCH_KEEP_DB === '1';
const LOAD_AT_START = os
  .loadavg()
  .map((v) => v.toFixed(2))
  .join(' ');

interface Row {
  dialect: Dialect;
  scenario: string;
  p50: number;
  p99: number;
  max: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];

async function measure(run: () => Promise<unknown>): Promise<{ p50: number; p99: number; max: number }> {
  for (let i = 0; i < WARMUP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), max: times[times.length - 1] };
}

/** Two calls timed alternately (same load for both). */
async function measurePair(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<Array<{ p50: number; p99: number; max: number }>> {
  for (let i = 0; i < WARMUP; i++) {
    await a();
    await b();
  }
  const times: number[][] = [[], []];
  for (let i = 0; i < ITERATIONS; i++) {
    for (const [k, run] of [a, b].entries()) {
      const started = performance.now();
      await run();
      times[k].push(performance.now() - started);
    }
  }
  return times.map((t) => {
    t.sort((x, y) => x - y);
    return { p50: percentile(t, 0.5), p99: percentile(t, 0.99), max: t[t.length - 1] };
  });
}

interface WriteRow {
  dialect: Dialect;
  before: { p50: number; p99: number };
  after: { p50: number; p99: number };
}
const writes: WriteRow[] = [];
const WRITE_DOCS = 300;

/**
 * The write cost of the account level: the segment upsert of one answer document (an NPS answer and
 * four ratings, one day, one hotel) in its own transaction, with the per-location grains only
 * (before) and with the account-level grains too, alternated document by document.
 */
async function measureWrites(db: DatabaseHandle['db'], dialect: Dialect, accountId: number, unitIds: number[]): Promise<WriteRow> {
  const times: number[][] = [[], []];
  for (let i = 0; i < WRITE_DOCS; i++) {
    const day = new Date(Date.UTC(YEAR, 0, 1) + (i % 365) * 86_400_000).toISOString().slice(0, 10);
    const rows = [0, 1001, 1002, 1003, 1004].map((semantic_id) => ({
      account_id: accountId,
      location_id: unitIds[i % unitIds.length],
      evaluation_id: 1,
      semantic_id,
      day,
      source: 'poststay',
      reputation_source: '',
      answer_count: 1,
      scored_count: 1,
      score_sum: 0.5,
      promoters: semantic_id === 0 ? 1 : 0,
      passives: 0,
      detractors: 0,
    }));
    for (const [k, grains] of [
      [0, ['s', 'm']],
      [1, ['s', 'm', 'aw', 'am']],
    ] as const) {
      const started = performance.now();
      // Rolled back: the bench leaves the rollups as generated.
      await db
        .transaction()
        .execute(async (trx) => {
          await upsertSegmentRows(trx, segmentRowsOf(rows, grains));
          throw new RolledBack();
        })
        .catch((err) => {
          if (!(err instanceof RolledBack)) throw err;
        });
      times[k].push(performance.now() - started);
    }
  }
  const [before, after] = times.map((t) => {
    t.sort((x, y) => x - y);
    return { p50: percentile(t, 0.5), p99: percentile(t, 0.99) };
  });
  console.log(`${dialect} segment upsert per document: p50 ${before.p50.toFixed(2)} -> ${after.p50.toFixed(2)} ms`);
  return { dialect, before, after };
}

class RolledBack extends Error {}

async function openBenchDatabase(dialect: Dialect): Promise<{ handle: DatabaseHandle; url: string; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-bench-dashboards-'));
    const url = `sqlite:${path.join(dir, 'bench.db')}`;
    return { handle: openDatabase(url), url, drop: async () => (keep ? console.log(`kept ${url}`) : fs.rmSync(dir, { recursive: true, force: true })) };
  }
  const server = (process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL)!;
  const name = `openstay_bench_dash_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(server);
  u.pathname = `/${name}`;
  return {
    handle: openDatabase(u.toString()),
    url: u.toString(),
    drop: async () => {
      if (keep) return console.log(`kept database ${name}`);
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

async function runDialect(dialect: Dialect): Promise<{ rows: Row[]; timings: Record<string, number> }> {
  const { handle, url, drop } = await openBenchDatabase(dialect);
  try {
    await migrateToLatest(handle.db);
    console.log(`${dialect}: generating ${HOTELS} hotels x ${PER_HOTEL.toLocaleString('en')} answer documents...`);
    const data = await generateDashboardData(handle.db, dialect, HOTELS, PER_HOTEL);
    console.log(
      `${dialect}: generated (${Object.entries(data.timings)
        .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
        .join(', ')})`,
    );
    const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://bench.test', SECRET_KEY: randomBytes(32).toString('base64') });
    const app = await buildApp({ config, database: handle });
    await app.ready();
    const headers = { authorization: `Bearer ${data.adminToken}` };
    const year = `from=${YEAR}-01-01&to=${YEAR}-12-31`;
    const scenarios = [
      { name: 'chain, year, by month', query: `${year}&locationIds=${data.chainId}&groupBy=month` },
      { name: 'chain, year, by week', query: `${year}&locationIds=${data.chainId}&groupBy=week` },
      { name: 'chain, 15 Jan-20 Dec, by week', query: `from=${YEAR}-01-15&to=${YEAR}-12-20&locationIds=${data.chainId}&groupBy=week` },
      { name: 'all units, year, by month, e-mail sources', query: `${year}&groupBy=month&sources=poststay,prestay,instay` },
      { name: 'one hotel, year, by week', query: `${year}&locationIds=${data.unitIds[0]}&groupBy=week` },
    ];
    const rows: Row[] = [];
    for (const s of scenarios) {
      const url = `/admin/v1/dashboards/scores?${s.query}`;
      const probe = await app.inject({ method: 'GET', url, headers });
      if (probe.statusCode !== 200) throw new Error(`${url}: ${probe.statusCode} ${probe.body}`);
      if (s.name.startsWith('chain, year')) {
        const responses = probe.json().total.nps.responses;
        if (responses !== data.documents) throw new Error(`${s.name}: ${responses} NPS responses, expected ${data.documents}`);
      }
      const times = await measure(async () => {
        const res = await app.inject({ method: 'GET', url, headers });
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
      });
      rows.push({ dialect, scenario: s.name, ...times });
      console.log(`${dialect} ${s.name}: p50 ${times.p50.toFixed(1)} ms, p99 ${times.p99.toFixed(1)} ms`);
    }
    // The same whole-chain queries in process, with and without the account-level rollups, alternated
    // call by call so both see the same load: the gain of the account level, HTTP aside.
    const all = [...data.unitIds].sort((a, b) => a - b);
    for (const c of [
      { name: 'chain, year, by week', q: { from: `${YEAR}-01-01`, to: `${YEAR}-12-31`, groupBy: 'week' as const } },
      { name: 'chain, 15 Jan-20 Dec, by week', q: { from: `${YEAR}-01-15`, to: `${YEAR}-12-20`, groupBy: 'week' as const } },
      { name: 'chain, year, by month', q: { from: `${YEAR}-01-01`, to: `${YEAR}-12-31`, groupBy: 'month' as const } },
    ]) {
      const q = { ...c.q, locationIds: all, sources: null };
      const [withAccount, perLocation] = await Promise.all([
        readDashboardScores(handle.db, data.accountId, q),
        readDashboardScores(handle.db, data.accountId, q, { accountRollups: false }),
      ]);
      if (JSON.stringify(withAccount) !== JSON.stringify(perLocation))
        throw new Error(`${c.name}: the account-level rollups disagree with the per-location ones`);
      const pair = await measurePair(
        () => readDashboardScores(handle.db, data.accountId, q),
        () => readDashboardScores(handle.db, data.accountId, q, { accountRollups: false }),
      );
      rows.push({ dialect, scenario: `core: ${c.name}, account-level rollups`, ...pair[0] });
      rows.push({ dialect, scenario: `core: ${c.name}, per-location rollups only`, ...pair[1] });
      console.log(`${dialect} core ${c.name}: p50 ${pair[0].p50.toFixed(1)} vs ${pair[1].p50.toFixed(1)} ms`);
    }
    writes.push(await measureWrites(handle.db, dialect, data.accountId, data.unitIds));
    await app.close();
    return { rows, timings: data.timings };
  } finally {
    await handle.close();
    await drop();
  }
}

function markdownSection(rows: Row[], timings: Record<string, Record<string, number>>, dialects: Dialect[]): string {
  const gen = dialects
    .map(
      (d) =>
        `${d}: ${Object.entries(timings[d])
          .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
          .join(', ')}`,
    )
    .join('; ');
  return [
    '## Dashboards (issue 14)',
    '',
    `\`npm run bench:dashboards\` (bench/dashboards.ts), ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}.`,
    `A chain of ${HOTELS} hotels with ${PER_HOTEL.toLocaleString('en')} answer documents each (${(HOTELS * PER_HOTEL).toLocaleString('en')}; an NPS answer each, four`,
    `1-5 ratings on 85 % each) with checkout dates over ${YEAR}, sources mixed (70 % post-stay). \`GET /admin/v1/dashboards/scores\``,
    'through `app.inject` with the admin token: the whole request (auth, chain expansion, rollup reads, JSON). The rollups read are',
    'the coarsest that cover the range exactly. The chain is the whole account here, so its trend, totals and sources read the',
    'account-level rollups (no location dimension: ISO weeks "aw", months "am"; edges from whole segments, else days); by location the',
    'per-location months (grain m), segments (s: a week within a month) and days. The "core:" rows time readDashboardScores in',
    'process for the whole chain with the account-level rollups and without them (per-location reads, otherwise this code), alternated call by call.',
    `${ITERATIONS} timed calls per row after ${WARMUP} warm-up calls. Budget: ${TARGET} ms.`,
    `Load average (1, 5, 15 min) when the run started: ${LOAD_AT_START}; at the end: ${os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')} (the machine is shared).`,
    '',
    `Generation (set-based INSERT ... SELECT, then one rollup rebuild): ${gen}.`,
    dialects.includes('postgres') ? '' : '\nPostgreSQL was not measured in this run (set BENCH_DATABASE_URL or TEST_DATABASE_URL).\n',
    '| dialect | scenario | p50 ms | p99 ms | max ms |',
    '|---|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.dialect} | ${r.scenario} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} |`),
    '',
    `Write cost of the account level: the segment-rollup upsert of one answer document (an NPS answer and four ratings, one day,`,
    `one hotel; 10 segment rows before, 20 with the account level) in its own transaction on the generated data, ${WRITE_DOCS} documents,`,
    'per-location grains only and all grains alternated document by document (rolled back).',
    '',
    '| dialect | upsert p50 ms before | p50 ms with account level | p99 ms before | p99 ms with account level |',
    '|---|---:|---:|---:|---:|',
    ...writes.map((w) => `| ${w.dialect} | ${w.before.p50.toFixed(2)} | ${w.after.p50.toFixed(2)} | ${w.before.p99.toFixed(2)} | ${w.after.p99.toFixed(2)} |`),
    '',
  ].join('\n');
}

/** Replaces (or appends) the "## Dashboards" section, leaving the rest of the file alone. */
function writeSection(file: string, section: string): void {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Performance\n';
  const start = text.search(/^## Dashboards \(issue 14\)\s*$/m);
  let out: string;
  if (start === -1) out = `${text.replace(/\s*$/, '')}\n\n${section}`;
  else {
    const rest = text.slice(start + 1);
    const next = rest.search(/^## /m);
    out = text.slice(0, start) + section + (next === -1 ? '' : `\n${rest.slice(next)}`);
  }
  fs.writeFileSync(file, out);
}

async function main(): Promise<void> {
  const dialects: Dialect[] = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  const rows: Row[] = [];
  const timings: Record<string, Record<string, number>> = {};
  for (const dialect of dialects) {
    const result = await runDialect(dialect);
    rows.push(...result.rows);
    timings[dialect] = result.timings;
  }
  const docs = path.resolve(process.cwd(), 'docs/performance.md');
  writeSection(docs, markdownSection(rows, timings, dialects));
  console.log(`wrote the "## Dashboards (issue 14)" section of ${path.relative(process.cwd(), docs)}`);
  const slow = rows.filter((r) => r.p50 > TARGET);
  if (slow.length) {
    console.error(`p50 above ${TARGET} ms: ${slow.map((r) => `${r.dialect} ${r.scenario}`).join('; ')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
