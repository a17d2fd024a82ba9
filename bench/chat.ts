import os from 'node:os';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { benchDatabase, cliJson, log, percentile, startServer } from './openstay-process.js';

/*
 * node dist/bench/chat.js (after npm run build): chat latency with many guests connected.
 * Starts `openstay serve` (SQLite in a temp directory, or DATABASE_URL), registers BENCH_SESSIONS
 * (1,000) Loopon stays with chat sessions, opens one guest WebSocket per session and one staff
 * realtime socket, then sends BENCH_RATE (200) messages per second in all for BENCH_SECONDS (10):
 * half hotel -> guest (POST /admin/v1/chat/sessions/{id}/messages, timed until that guest's socket
 * has the message), half guest -> staff (a chatMessage written on a guest socket, timed until the
 * staff socket has it), after BENCH_WARMUP_S (5) seconds of the same traffic that are not timed.
 * Every message is a real write. Target: p99 at most 10 ms each way.
 * MAX_CONNECTIONS_PER_ADDRESS is off for the run: the bench's sockets all come from 127.0.0.1,
 * where a hotel's guests come from many addresses. BENCH_SHOW_SLOW=<ms> logs when each message
 * slower than that was sent, to tell a periodic stall (every message of a stretch) from load.
 */

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
// Seconds of the same traffic before the measured run, not counted: the server's JIT compiles the
// message path during the first second or two at full rate, and the first full garbage collection
// after registering the stays comes then too: one-off stalls of ~100 ms on 2 cores.
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_S ?? 5);
const SHOW_SLOW = Number(process.env.BENCH_SHOW_SLOW ?? 0);

const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted.at(-1) ?? 0) };
};
const round = (n: number) => Math.round(n * 100) / 100;

/** Sends on a socket and keeps every event it receives, by type and localId. */
function connect(url: string, onEvent: (event: any) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
    ws.on('message', (data) => {
      for (const line of String(data).split('\n')) if (line) onEvent(JSON.parse(line));
    });
  });
}

