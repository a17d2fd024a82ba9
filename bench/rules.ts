import os from 'node:os';
import { SMTPServer } from 'smtp-server';
import type net from 'node:net';
import { benchDatabase, cliJson, log, startServer, type ServerProcess } from './openstay-process.js';

/*
 * node dist/bench/rules.js (after npm run build): what journey rules cost on the ContactEvent
 * write path, and e-mails per second through a local SMTP server.
 *
 * 1. `openstay serve` without SMTP_URL, two accounts: one with no rules, one with BENCH_RULES (50)
 *    enabled rules, all evaluated on every checkin, two of them matching (each writes a message
 *    and its job: the outbox) and the others not (48 with a condition that fails, or another
 *    trigger). Each request is a ContactEvent checkin of a new guest (a new stay, so the two rules
 *    fire every time). Each round runs BENCH_EVENTS (2,000) checkins for each account, from
 *    BENCH_CONCURRENCY (10) clients, after one warm-up round. The two accounts take turns in the
 *    ABBA order, so the server's drift (the JIT still tiering up, the heap growing, another
 *    tenant of the host) favours neither. The ratio is the median over BENCH_ROUNDS (5) rounds
 *    of the round's rate with rules over its rate without. Target: at least 0.85.
 * 2. The same database served with SMTP_URL at an smtp-server in this process: the messages
 *    queued in part 1 (2 per event) leave; e-mails per second from the server start to the last.
 */

const RULES = Number(process.env.BENCH_RULES ?? 50);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const TARGET = 0.85;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function call(base: string, token: string, method: string, url: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Templates and rules of the account with rules: two match every checkin, the others never. */
async function setUpRules(base: string, adminToken: string): Promise<void> {
  for (const language of ['en', 'sv']) {
    await call(base, adminToken, 'PUT', `/admin/v1/templates/welcome/email/${language}`, {
      trigger: 'stay.checked_in',
      subject: 'Welcome {{ guest.firstName }}',
      body: '<p>Welcome to {{ location.name }}, {{ guest.firstName }}!</p>',
    });
  }
  for (let i = 0; i < RULES; i++) {
    const matching = i < 2;
    const conditions = matching ? [] : i % 2 ? [{ field: 'guest.vipStatus', op: 'eq', value: `level-${i}` }] : [];
    const trigger = matching || i % 2 ? 'stay.checked_in' : 'stay.checked_out';
    await call(base, adminToken, 'POST', '/admin/v1/rules', { name: `rule-${i}`, trigger, conditions, action: { type: 'email', template: 'welcome' } });
  }
}

/** EVENTS checkins of new guests, CONCURRENCY at once; returns requests per second. */
async function checkins(server: ServerProcess, loopToken: string, tag: string): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < EVENTS) {
        const n = next++;
        const res = await fetch(`${server.base}/loop/api/v1/ContactEvent?authToken=${loopToken}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            event: 'checkin',
            foreignId: `${tag}-${n}`,
            firstname: 'Ann',
            email: `${tag}-${n}@bench.example`,
            language: n % 2 ? 'sv' : 'en',
          }),
        });
        if (res.status !== 200) throw new Error(`ContactEvent: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
    }),
  );
  return (EVENTS / (performance.now() - started)) * 1000;
}

async function main(): Promise<void> {
  const database = benchDatabase('rules', { SMTP_URL: '' });
  const plain = cliJson(database.env, 'account', 'create', `bench-plain-${process.pid}`);
  const ruled = cliJson(database.env, 'account', 'create', `bench-rules-${process.pid}`);
  let server = await startServer(database.env);
  const rates: { none: number[]; rules: number[] } = { none: [], rules: [] };
  let mails = 0;
  let emailsPerSecond = 0;
  let queued = 0;
  try {
    await setUpRules(server.base, ruled.admin.token);
    // A warm-up round for each, not counted.
    await checkins(server, plain.loop.authToken, 'warm-plain');
    await checkins(server, ruled.loop.authToken, 'warm-rules');
    for (let round = 0; round < ROUNDS; round++) {
      const plainRound = () => checkins(server, plain.loop.authToken, `plain-${round}`);
      const rulesRound = () => checkins(server, ruled.loop.authToken, `rules-${round}`);
      // ABBA: without rules first in rounds 1, 4, 5, 8..., with rules first in rounds 2, 3, 6, 7...
      if (round % 4 === 0 || round % 4 === 3) {
        rates.none.push(await plainRound());
        rates.rules.push(await rulesRound());
      } else {
        rates.rules.push(await rulesRound());
        rates.none.push(await plainRound());
      }
      log(
        `round ${round + 1}: ${rates.none.at(-1)!.toFixed(0)}/s without rules, ${rates.rules.at(-1)!.toFixed(0)}/s with ${RULES}: ${(rates.rules.at(-1)! / rates.none.at(-1)!).toFixed(3)}`,
      );
    }
    const listed = await call(server.base, ruled.admin.token, 'GET', '/admin/v1/messages?status=queued&limit=1');
    if (!listed.messages[0]?.undeliverable) throw new Error('a queued message should say it cannot leave without SMTP_URL');
    queued = (ROUNDS + 1) * EVENTS * 2;
    await server.stop();

    // Part 2: the queued messages leave through a local SMTP server.
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, callback) {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          mails++;
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    const smtpPort = (smtp.server.address() as net.AddressInfo).port;
    const started = performance.now();
    server = await startServer({ ...database.env, SMTP_URL: `smtp://127.0.0.1:${smtpPort}` });
    const deadline = Date.now() + 600_000;
    while (mails < queued && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    emailsPerSecond = (mails / (performance.now() - started)) * 1000;
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  } finally {
    await server.stop();
    database.remove();
  }
  const roundRatios = rates.rules.map((r, i) => r / rates.none[i]);
  const ratio = median(roundRatios);
  const result = {
    bench: 'openstay-rules',
    date: new Date().toISOString(),
    database: database.dialect,
    rules: RULES,
    matchingRules: 2,
    eventsPerRound: EVENTS,
    rounds: ROUNDS,
    concurrency: CONCURRENCY,
    contactEventsPerSecond: { noRules: Math.round(median(rates.none)), withRules: Math.round(median(rates.rules)) },
    ratio: Number(ratio.toFixed(3)),
    roundRatios: roundRatios.map((r) => Number(r.toFixed(3))),
    target: TARGET,
    messagesQueued: queued,
    emailsSent: mails,
    emailsPerSecond: Math.round(emailsPerSecond),
    loadAverage: os.loadavg()[0].toFixed(1),
  };
  console.log(JSON.stringify(result, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
