import pg from 'pg';
import { sql } from 'kysely';
import { isPostgres, type Db } from './database.js';

/*
 * Cache invalidation across processes. A few core caches keep hot values for seconds (live tokens,
 * account settings, the identity blocklist). A process that changes one of those values clears its
 * own caches at once; on PostgreSQL, where several instances share one database, the change is also
 * announced with NOTIFY on one channel, sent in the changing statement's transaction and so
 * delivered only after it commits. Every server process LISTENs on one dedicated connection (not a
 * pooled one: a pooled connection is handed to other queries and would miss notices) and clears the
 * same caches. Notices carry a topic and an account id, never a value. When that connection drops,
 * every cache is cleared (the gap may have hidden notices) and it reconnects with backoff.
 * SQLite has one writer process; the CLI writing the same file is seen through the caches' short TTLs.
 */

export const CACHE_CHANNEL = 'openstay_cache';

export type CacheTopic = 'credentials' | 'account-settings' | 'identity-blocklist' | 'webhook-subscriptions';

/** What changed: a topic and the account; `accountId` undefined means every account. */
export interface CacheNotice {
  topic: CacheTopic;
  accountId?: number;
}

type Handler = (accountId: number | undefined) => void;
const handlers = new Map<CacheTopic, Set<Handler>>();

/** Registers what to clear when `topic` changes, in this process or (PostgreSQL) in another. */
export function onCacheNotice(topic: CacheTopic, handler: Handler): void {
  const set = handlers.get(topic) ?? new Set<Handler>();
  handlers.set(topic, set);
  set.add(handler);
}

/** Runs the handlers of a notice in this process. */
export function dispatchCacheNotice(notice: CacheNotice): void {
  for (const handler of handlers.get(notice.topic) ?? []) handler(notice.accountId);
}

/** Clears every cache, for every account (after a gap in the notices). */
function clearEveryCache(): void {
  for (const [topic] of handlers) dispatchCacheNotice({ topic });
}

/**
 * Announces a change: this process's caches are cleared now, and on PostgreSQL every other process
 * hears of it when the transaction of `db` (a transaction, or the pool for a change already
 * committed) commits.
 */
export async function announceCacheChange(db: Db, notice: CacheNotice): Promise<void> {
  dispatchCacheNotice(notice);
  if (isPostgres(db)) await sql`select pg_notify(${CACHE_CHANNEL}, ${JSON.stringify(notice)})`.execute(db);
}

export interface CacheListener {
  stop(): Promise<void>;
}

export interface CacheListenerOptions {
  /** the PostgreSQL URL to LISTEN on: a direct or session-pooled connection */
  connectionString: string;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** first reconnect delay; doubles up to maxBackoffMs */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** LISTENs for cache notices on a dedicated connection until stopped, reconnecting after a drop. */
export function startCacheListener(opts: CacheListenerOptions): CacheListener {
  const first = opts.backoffMs ?? 250;
  const max = opts.maxBackoffMs ?? 30_000;
  let delay = first;
  let stopped = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    if (stopped) return;
    // Named, so that an operator (and a test) can tell it in pg_stat_activity.
    const candidate = new pg.Client({ connectionString: opts.connectionString, application_name: 'openstay cache notices' });
    candidate.on('error', () => undefined); // reported by 'end' below
    try {
      await candidate.connect();
      candidate.on('notification', (message) => {
        const notice = parseNotice(message.payload);
        if (notice) dispatchCacheNotice(notice);
      });
      candidate.on('end', () => {
        if (client === candidate) client = undefined;
        if (stopped) return;
        opts.log.warn({ channel: CACHE_CHANNEL }, 'cache notice connection lost; reconnecting');
        schedule();
      });
      await candidate.query(`LISTEN ${CACHE_CHANNEL}`);
      if (stopped) {
        await candidate.end().catch(() => undefined);
        return;
      }
      client = candidate;
      // Whatever changed while no one listened is unknown: start from empty caches.
      clearEveryCache();
      delay = first;
    } catch (err) {
      await candidate.end().catch(() => undefined);
      if (stopped) return;
      opts.log.warn({ err: (err as Error).message, retryInMs: delay }, 'cache notice connection failed');
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

const TOPICS: readonly CacheTopic[] = ['credentials', 'account-settings', 'identity-blocklist', 'webhook-subscriptions'];

function parseNotice(payload: string | undefined): CacheNotice | undefined {
  try {
    const value = JSON.parse(payload ?? '') as Partial<CacheNotice>;
    if (!TOPICS.includes(value.topic as CacheTopic)) return undefined;
    return { topic: value.topic as CacheTopic, accountId: Number.isSafeInteger(value.accountId) ? value.accountId : undefined };
  } catch {
    return undefined;
  }
}
