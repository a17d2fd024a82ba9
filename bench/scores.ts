import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig } from '../src/config/config.js';
import { migrateToLatest, openDatabase, type DatabaseHandle, type Dialect } from '../src/db/database.js';
import { buildApp } from '../src/server/app.js';
import { resolveFeedbackScope } from '../src/core/feedback/evaluation-scope.js';
import { readScore } from '../src/core/feedback/scores.js';
import { listUnitsWithDefaultEvaluation } from '../src/core/feedback/unit-default-evaluations.js';
import { readDateRange, readSourceFilter } from '../src/api/loopon/routes/feedback-query.js';
import { DAYS, RATING_SEMANTIC_ID, generateBenchData, type BenchData } from './scores-data.js';

/*
 * npm run bench:scores: Loopon scores (NPS and a semantic id) over BENCH_DOCS answer documents
 * (default 1,000,000), for one unit and for the chain of three, over the default 30 days and over
 * the full two years, called in process (core: scope + rollup query) and over HTTP (app.inject
 * with a bearer token: auth, unit, scope, rollups, JSON). SQLite always; PostgreSQL when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL names a server (a fresh database, dropped afterwards
 * unless BENCH_KEEP_DB=1). Prints a table and writes the "## Loopon scores" section of
 * docs/performance.md. BENCH_ITERATIONS (default 300) timed calls per scenario after 30 warm-up
 * calls; BENCH_TARGET_P50_MS (default 20) is the target every p50 must meet.
 */

