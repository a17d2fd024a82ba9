import { CompiledQuery } from 'kysely';
import type { CountryCode } from 'libphonenumber-js';
import { isPostgres, type Db } from '../../db/database.js';
import { accountSettings, getAccount } from '../accounts/accounts.js';
import { onCacheNotice } from '../../db/cache-notices.js';
import { findLocation } from '../locations/locations.js';
import { compileBlocklist, listBlocklist, type BlockedValues } from '../accounts/identity-blocklist.js';
import { countryCode } from '../shared/identifiers.js';
import { executeCompiled } from '../../db/held-connection.js';

/** A value held by more guests than this names none of them (the account may set another limit). */
export const DEFAULT_SHARED_IDENTIFIER_LIMIT = 3;

/** What identity resolution needs of an account's configuration. */
export interface IdentitySettings {
  defaultCountry?: CountryCode;
  /** more distinct guests than this holding one e-mail or mobile: it is not used to match */
  sharedIdentifierLimit: number;
  blocked: BlockedValues;
}

/*
 * Read on every arrival that is not answered by an external key, so kept in memory: an entry is
 * used for at most SETTINGS_TTL_MS, dropped at once when the account's settings or blocklist change
 * (db/cache-notices.ts: in this process, or on PostgreSQL in any instance), and, for matching on
 * SQLite, dropped when another process (the CLI) committed anything since it was read
 * (data_version). A location's country (for national phone numbers) is kept likewise.
 */
const SETTINGS_TTL_MS = 5_000;
const MAX_ACCOUNTS = 1_000;

interface Entry {
  settings: IdentitySettings;
  /** location id -> its country (undefined: none usable) */
  locationCountries: Map<number, CountryCode | undefined>;
  loadedAt: number;
  dataVersion?: number;
}

const entries = new Map<number, Entry>();
const forget = (accountId: number | undefined) => (accountId === undefined ? entries.clear() : entries.delete(accountId));
onCacheNotice('identity-blocklist', forget);
onCacheNotice('account-settings', forget);

const DATA_VERSION = CompiledQuery.raw('pragma data_version');

async function dataVersion(db: Db): Promise<number | undefined> {
  if (isPostgres(db)) return undefined;
  const { rows } = await executeCompiled<{ data_version: number }>(db, DATA_VERSION);
  return rows[0]?.data_version;
}

/**
 * The account's entry. `crossProcess`: also check, on SQLite, that no other process committed
 * since it was read (a statement; matching does it inside its write transaction, while reading a
 * phone number's country on the hot path of a resent contact relies on the TTL alone).
 */
async function entry(db: Db, accountId: number, crossProcess: boolean): Promise<Entry> {
  const now = Date.now();
  const cached = entries.get(accountId);
  const recent = cached !== undefined && now - cached.loadedAt < SETTINGS_TTL_MS;
  if (recent && !crossProcess) return cached;
  const version = await dataVersion(db);
  if (recent && cached.dataVersion === version) return cached;
  const settings = accountSettings(await getAccount(db, accountId));
  const fresh: Entry = {
    settings: {
      defaultCountry: countryCode(settings.defaultCountry),
      sharedIdentifierLimit: settings.sharedIdentifierLimit ?? DEFAULT_SHARED_IDENTIFIER_LIMIT,
      blocked: compileBlocklist(await listBlocklist(db, accountId)),
    },
    locationCountries: new Map(),
    loadedAt: now,
    dataVersion: version,
  };
  if (entries.size >= MAX_ACCOUNTS) entries.clear();
  entries.set(accountId, fresh);
  return fresh;
}

/** The account's identity settings: default country, shared-value limit and compiled blocklist. */
export async function identitySettings(db: Db, accountId: number): Promise<IdentitySettings> {
  return (await entry(db, accountId, true)).settings;
}

/**
 * The countries a national phone number is read with, in order: the location's (when the arrival
 * names one and it has a country), then the account's defaultCountry.
 */
export async function phoneCountries(db: Db, accountId: number, locationId?: number | null): Promise<CountryCode[]> {
  const current = await entry(db, accountId, false);
  const out: CountryCode[] = [];
  if (locationId != null) {
    let country = current.locationCountries.get(locationId);
    if (!current.locationCountries.has(locationId)) {
      country = countryCode((await findLocation(db, accountId, locationId))?.country);
      current.locationCountries.set(locationId, country);
    }
    if (country) out.push(country);
  }
  const fallback = current.settings.defaultCountry;
  if (fallback && !out.includes(fallback)) out.push(fallback);
  return out;
}
