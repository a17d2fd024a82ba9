import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import { benchDatabase, cliJson, log, percentile, startServer } from './openstay-process.js';

/*
 * node dist/bench/outbox.js (after npm run build): webhook deliveries per second to a local
 * receiver, and the time from an event to its delivery. Starts `openstay serve` (SQLite in a temp
 * directory, or DATABASE_URL) with ALLOW_PRIVATE_CALLBACK_URLS (the receiver is on 127.0.0.1),
 * subscribes a webhook to guest.created, then creates BENCH_EVENTS (5,000) guests through
 * POST /admin/v1/guests from BENCH_CONCURRENCY (20) clients at once: every guest is an event, an
 * outbox row in its transaction, a job claimed by the server's worker, a signed POST and a
 * recorded attempt. Deliveries per second count from the first event to the last delivery.
 * Latency is the receipt time minus the event's `timestamp` in the body (its commit, to the ms).
 * Targets: at least 2,000 deliveries/s on SQLite and 800/s on PostgreSQL, p99 at most 100 ms.
 *
 * Live, deliveries keep pace with the events, so their rate is the rate the clients create guests
 * at. The second phase measures what the outbox itself delivers: BENCH_BACKLOG (the same count)
 * guests created on a server with ROLES=web (no worker: every delivery waits, queued), then a
 * server with a worker started on that database; deliveries/s from its start to the last received.
 */

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? EVENTS);

async function main(): Promise<void> {
  const received: Array<{ at: number; eventAt: number; id: string }> = [];
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { timestamp: string };
      received.push({ at, eventAt: Date.parse(body.timestamp), id: String(req.headers['webhook-id']) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverPort = (receiver.address() as net.AddressInfo).port;

  const database = benchDatabase('outbox', { ALLOW_PRIVATE_CALLBACK_URLS: 'true' });
  const adminToken = cliJson(database.env, 'account', 'create', `bench-outbox-${process.pid}`).admin.token as string;
  let server = await startServer(database.env);
  let base = server.base;
  try {
    const admin = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(`${base}/admin/v1${url}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<any>;
    };
    await admin('POST', '/webhooks', { url: `http://127.0.0.1:${receiverPort}/hooks`, events: ['guest.created'] });
    /** Creates guests `from` to `to` - 1 from CONCURRENCY clients: each is a webhook delivery. */
    const createGuests = async (from: number, to: number) => {
      let next = from;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < to) {
            const n = next++;
            await admin('POST', '/guests', { firstName: `Guest${n}`, lastName: 'Bench', email: `guest${n}@bench.example` });
          }
        }),
      );
    };
    log(`creating ${EVENTS} guests from ${CONCURRENCY} clients; each is a webhook delivery`);
    const started = Date.now();
    await createGuests(0, EVENTS);
    const eventsDone = Date.now();
    const deadline = Date.now() + 120_000;
    while (received.length < EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const live = received.slice();
    const last = Math.max(...live.map((r) => r.at));
    const latencies = live.map((r) => r.at - r.eventAt).sort((a, b) => a - b);
    const attempts = await admin('GET', '/deliveries?status=delivered&limit=1');

    // The backlog: queued by a server without a worker, then drained by one.
    await server.stop();
    server = await startServer({ ...database.env, ROLES: 'web' });
    base = server.base;
    log(`queueing ${BACKLOG} deliveries on a server without a worker`);
    await createGuests(EVENTS, EVENTS + BACKLOG);
    await server.stop();
    const before = received.length;
    server = await startServer(database.env);
    base = server.base;
    const drainStarted = Date.now();
    const drainDeadline = Date.now() + 300_000;
    while (received.length < before + BACKLOG && Date.now() < drainDeadline) await new Promise((r) => setTimeout(r, 20));
    const drained = received.length - before;
    const drainLast = Math.max(...received.slice(before).map((r) => r.at));
    const result = {
      bench: 'openstay-outbox',
      date: new Date().toISOString(),
      database: database.dialect,
      events: EVENTS,
      delivered: live.length,
      distinctWebhookIds: new Set(live.map((r) => r.id)).size,
      eventsPerSecond: Math.round((EVENTS / (eventsDone - started)) * 1000),
      deliveriesPerSecond: Math.round((live.length / (last - started)) * 1000),
      eventToDelivery: { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: latencies.at(-1) ?? 0 },
      backlog: {
        queued: BACKLOG,
        delivered: drained,
        distinctWebhookIds: new Set(received.slice(before).map((r) => r.id)).size,
        // from the moment the server with a worker answers its health check to the last delivery
        deliveriesPerSecond: drained ? Math.round((drained / (drainLast - drainStarted)) * 1000) : 0,
      },
      sampleDelivery: attempts.deliveries?.[0] ? { status: attempts.deliveries[0].status, attempts: attempts.deliveries[0].attempts } : null,
      loadAverage: os.loadavg()[0].toFixed(1),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await server.stop();
    receiver.close();
    database.remove();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
