import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startChild, type ServerChild } from './child.js';
import { loadKnobs, num } from './knobs.js';
import { AGENCY_EMAIL, AGENCY_PHONE, agencyContactBody, contactBody, contactEventBody, newContactBody, poolKey } from './bodies.js';
import { runLoad, type LoadResult } from './load.js';
import { jsonRow, table, type Row } from './report.js';

/*
 * npm run bench: Loop v1 Contact upsert and ContactEvent against a bare Fastify JSON echo; and new
 * contacts, each a new person, with details of their own ("new contact") or booked through a travel
 * agency whose placeholder e-mail and phone thousands of guests share ("agency contact", after
 * BENCH_AGENCY_GUESTS such guests were created).
 *
 * Layout: this process runs only autocannon; each server (the echo baseline, then the app under
 * test) runs in its own forked node process, one at a time. On a 2-core machine that gives the
 * load generator and the server a core each, for the baseline and the app alike, so the ratio
 * compares the servers and not their competition with autocannon for one event loop.
 *
 * Environment: BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 2), BENCH_CONNECTIONS
 * (default 10), BENCH_POOL (distinct foreignIds, default 1000), BENCH_ONLY (comma list of
 * baseline,contact,event,new,agency; also rules, loyalty, contacts, import: the suites below), BENCH_AGENCY_GUESTS (guests holding the agency's e-mail and
 * phone before the agency run, default 5000), BENCH_CPU_PROF (a directory: the server children run with --cpu-prof),
 * BENCH_LOG_LEVEL (app log level, default silent), BENCH_KEEP_DB=1 (keep the SQLite file),
 * BENCH_TARGET (minimum Contact/baseline ratio, default 0.5), BENCH_ENFORCE_TARGET=1 (exit 1 below it),
 * BENCH_VARY=1 (Contact bodies carry a new mobile number on every request, so updates really write),
 * BENCH_ROUNDS (default 3: repeat baseline, contact, event and report the median round; this machine is shared and noisy),
 * BENCH_SQL_TIMES=1 (the app child prints the time of each SQL statement when it stops),
 * BENCH_WEBHOOK=1 (the bench account has an enabled webhook subscription for every event type, to a
 * local receiver in a child process of its own, and the app delivers them meanwhile: the outbox in
 * the write path; `rows written` then counts the deliveries received; BENCH_WEBHOOK=queue: the same
 * subscription, but the app runs no worker, so the figures hold the cost of writing the deliveries only).
 */

const { durationS, warmupS, connections, pool, cpuProfDir } = loadKnobs();
const rounds = Math.trunc(num('BENCH_ROUNDS', 3));
const target = num('BENCH_TARGET', 0.5);
const only = new Set((process.env.BENCH_ONLY || 'baseline,contact,event,new,agency,rules').split(',').map((s) => s.trim()));
const loopScenarios = ['baseline', 'contact', 'event', 'new', 'agency'];
const agencyGuests = Math.trunc(num('BENCH_AGENCY_GUESTS', 5000));
// The targets: new contacts against the echo, agency contacts against new contacts.
const NEW_TARGET = 0.35;
const AGENCY_TARGET = 0.8;
const vary = process.env.BENCH_VARY === '1';
const webhookMode = process.env.BENCH_WEBHOOK;
const webhook = webhookMode === '1' || webhookMode === 'queue';

