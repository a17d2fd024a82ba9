import type { Db } from '../../db/database.js';
import { onCacheNotice } from '../../db/cache-notices.js';
import { accountSettings, getAccount } from './accounts.js';

/*
 * The account's clientQuotaPerMinute is read on every API call, so it is kept in memory: an entry
 * is used for at most QUOTA_TTL_MS and dropped at once when this process changes the account's
 * settings (db/cache-notices.ts: on PostgreSQL, when any instance changes them).
 */
const QUOTA_TTL_MS = 5_000;
const MAX_ACCOUNTS = 10_000;
const entries = new Map<number, { quota: number | null; loadedAt: number }>();
onCacheNotice('account-settings', (accountId) => (accountId === undefined ? entries.clear() : entries.delete(accountId)));

/**
 * The account's per-client quota when it is known without a query: a number of calls per minute,
 * null for none, undefined when it must be read (clientQuota).
 */
export function cachedClientQuota(accountId: number): number | null | undefined {
  const entry = entries.get(accountId);
  return entry && Date.now() - entry.loadedAt < QUOTA_TTL_MS ? entry.quota : undefined;
}

/** The account's per-client quota (calls per minute), or null when it has none. */
export async function clientQuota(db: Db, accountId: number): Promise<number | null> {
  const loadedAt = Date.now();
  const quota = accountSettings(await getAccount(db, accountId)).clientQuotaPerMinute ?? null;
  if (entries.size >= MAX_ACCOUNTS) entries.clear();
  entries.set(accountId, { quota, loadedAt });
  return quota;
}
