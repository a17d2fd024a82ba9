import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/config.js';
import { createAccountWithCredentials } from '../src/core/accounts/provision.js';
import { surveyLinkPath } from '../src/core/accounts/survey-links.js';
import { createEvaluation } from '../src/core/feedback/evaluations.js';
import { createLocation } from '../src/core/locations/locations.js';
import { writeContext } from '../src/core/shared/write-context.js';
import { registerStay } from '../src/core/stays/register-stay.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { buildApp } from '../src/server/app.js';

/*
 * node dist/bench/guest-pages.js: the survey page (a Liquid render of a 6-question survey with
 * its link checked) and the portal's sign-in page, against GET /healthz as the baseline, all in
 * process through app.inject on a fresh SQLite file. BENCH_ITERATIONS (default 500) timed calls per
 * page after 50 warm-up calls; prints the median and p95 in ms and the ratio of medians to the
 * baseline (the machine is shared: read ratios, not absolute figures).
 */

const ITERATIONS = Number(process.env.BENCH_ITERATIONS || 500);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-bench-pages-'));
const config = loadConfig({ DATABASE_URL: `sqlite:${path.join(dir, 'bench.db')}`, PUBLIC_URL: 'http://bench.test', LOG_LEVEL: 'silent' });
const database = openDatabase(config.databaseUrl);
await migrateToLatest(database.db);
const { account } = await createAccountWithCredentials(database.db, 'bench', 'Bench Hotels');
const hotel = await createLocation(database.db, account.id, { title: { en: 'Bench Hotel' } });
const rating = ['Poor', 'Fair', 'Good', 'Very good', 'Excellent'].map((t, i) => ({ title: { en: t }, score: i / 4 }));
const survey = await createEvaluation(database.db, account.id, {
  name: 'Bench survey',
  locationIds: [hotel.id],
  sections: [
    { questions: [{ type: 'radio', title: { en: 'Recommend?' }, semanticId: 0 }] },
    { questions: [1, 2, 3, 4].map((n) => ({ type: 'radio' as const, title: { en: `Rating ${n}` }, semanticId: n, options: rating })) },
    { questions: [{ type: 'text', title: { en: 'Anything else?' } }] },
  ],
});
const { stay, guest } = await inWriteTransaction(database.db, (trx) =>
  registerStay(writeContext(trx, account.id), hotel.id, { status: 'poststay', name: 'Bench Guest', email: 'bench@example.com' }, 'bench'),
);
const surveyUrl = surveyLinkPath(account.page_secret, { slug: account.slug, surveyId: survey.id, guestId: guest.id, stayId: stay.id, source: 'poststay' });
const app = await buildApp({ config, database });
await app.ready();

async function time(url: string) {
  for (let i = 0; i < 50; i++) await app.inject({ method: 'GET', url });
  const ms: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    const res = await app.inject({ method: 'GET', url });
    ms.push(performance.now() - start);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(ms.length / 2)], p95: ms[Math.floor(ms.length * 0.95)] };
}

const baseline = await time('/healthz');
const rows = [
  ['GET /healthz (baseline)', baseline],
  ['GET survey page', await time(surveyUrl)],
  ['GET /fideltour/portal (sign-in)', await time('/fideltour/portal')],
] as const;
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${ITERATIONS} calls each`,
);
for (const [name, r] of rows)
  console.log(`${name.padEnd(34)} p50 ${r.p50.toFixed(2)} ms  p95 ${r.p95.toFixed(2)} ms  ${(r.p50 / baseline.p50).toFixed(1)}x baseline`);
await app.close();
await database.close();
fs.rmSync(dir, { recursive: true, force: true });
