import type { Db } from './database.js';
import { notify, onNoticeChannel } from './notices.js';

/*
 * Cache invalidation across processes. A few core caches keep hot values for seconds (live tokens,
 * account settings, the identity blocklist). A process that changes one of those values clears its
 * own caches at once; on PostgreSQL, where several instances share one database, the change is also
 * announced with NOTIFY on one channel, sent in the changing statement's transaction and so
 * delivered only after it commits; every server process hears it (db/notices.ts) and clears the
 * same caches. Notices carry a topic and an account id, never a value. After a gap in the notices
 * (the listening connection dropped), every cache is cleared.
 * SQLite has one writer process; the CLI writing the same file is seen through the caches' short TTLs.
 */

export const CACHE_CHANNEL = 'openstay_cache';

export type CacheTopic = 'credentials' | 'account-settings' | 'identity-blocklist' | 'webhook-subscriptions' | 'journey-rules' | 'messaging' | 'locations';

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

/**
 * Clears every cache, for every account: after a gap in the notices, and in a test process before
 * each file (files share the process and their databases reuse account ids).
 */
export function clearEveryCache(): void {
  for (const [topic] of handlers) dispatchCacheNotice({ topic });
}

/**
 * Announces a change: this process's caches are cleared now, and on PostgreSQL every other process
 * hears of it when the transaction of `db` (a transaction, or the pool for a change already
 * committed) commits.
 */
export async function announceCacheChange(db: Db, notice: CacheNotice): Promise<void> {
  dispatchCacheNotice(notice);
  await notify(db, CACHE_CHANNEL, JSON.stringify(notice));
}

onNoticeChannel(CACHE_CHANNEL, {
  onPayload: (payload) => {
    const notice = parseNotice(payload);
    if (notice) dispatchCacheNotice(notice);
  },
  // Whatever changed while no one listened is unknown: start from empty caches.
  onGap: clearEveryCache,
});

const TOPICS: readonly CacheTopic[] = [
  'credentials',
  'account-settings',
  'identity-blocklist',
  'webhook-subscriptions',
  'journey-rules',
  'messaging',
  'locations',
];

function parseNotice(payload: string | undefined): CacheNotice | undefined {
  try {
    const value = JSON.parse(payload ?? '') as Partial<CacheNotice>;
    if (!TOPICS.includes(value.topic as CacheTopic)) return undefined;
    return { topic: value.topic as CacheTopic, accountId: Number.isSafeInteger(value.accountId) ? value.accountId : undefined };
  } catch {
    return undefined;
  }
}