const num = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number (got "${raw}")`);
  return value;
};

const DOCS = Math.trunc(num('BENCH_DOCS', 1_000_000));
const ITERATIONS = Math.trunc(num('BENCH_ITERATIONS', 300));
const WARMUP = 30;
const TARGET_P50 = num('BENCH_TARGET_P50_MS', 20);
const keep = process.env.BENCH_KEEP_DB === '1';
const LOAD_AT_START = os.loadavg()[0].toFixed(1);

interface Row {
  dialect: Dialect;
  scenario: string;
  p50: number;
  p99: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];

async function measure(run: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < WARMUP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

async function openBenchDatabase(dialect: Dialect): Promise<{ handle: DatabaseHandle; url: string; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-bench-scores-'));
    const url = `sqlite:${path.join(dir, 'bench.db')}`;
    const handle = openDatabase(url);
    return { handle, url, drop: async () => (keep ? console.log(`kept ${url}`) : fs.rmSync(dir, { recursive: true, force: true })) };
  }
  const server = (process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL)!;
  const name = `openstay_bench_scores_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(server);
  u.pathname = `/${name}`;
  const handle = openDatabase(u.toString());
  return {
    handle,
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

/** The rollups must give what the answers give: counts for the chain over everything. */
async function check(handle: DatabaseHandle, data: BenchData): Promise<void> {
  const { db } = handle;
  const units = await listUnitsWithDefaultEvaluation(db, data.accountId);
  const scope = await resolveFeedbackScope(db, data.accountId, units.find((u) => u.id === data.chainId)!, units, 'default');
  const range = readDateRange('2000-01-01', '2100-01-01');
  const score = await readScore(db, data.accountId, scope, 0, range, readSourceFilter('all', undefined, 'email'));
  const direct = await sql<{ n: number; promoters: number }>`
    select count(*) as n, sum(case when o.nps_segment = 'promoter' then 1 else 0 end) as promoters
    from answers a join questions q on q.id = a.question_id join question_options o on o.id = a.option_id
    where a.account_id = ${data.accountId} and q.semantic_id = 0`.execute(db);
  const row = direct.rows[0];
  if (!score) throw new Error('the bench survey has no NPS question');
  if (score.answerCount !== Number(row.n) || score.promoterCount !== Number(row.promoters) || score.answerCount !== DOCS) {
    throw new Error(`rollups disagree with the answers: ${JSON.stringify({ score, direct: row, docs: DOCS })}`);
  }
}

async function runDialect(dialect: Dialect): Promise<{ rows: Row[]; timings: Record<string, number> }> {
  const { handle, url, drop } = await openBenchDatabase(dialect);
  try {
    await migrateToLatest(handle.db);
    console.log(`${dialect}: generating ${DOCS.toLocaleString('en')} answer documents...`);
    const data = await generateBenchData(handle.db, dialect, DOCS);
    const total = Object.values(data.timings).reduce((a, b) => a + b, 0);
    console.log(
      `${dialect}: generated in ${total.toFixed(1)} s (${Object.entries(data.timings)
        .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
        .join(', ')})`,
    );
    await check(handle, data);

    // PostgreSQL requires SECRET_KEY; a fresh one per run (nothing sealed outlives the bench database).
    const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://bench.test', SECRET_KEY: randomBytes(32).toString('base64') });
    const app = await buildApp({ config, database: handle });
    await app.ready();
    const rows: Row[] = [];
    const twoYears = readDateRange(undefined, undefined);
    const start = new Date(Date.parse(`${twoYears.end}T00:00:00Z`) - (DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    const ranges = [
      { name: '30 days', query: '', start: undefined as string | undefined },
      { name: '2 years', query: `?startDate=${start}`, start },
    ];
    const targets = [
      { name: 'unit', id: data.unitIds[0] },
      { name: 'chain', id: data.chainId },
    ];
    const metrics = [
      { name: 'NPS', path: 'nps', semanticId: 0 },
      { name: `semantic ${RATING_SEMANTIC_ID}`, path: String(RATING_SEMANTIC_ID), semanticId: RATING_SEMANTIC_ID },
    ];
    const headers = { authorization: `Bearer ${data.accessToken}` };
    for (const target of targets) {
      for (const metric of metrics) {
        for (const range of ranges) {
          const core = await measure(async () => {
            const units = await listUnitsWithDefaultEvaluation(handle.db, data.accountId);
            const scope = await resolveFeedbackScope(handle.db, data.accountId, units.find((u) => u.id === target.id)!, units, 'default');
            return readScore(
              handle.db,
              data.accountId,
              scope,
              metric.semanticId,
              readDateRange(range.start, undefined),
              readSourceFilter(undefined, undefined, 'email'),
            );
          });
          rows.push({ dialect, scenario: `core  ${metric.name}, ${target.name}, ${range.name}`, ...core });
          const url = `/loopon/public/units/${target.id}/evaluation/scores/${metric.path}${range.query}`;
          const probe = await app.inject({ method: 'GET', url, headers });
          if (probe.statusCode !== 200) throw new Error(`${url}: ${probe.statusCode} ${probe.body}`);
          const http = await measure(async () => {
            const res = await app.inject({ method: 'GET', url, headers });
            if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
          });
          rows.push({ dialect, scenario: `HTTP  ${metric.name}, ${target.name}, ${range.name}`, ...http });
        }
      }
    }
    await app.close();
    return { rows, timings: data.timings };
  } finally {
    await handle.close();
    await drop();
  }
}

function table(rows: Row[]): string {
  const header = ['dialect', 'scenario', 'p50 ms', 'p99 ms'];
  const body = rows.map((r) => [r.dialect, r.scenario, r.p50.toFixed(2), r.p99.toFixed(2)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

function markdownSection(rows: Row[], timings: Record<string, Record<string, number>>, dialects: Dialect[]): string {
  const gen = dialects
    .map(
      (d) =>
        `${d}: ${Object.values(timings[d])
          .reduce((a, b) => a + b, 0)
          .toFixed(0)} s (${Object.entries(timings[d])
          .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
          .join(', ')})`,
    )
    .join('; ');
  const lines = [
    '## Loopon scores',
    '',
    `\`npm run bench:scores\` (bench/scores.ts), ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}.`,
    `${DOCS.toLocaleString('en')} answer documents (an NPS answer each, a 1-5 rating on 85 %) across the three hotels of a chain, checkout dates`,
    `spread over ${DAYS} days, sources mixed (70 % post-stay e-mail). Scores read the per-day rollups (\`score_rollups\`), kept in the`,
    'same transaction as every write of answers; the default source (e-mail) and the default range (30 days) or two years.',
    `"core" is scope resolution plus the rollup query in process; "HTTP" is the whole request through \`app.inject\` (bearer`,
    `token, unit, scope, rollups, JSON). ${ITERATIONS} timed calls per row after ${WARMUP} warm-up calls. Target: p50 ≤ ${TARGET_P50} ms.`,
    `Load average when the run started: ${LOAD_AT_START} (other work on the machine shows in the p99s).`,
    '',
    `Generation (set-based INSERT ... SELECT, then one rollup rebuild): ${gen}.`,
    dialects.includes('postgres') ? '' : '\nPostgreSQL was not measured in this run (set BENCH_DATABASE_URL or TEST_DATABASE_URL).\n',
    '| dialect | scenario | p50 ms | p99 ms |',
    '|---|---|---:|---:|',
    ...rows.map((r) => `| ${r.dialect} | ${r.scenario.replace(/\s+/g, ' ')} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`),
    '',
  ];
  return lines.join('\n');
}

/** Replaces (or appends) the "## Loopon scores" section, leaving the rest of the file alone. */
function writeSection(file: string, section: string): void {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Performance\n';
  const start = text.search(/^## Loopon scores\s*$/m);
  let out: string;
  if (start === -1) {
    out = `${text.replace(/\s*$/, '')}\n\n${section}`;
  } else {
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
  console.log(`\n${table(rows)}\n`);
  // npm runs scripts from the package root.
  const docs = path.resolve(process.cwd(), 'docs/performance.md');
  writeSection(docs, markdownSection(rows, timings, dialects));
  console.log(`wrote the "## Loopon scores" section of ${path.relative(process.cwd(), docs)}`);
  const slow = rows.filter((r) => r.p50 > TARGET_P50);
  if (slow.length) {
    console.error(`p50 above ${TARGET_P50} ms: ${slow.map((r) => `${r.dialect} ${r.scenario}`).join('; ')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
