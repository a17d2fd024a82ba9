import os from 'node:os';
import type net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { queueMessages, type NewMessage } from '../src/core/messaging/messages.js';
import { openDatabase } from '../src/db/database.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { benchDatabase, cliJson, log, percentile, startServer } from './openstay-process.js';

/*
 * node dist/bench/rules-lateness.js (after npm run build): how late a rule's scheduled message
 * leaves when BENCH_PENDING (100,000) other delayed actions wait in the outbox.
 *
 * 1. An account with an e-mail template; BENCH_PENDING messages queued through the real path
 *    (messaging.queueMessages, a message row and its job each) due in a day.
 * 2. `openstay serve` with SMTP_URL at an smtp-server in this process. Then BENCH_DUE (500)
 *    messages are queued, due from 2 s later, one every BENCH_SPACING_MS (10 ms).
 * 3. Lateness of each: the time it was sent (recorded once the SMTP server accepted it) minus its
 *    due time; p50, p99 and max. Target: p99 under 1 s.
 */

const PENDING = Number(process.env.BENCH_PENDING ?? 100_000);
const DUE = Number(process.env.BENCH_DUE ?? 500);
const SPACING_MS = Number(process.env.BENCH_SPACING_MS ?? 10);
const TARGET_P99_MS = 1000;
const DAY = 86_400_000;

function message(guestId: number, dueAt: number, n: number): NewMessage {
  return {
    guestId,
    stayId: null,
    ruleId: null,
    template: 'later',
    channel: 'email',
    languages: ['en'],
    recipient: `guest-${n}@bench.example`,
    variables: { guest: { firstName: 'Ann' } },
    dueAt,
  };
}

async function main(): Promise<void> {
  const database = benchDatabase('rules-lateness', { SMTP_URL: '' });
  const account = cliJson(database.env, 'account', 'create', `bench-late-${process.pid}`);
  let server = await startServer(database.env);
  const handle = openDatabase(database.env.DATABASE_URL);
  const db = handle.db;
  let mails = 0;
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
  try {
    const res = await fetch(`${server.base}/admin/v1/templates/later/email/en`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${account.admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ trigger: 'stay.checked_out', subject: 'Hello {{ guest.firstName }}', body: '<p>Hello</p>', validForMinutes: 86400 }),
    });
    if (res.status !== 200) throw new Error(`template: ${res.status} ${await res.text()}`);
    await server.stop();
    const accountId = (await db.selectFrom('accounts').select('id').where('slug', '=', account.account).executeTakeFirstOrThrow()).id;

    const seeding = performance.now();
    const later = Date.now() + DAY;
    for (let from = 0; from < PENDING; from += 1000) {
      const batch = Array.from({ length: Math.min(1000, PENDING - from) }, (_, i) => message(1, later + from + i, from + i));
      await inWriteTransaction(db, (trx) => queueMessages(trx, accountId, batch));
    }
    log(`${PENDING} delayed messages queued in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    const smtpPort = (smtp.server.address() as net.AddressInfo).port;
    server = await startServer({ ...database.env, SMTP_URL: `smtp://127.0.0.1:${smtpPort}` });
    const start = Date.now() + 2000;
    const soon = Array.from({ length: DUE }, (_, i) => message(2, start + i * SPACING_MS, PENDING + i));
    const outcomes = await inWriteTransaction(db, (trx) => queueMessages(trx, accountId, soon));
    const ids = outcomes.flatMap((o) => (o.queued ? [o.messageId] : []));
    if (ids.length !== DUE) throw new Error(`queued ${ids.length} of ${DUE}`);
    const deadline = Date.now() + 120_000 + DUE * SPACING_MS;
    let sent: Array<{ due_at: number; sent_at: number | null }> = [];
    while (Date.now() < deadline) {
      sent = await db
        .selectFrom('messages')
        .select(['due_at', 'sent_at'])
        .where('account_id', '=', accountId)
        .where('id', 'in', ids)
        .where('status', '=', 'sent')
        .execute();
      if (sent.length === DUE) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (sent.length !== DUE) throw new Error(`only ${sent.length} of ${DUE} due messages were sent in time`);
    const lateness = sent.map((m) => Number(m.sent_at) - Number(m.due_at)).sort((a, b) => a - b);
    // when the worker started each one (its job's first claim), apart from the SMTP conversation
    const started = await db
      .selectFrom('jobs')
      .select(['started_at', 'payload'])
      .where('account_id', '=', accountId)
      .where('kind', '=', 'messaging.send')
      .where('status', '=', 'succeeded')
      .execute();
    const claimLag = started
      .map((j) => ({ at: Number(j.started_at), id: (JSON.parse(j.payload) as { messageId: number }).messageId }))
      .filter((j) => ids.includes(j.id));
    const dueById = new Map(
      (await db.selectFrom('messages').select(['id', 'due_at']).where('id', 'in', ids).execute()).map((m) => [Number(m.id), Number(m.due_at)]),
    );
    const claimLateness = claimLag.map((j) => j.at - dueById.get(j.id)!).sort((a, b) => a - b);
    const stillPending = await db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('status', '=', 'queued')
      .executeTakeFirstOrThrow();
    const result = {
      bench: 'openstay-rules-lateness',
      date: new Date().toISOString(),
      database: database.dialect,
      pendingDelayed: PENDING,
      stillPending: Number(stillPending.n),
      dueMessages: DUE,
      spacingMs: SPACING_MS,
      latenessMs: { p50: percentile(lateness, 50), p99: percentile(lateness, 99), max: lateness.at(-1) },
      claimLatenessMs: { p50: percentile(claimLateness, 50), p99: percentile(claimLateness, 99), max: claimLateness.at(-1) },
      targetP99Ms: TARGET_P99_MS,
      emailsReceived: mails,
      loadAverage: os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' '),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await server.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await handle.close();
    database.remove();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
