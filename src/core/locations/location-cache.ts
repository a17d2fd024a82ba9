import { onCacheNotice } from '../../db/cache-notices.js';
import type { Db } from '../../db/database.js';
import type { Location } from '../../db/schema.js';
import { findLocation } from './locations.js';

/*
 * The locations the rules engine reads on every journey event that has rules to run (its name
 * for the templates, its time zone for the timing), kept per process: locations change a few
 * times a year, journey events arrive all day. An entry is dropped on every change of the
 * account's locations (locations.ts and default-evaluation.ts announce it; on PostgreSQL every
 * instance hears it through the cache notices) and read again after CACHE_TTL_MS at most. Only
 * readers that may see a location as it was a moment ago use it; the faces and the admin API read
 * the table.
 */

const CACHE_TTL_MS = 5_000;
const cache = new Map<number, Map<number, { at: number; location: Location }>>();
onCacheNotice('locations', (accountId) => (accountId === undefined ? cache.clear() : cache.delete(accountId)));

/** The account's location `id` (cached), or undefined when it has none such. */
export async function cachedLocation(db: Db, accountId: number, id: number, now = Date.now()): Promise<Location | undefined> {
  const entry = cache.get(accountId)?.get(id);
  if (entry && now - entry.at <= CACHE_TTL_MS) return entry.location;
  const location = await findLocation(db, accountId, id);
  if (!location) return undefined;
  if (cache.size > 10_000) cache.clear();
  const locations = cache.get(accountId) ?? new Map<number, { at: number; location: Location }>();
  cache.set(accountId, locations);
  locations.set(id, { at: now, location });
  return location;
}
