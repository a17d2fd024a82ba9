import pg from 'pg';
import { sql } from 'kysely';
import { isPostgres, type Db } from './database.js';

/*
 * PostgreSQL LISTEN/NOTIFY for the instances sharing one database: cache invalidation
 * (cache-notices.ts) and the chat's fan-out (core/chat/chat-hub.ts). `notify` sends in the given
 * transaction, so a notice is delivered only after its change commits. Every server process LISTENs
 * on one dedicated connection (not a pooled one: a pooled connection is handed to other queries and
 * would miss notices) for every channel registered here; when that connection drops, it reconnects
 * with backoff and tells each channel there was a gap, since notices sent meanwhile are lost.
 * Payloads carry ids, not values. On SQLite there is one server process: `notify` does nothing.
 */

export interface NoticeChannel {
  onPayload(payload: string): void;
  /**
   * LISTEN started on a new connection: notices may have been missed. `lostAt` is when the previous
   * connection was lost (catch up from the tables from shortly before it); undefined on the
   * process's first connection (there was nothing to miss).
   */
  onGap(lostAt?: number): void;
}

const channels = new Map<string, Set<NoticeChannel>>();

/** Registers what to do with a channel's notices; returns the way to stop. */
export function onNoticeChannel(name: string, channel: NoticeChannel): () => void {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`notice channel names are lower-case identifiers (got "${name}")`);
  const set = channels.get(name) ?? new Set<NoticeChannel>();
  channels.set(name, set);
  set.add(channel);
  return () => set.delete(channel);
}

/** Sends a notice on PostgreSQL (delivered when `db`'s transaction commits); nothing on SQLite. */
export async function notify(db: Db, channel: string, payload: string): Promise<void> {
  if (isPostgres(db)) await sql`select pg_notify(${channel}, ${payload})`.execute(db);
}

/** Sends several notices on one channel in one statement, in order (PostgreSQL); nothing on SQLite. */
export async function notifyAll(db: Db, channel: string, payloads: readonly string[]): Promise<void> {
  if (payloads.length === 0 || !isPostgres(db)) return;
  const calls = sql.join(payloads.map((payload) => sql`pg_notify(${channel}, ${payload})`));
  await sql`select ${calls}`.execute(db);
}

function each(name: string, run: (channel: NoticeChannel) => void): void {
  for (const channel of channels.get(name) ?? []) {
    try {
      run(channel);
    } catch {
      // one channel's failure does not stop the others; its own code logs what it needs
    }
  }
}

export interface NoticeListener {
  stop(): Promise<void>;
}

export interface NoticeListenerOptions {
  /** the PostgreSQL URL to LISTEN on: a direct or session-pooled connection */
  connectionString: string;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** first reconnect delay; doubles up to maxBackoffMs */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** LISTENs on every registered channel on a dedicated connection until stopped, reconnecting after a drop. */
export function startNoticeListener(opts: NoticeListenerOptions): NoticeListener {
  const first = opts.backoffMs ?? 250;
  const max = opts.maxBackoffMs ?? 30_000;
  let delay = first;
  let stopped = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  // when the last connection was lost (undefined before the first one): what a catch-up reads from
  let lostAt: number | undefined;

  const connect = async (): Promise<void> => {
    if (stopped) return;
    // Named, so that an operator (and a test) can tell it in pg_stat_activity.
    const candidate = new pg.Client({ connectionString: opts.connectionString, application_name: 'openstay notices' });
    candidate.on('error', () => undefined); // reported by 'end' below
    try {
      await candidate.connect();
      candidate.on('notification', (message) => each(message.channel, (channel) => channel.onPayload(message.payload ?? '')));
      candidate.on('end', () => {
        if (client === candidate) client = undefined;
        if (stopped) return;
        lostAt = Date.now();
        opts.log.warn({}, 'notice connection lost; reconnecting');
        schedule();
      });
      for (const name of channels.keys()) await candidate.query(`LISTEN ${name}`);
      if (stopped) {
        await candidate.end().catch(() => undefined);
        return;
      }
      client = candidate;
      const missedSince = lostAt;
      for (const name of channels.keys()) each(name, (channel) => channel.onGap(missedSince));
      delay = first;
    } catch (err) {
      await candidate.end().catch(() => undefined);
      if (stopped) return;
      opts.log.warn({ err: (err as Error).message, retryInMs: delay }, 'notice connection failed');
      schedule();
    }
  };
  const schedule = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, max);
  };

  void connect();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}