async function main(): Promise<void> {
  const database = benchDatabase('chat', { MAX_CONNECTIONS_PER_ADDRESS: '0' });
  const slug = `bench-chat-${process.pid}`;
  const account = cliJson(database.env, 'account', 'create', slug);
  const adminToken: string = account.admin.token;
  const client = cliJson(database.env, 'client', 'create', '--account', slug, '--scopes', 'basic manage_stays chat_sessions');
  const server = await startServer(database.env);
  const base = server.base;
  const sockets: WebSocket[] = [];
  try {
    const admin = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(`${base}/admin/v1${url}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<any>;
    };
    const unit = (await admin('POST', '/locations', { title: 'Bench Hotel' })).id;
    const tokenRes = await fetch(`${base}/loopon/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }),
    });
    const accessToken = ((await tokenRes.json()) as { access_token: string }).access_token;

    // Guests: one stay, one chat session and one socket each.
    const arrivals = new Map<string, number>(); // localId -> when its event arrived where it was awaited
    const guests: Array<{ ws: WebSocket; adminId?: number }> = [];
    let staffReady = false;
    const staffId = new Map<string, number>(); // warm-up localId -> admin session id
    const staffUrl = (await admin('POST', '/realtime/tickets')).url as string;
    const staff = await connect(`${base.replace('http', 'ws')}${new URL(staffUrl).pathname}${new URL(staffUrl).search}`, (e) => {
      if (e.type === 'ready') staffReady = true;
      if (e.type === 'chat.message' && e.message?.localId) {
        arrivals.set(e.message.localId, performance.now());
        if (e.message.localId.startsWith('warm-')) staffId.set(e.message.localId, e.sessionId);
      }
    });
    sockets.push(staff);
    while (!staffReady) await new Promise((r) => setTimeout(r, 10));
    log(`registering ${SESSIONS} stays and opening their chat sockets`);
    for (let i = 0; i < SESSIONS; i++) {
      const res = await fetch(`${base}/loopon/public/units/${unit}/stays`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Guest ${i}`, email: `guest${i}@bench.example`, status: 'instay', checkinDate: '2026-03-01', checkoutDate: '2099-03-03' }),
      });
      const stay = (await res.json()) as any;
      if (!stay.chatSession) throw new Error(`no chat session: ${JSON.stringify(stay)}`);
      const ws = await connect(`${base.replace('http', 'ws')}${new URL(stay.chatSession.wssUrl).pathname}`, (e) => {
        if (e.type === 'chatMessage' && e.chatMessage?.author === 'hotel' && e.chatMessage.localId) arrivals.set(e.chatMessage.localId, performance.now());
      });
      sockets.push(ws);
      guests.push({ ws });
      ws.send(JSON.stringify({ type: 'chatMessage', chatMessage: { localId: `warm-${i}`, contentType: 'text/plain', content: 'hello' } }));
    }
    while (staffId.size < SESSIONS) await new Promise((r) => setTimeout(r, 20));
    guests.forEach((g, i) => {
      g.adminId = staffId.get(`warm-${i}`);
    });
    log(`${SESSIONS} guests connected; sending ${RATE} messages/s for ${WARMUP_SECONDS} s of warm-up, then ${SECONDS} s measured`);

    const hotelToGuest: number[] = [];
    const guestToStaff: number[] = [];
    const sentAt = new Map<string, { at: number; into: number[] }>();
    const writes: Promise<unknown>[] = [];
    /** Sends `count` messages at RATE, alternating hotel -> guest and guest -> staff; measured ones are timed. */
    const sendAtRate = async (count: number, prefix: string, measured: boolean) => {
      const interval = 1000 / RATE;
      const begin = performance.now();
      for (let n = 0; n < count; n++) {
        const due = begin + n * interval;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const guest = guests[Math.floor(Math.random() * guests.length)];
        const localId = `${prefix}-${n}`;
        const into = n % 2 === 0 ? hotelToGuest : guestToStaff;
        if (measured) sentAt.set(localId, { at: performance.now(), into });
        if (n % 2 === 0) writes.push(admin('POST', `/chat/sessions/${guest.adminId}/messages`, { authorName: 'Reception', content: `Reply ${n}`, localId }));
        else guest.ws.send(JSON.stringify({ type: 'chatMessage', chatMessage: { localId, contentType: 'text/plain', content: `Question ${n}` } }));
      }
      return begin;
    };
    if (WARMUP_SECONDS > 0) await sendAtRate(RATE * WARMUP_SECONDS, 'w', false);
    const start = await sendAtRate(RATE * SECONDS, 'm', true);
    await Promise.all(writes);
    const deadline = performance.now() + 10_000;
    while ([...sentAt.keys()].some((id) => !arrivals.has(id)) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    let lost = 0;
    for (const [id, sent] of sentAt) {
      const arrived = arrivals.get(id);
      if (arrived === undefined) lost++;
      else sent.into.push(arrived - sent.at);
      // BENCH_SHOW_SLOW=ms: when in the run each slower message was sent (to tell a periodic stall from load).
      if (arrived !== undefined && SHOW_SLOW && arrived - sent.at > SHOW_SLOW)
        log(
          `slow: ${id} sent at +${Math.round(sent.at - start)} ms (${Math.round(performance.timeOrigin + sent.at)} epoch ms) took ${Math.round(arrived - sent.at)} ms`,
        );
    }
    const result = {
      bench: 'openstay-chat',
      date: new Date().toISOString(),
      database: database.dialect,
      sessions: SESSIONS,
      ratePerSecond: RATE,
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      hotelToGuest: summary(hotelToGuest),
      guestToStaff: summary(guestToStaff),
      lost,
      loadAverage: os.loadavg()[0].toFixed(1),
      targets: { p99Within10ms: summary(hotelToGuest).p99Ms <= 10 && summary(guestToStaff).p99Ms <= 10, nothingLost: lost === 0 },
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    for (const ws of sockets) ws.terminate();
    await server.stop();
    database.remove();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