/** node flags that make a server child write a CPU profile named after it (BENCH_CPU_PROF). */
function profileArgs(name: string): string[] {
  if (!cpuProfDir) return [];
  fs.mkdirSync(cpuProfDir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`];
}

class BenchFailure extends Error {}

/** Requests each server child answered in all (warm-ups, measured runs, probes): for profile-summary. */
const served = new Map<string, number>();
const countServed = (child: string, requests: number) => served.set(child, (served.get(child) ?? 0) + requests);

const log = (text: string) => process.stderr.write(`${text}\n`);

/** Any non-2xx answer or socket error, described with the status codes seen; undefined if none. */
function failureOf(name: string, phase: string, result: LoadResult): string | undefined {
  if (result.non2xx === 0 && result.errors === 0 && result.timeouts === 0) return undefined;
  return `${name} (${phase}): ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts; status codes ${JSON.stringify(result.statusCodes)}`;
}

/** One request by fetch before the load, so a broken setup shows its real answer. */
async function probe(name: string, url: string, body: string, expect: (json: any) => boolean): Promise<void> {
  countServed(url.includes('/echo') ? 'echo' : 'app', 1);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.status < 200 || res.status >= 300 || !expect(json)) {
    throw new BenchFailure(`${name}: probe answered ${res.status} ${text.slice(0, 500)}`);
  }
}

interface Measured {
  row: Row;
  before: Record<string, number>;
  after: Record<string, number>;
}

/**
 * Warm-up (not reported; a failure there stops the bench), then the measured run, with the CPU
 * time the server child and this process spent during it.
 */
async function scenario(name: string, child: ServerChild, url: string, warmBody: (n: number) => string, body: (n: number) => string): Promise<Measured> {
  log(`${name}: warm-up ${warmupS} s`);
  const warm = await runLoad({ url, body: warmBody, connections, durationS: warmupS });
  countServed(child.name, warm.requests);
  const warmFailure = failureOf(name, 'warm-up', warm);
  if (warmFailure) throw new BenchFailure(warmFailure);
  log(`${name}: measuring ${durationS} s`);
  const before = await child.stats();
  const ownBefore = process.cpuUsage();
  const t0 = performance.now();
  const result = await runLoad({ url, body, connections, durationS });
  countServed(child.name, result.requests);
  const wallMicros = (performance.now() - t0) * 1000;
  const own = process.cpuUsage(ownBefore);
  const after = await child.stats();
  const serverMicros = after.cpuMicros - before.cpuMicros;
  return {
    row: {
      name,
      result,
      serverCpuPct: (100 * serverMicros) / wallMicros,
      serverMicrosPerReq: serverMicros / Math.max(1, result.requests),
      loadCpuPct: (100 * (own.user + own.system)) / wallMicros,
    },
    before: before.counts,
    after: after.counts,
  };
}

/** The middle row of a scenario across rounds (by ratio, else by req/s); the lower one of two. */
function medianRow(rows: Row[]): Row {
  const key = (r: Row) => r.ratio ?? r.result.reqPerSec;
  const sorted = [...rows].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * The other benches, each a script of its own run as a child with this one's output, after the
 * Loop scenarios: BENCH_ONLY=rules (bench/rules.ts: ContactEvent with 50 rules against none, and
 * e-mails per second; bench/rules-lateness.ts: scheduled actions among 100,000 pending), loyalty
 * (add-points and redeem-points against the echo), contacts (GET /contacts, 304 and 200, against a
 * GET echo), import (`openstay import contacts` of 1,000,000 contacts; on PostgreSQL too with
 * BENCH_POSTGRES_URL; not in the default set: it takes minutes). Exit 1 if one fails.
 */
const SUITES: Record<string, string[]> = {
  rules: ['rules.js', 'rules-lateness.js'],
  loyalty: ['loyalty.js'],
  contacts: ['contacts.js'],
  import: ['import-contacts.js'],
};

function runSuites(): number {
  let code = 0;
  for (const [name, scripts] of Object.entries(SUITES)) {
    if (!only.has(name)) continue;
    for (const script of scripts) {
      log(`bench ${name}: node dist/bench/${script}`);
      const run = spawnSync(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), script)], { stdio: 'inherit' });
      if (run.status !== 0) {
        console.error(`BENCH FAILED: ${script} exited ${run.status}`);
        code = 1;
      }
    }
  }
  return code;
}

async function main(): Promise<number> {
  const loadAtStart = os.loadavg()[0];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-bench-'));
  const dbFile = path.join(tmp, 'bench.db');
  const children: ServerChild[] = [];
  const all: Row[] = [];
  const failures: string[] = [];
  /** agency contact req/s / new contact req/s, per round */
  const agencyVsNew: number[] = [];
  const notes: Record<string, unknown> = {};
  const record = (row: Row, baseline: Row | undefined) => {
    const compared = baseline
      ? { ...row, ratio: row.result.reqPerSec / baseline.result.reqPerSec, cpuRatio: baseline.serverMicrosPerReq / row.serverMicrosPerReq }
      : row;
    all.push(compared);
    const failure = failureOf(row.name, 'measured', row.result);
    if (failure) failures.push(failure);
    return compared;
  };

  try {
    // Both servers start once and stay up; only one is under load at any time.
    const echo = only.has('baseline') ? await startChild('echo', 'echo-server.js', {}, profileArgs('echo')) : undefined;
    if (echo) children.push(echo);
    const receiver = webhook ? await startChild('receiver', 'webhook-receiver.js', {}) : undefined;
    if (receiver) children.push(receiver);
    const receiverEnv = receiver
      ? { BENCH_WEBHOOK_URL: `http://127.0.0.1:${receiver.ready.port}/hooks`, BENCH_WEBHOOK_DELIVER: webhookMode === 'queue' ? '0' : '1' }
      : {};
    const app = ['contact', 'event', 'new', 'agency'].some((name) => only.has(name))
      ? await startChild('app', 'app-server.js', { BENCH_DB_FILE: dbFile, ...receiverEnv }, profileArgs('app'))
      : undefined;
    if (app) children.push(app);

    const echoUrl = echo ? `http://127.0.0.1:${echo.ready.port}/echo` : '';
    const base = app ? `http://127.0.0.1:${app.ready.port}/loop/api/v1` : '';
    const token = encodeURIComponent(app?.ready.loopToken ?? '');
    const contactUrl = `${base}/Contact?authToken=${token}`;
    const eventUrl = `${base}/ContactEvent?authToken=${token}`;
    const locId = app?.ready.locationId ?? '';

    if (echo) await probe('baseline echo', echoUrl, contactBody('probe', locId), (json) => json?.foreignId === 'probe');
    if (app && only.has('contact')) {
      await probe('contact upsert', contactUrl, contactBody('probe', locId), (json) => json?.status === 'Success' && /^[0-9a-f]{24}$/.test(json?.id));
    }
    if (app && only.has('event') && !only.has('contact')) {
      log(`contact event: seeding ${pool} contacts`);
      for (let i = 0; i < pool; i++) {
        await probe('seed contact', contactUrl, contactBody(poolKey('seed', i, pool), locId), (json) => json?.status === 'Success');
      }
    }

    if (app && only.has('agency')) {
      log(`agency contacts: seeding ${agencyGuests} guests holding ${AGENCY_EMAIL} and ${AGENCY_PHONE}`);
      await seedAgencyGuests(contactUrl, locId, agencyGuests);
    }
    // Every new-contact request names a person never sent before (warm-ups included).
    let fresh = 0;

    for (let round = 1; round <= rounds; round++) {
      const tag = rounds > 1 ? ` #${round}` : '';
      let baseline: Row | undefined;
      if (echo) {
        // The same bodies as the Contact run, so both servers parse the same JSON.
        const body = (n: number) => contactBody(poolKey('bench', n, pool), locId, vary);
        const { row } = await scenario(`baseline echo${tag}`, echo, echoUrl, body, body);
        baseline = record({ ...row, ratio: 1, cpuRatio: 1 }, undefined);
      }
      if (!app) continue;
      let eventKeys = { prefix: 'seed', size: pool };
      if (only.has('contact')) {
        // Fresh pools each round: the warm-up has its own keys, so the measured run first
        // inserts its pool's keys and then updates them; both paths are in the figures.
        const prefix = `bench${round}`;
        const { row, before, after } = await scenario(
          `contact upsert${tag}`,
          app,
          contactUrl,
          (n) => contactBody(poolKey(`warm${round}`, n, pool), locId, vary),
          (n) => contactBody(poolKey(prefix, n, pool), locId, vary),
        );
        // New keys (each a new guest, as every key has its own e-mail and mobile).
        const inserted = after.guest_keys - before.guest_keys;
        notes[`contact${tag}`] = { pool, inserted, updated: Math.max(0, row.result.requests - inserted), newGuests: after.guests - before.guests };
        record(row, baseline);
        // Keys went out in order, `connections` at a time: when the run did not get round the
        // whole pool, prefix-0 .. prefix-(inserted - connections - 1) surely exist.
        eventKeys = { prefix, size: inserted >= pool ? pool : Math.max(1, inserted - connections) };
      }
      if (only.has('event')) {
        const body = (n: number) => contactEventBody(poolKey(eventKeys.prefix, n, eventKeys.size));
        await probe('contact event', eventUrl, body(0), (json) => json?.status === 'Success');
        const { row, before, after } = await scenario(`contact event${tag}`, app, eventUrl, body, body);
        notes[`event${tag}`] = { pool: eventKeys.size, journeyEventsWritten: after.journey_events - before.journey_events };
        record(row, baseline);
      }
      let newRow: Row | undefined;
      for (const [scenarioName, bodyOf] of [
        ['new contact', newContactBody],
        ['agency contact', agencyContactBody],
      ] as const) {
        if (!only.has(scenarioName === 'new contact' ? 'new' : 'agency')) continue;
        const body = (n: number) => bodyOf(`${scenarioName === 'new contact' ? 'new' : 'agency'}-${fresh++}-${n}`, locId);
        const { row, before, after } = await scenario(`${scenarioName}${tag}`, app, contactUrl, body, body);
        notes[`${scenarioName}${tag}`] = { newGuests: after.guests - before.guests, requests: row.result.requests };
        const recorded = record(row, baseline);
        if (scenarioName === 'new contact') newRow = recorded;
        else if (newRow) agencyVsNew.push(row.result.reqPerSec / newRow.result.reqPerSec);
      }
    }
    if (receiver) notes.webhookDeliveriesReceived = (await receiver.stats()).counts.received;
    for (const child of children) await child.stop();
    if (cpuProfDir) {
      log(`CPU profiles written to ${cpuProfDir}; requests answered in all (for µs per request): ${JSON.stringify(Object.fromEntries(served))}`);
      log(`summary: node dist/bench/profile-summary.js ${cpuProfDir}/app-<time>.cpuprofile 40 ${served.get('app') ?? ''}`);
    }
  } finally {
    for (const child of children) await child.stop().catch(() => {});
    if (process.env.BENCH_KEEP_DB === '1') log(`kept ${dbFile}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }

  // One row per scenario: the run itself, or with BENCH_ROUNDS > 1 the median round.
  const names = ['baseline echo', 'contact upsert', 'contact event', 'new contact', 'agency contact'];
  const rows = names
    .map((name) => all.filter((r) => r.name === name || r.name.startsWith(`${name} #`)))
    .filter((group) => group.length > 0)
    .map((group) => ({ ...medianRow(group), name: group[0].name.replace(/ #\d+$/, '') }));
  const contactRow = rows.find((r) => r.name === 'contact upsert');
  const targetMet = contactRow?.ratio === undefined ? undefined : contactRow.ratio >= target;
  const newRatio = rows.find((r) => r.name === 'new contact')?.ratio;
  const agencyRatio = agencyVsNew.length > 0 ? [...agencyVsNew].sort((a, b) => a - b)[Math.floor((agencyVsNew.length - 1) / 2)] : undefined;
  const verdict = (value: number | undefined, min: number) => (value === undefined ? 'n/a' : `${value.toFixed(2)} ${value >= min ? 'met' : 'NOT met'}`);
  const cpus = os.cpus();
  const date = new Date().toISOString();
  console.log(
    `Openstay bench ${date} | node ${process.version} | ${cpus.length} x ${cpus[0]?.model?.trim() ?? 'cpu'} | SQLite | ` +
      `${connections} connections | ${durationS} s each after ${warmupS} s warm-up | servers in child processes, autocannon in the parent` +
      (vary ? ' | BENCH_VARY=1' : '') +
      (webhook ? ` | BENCH_WEBHOOK=${webhookMode}` : '') +
      ` | load avg ${loadAtStart.toFixed(2)} at start, ${os.loadavg()[0].toFixed(2)} at end`,
  );
  if (rounds > 1) {
    console.log(table(all));
    console.log(`median of ${rounds} rounds (by ratio; baseline by req/s):`);
  }
  console.log(table(rows));
  console.log(
    `ratio = req/s (mean) / baseline echo req/s (mean); cpu ratio = baseline srv us/req / srv us/req. ` +
      `Target contact upsert ratio >= ${target}: ${targetMet === undefined ? 'n/a' : targetMet ? 'met' : 'NOT met'}`,
  );
  console.log(
    `Target new contact ratio >= ${NEW_TARGET}: ${verdict(newRatio, NEW_TARGET)}. ` +
      `Target agency contact / new contact req/s >= ${AGENCY_TARGET} (median of rounds ${agencyVsNew.map((r) => r.toFixed(2)).join(', ') || '-'}): ${verdict(agencyRatio, AGENCY_TARGET)}`,
  );
  if (Object.keys(notes).length > 0) console.log(`rows written: ${JSON.stringify(notes)}`);
  console.log(
    JSON.stringify({
      bench: 'openstay-loop-v1',
      date,
      node: process.version,
      cpus: cpus.length,
      database: 'sqlite',
      connections,
      durationS,
      warmupS,
      vary,
      webhook: webhook ? webhookMode : null,
      rounds,
      loadAvg: { start: Math.round(loadAtStart * 100) / 100, end: Math.round(os.loadavg()[0] * 100) / 100 },
      results: Object.fromEntries(rows.map((r) => [r.name, jsonRow(r)])),
      ...(rounds > 1 ? { perRound: Object.fromEntries(all.map((r) => [r.name, jsonRow(r)])) } : {}),
      notes,
      target: { contactRatio: target, met: targetMet ?? null },
      newContact: { ratio: newRatio ?? null, target: NEW_TARGET },
      agencyContact: { vsNew: agencyRatio ?? null, rounds: agencyVsNew, target: AGENCY_TARGET, sharingGuests: agencyGuests },
      ok: failures.length === 0,
    }),
  );
  if (failures.length > 0) {
    for (const failure of failures) console.error(`BENCH FAILED: ${failure}`);
    return 1;
  }
  if (targetMet === false && process.env.BENCH_ENFORCE_TARGET === '1') {
    console.error(`BENCH FAILED: contact upsert ratio ${contactRow?.ratio?.toFixed(2)} is below ${target}`);
    return 1;
  }
  return 0;
}

/** Creates `count` guests (one foreignId each) that all hold the agency's e-mail and phone, ten requests at a time. */
async function seedAgencyGuests(contactUrl: string, locationId: string, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const foreignId = `agency-seed-${next++}`;
      const res = await fetch(contactUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: agencyContactBody(foreignId, locationId) });
      if (res.status !== 200) throw new BenchFailure(`agency seed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer().catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
}

(loopScenarios.some((name) => only.has(name)) ? main() : Promise.resolve(0)).then(
  (code) => process.exit(Math.max(code, runSuites())),
  (err) => {
    console.error(`BENCH FAILED: ${err instanceof BenchFailure ? err.message : ((err as Error)?.stack ?? err)}`);
    process.exit(1);
  },
);
