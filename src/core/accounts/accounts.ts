import { isPostgres, type Db } from '../../db/database.js';
import { announceCacheChange } from '../../db/cache-notices.js';
import type { Account } from '../../db/schema.js';
import { isUniqueViolation } from '../../db/errors.js';
import { findLoopTypeByShortcode } from '../locations/loop-types.js';
import { badRequest, conflict, notFound } from '../shared/errors.js';
import { parseJson } from '../shared/json.js';
import { randomToken } from '../shared/tokens.js';
import { isPhoneCountry } from '../shared/identifiers.js';
import { seedBlocklist } from './identity-blocklist.js';

/** Account-level switches; unknown keys are refused by the admin API. */
export interface AccountSettings {
  /** a survey response also opens a loop for staff to follow up (requests/survey-response-loop.ts) */
  responsesCreateLoops?: boolean;
  /** shortcode of the loop type of those loops; it must name one of the account's loop types */
  responseLoopType?: string;
  /** ISO 3166 alpha-2: the country national phone numbers are read in when their location has none */
  defaultCountry?: string;
  /** an e-mail or mobile held by more distinct guests than this is not used to match (default 3) */
  sharedIdentifierLimit?: number;
  /**
   * The most API calls one client credential of the account (a Loop authToken, a Loopon OAuth
   * client) may make per minute, per instance; unset: no quota (the default).
   */
  clientQuotaPerMinute?: number;
  /** retention: a guest with no activity for this many months is erased; unset: guests are kept */
  guestRetentionMonths?: number;
  /** retention: chat messages and photos older than this many days are deleted; unset: kept */
  chatRetentionDays?: number;
  /** retention: finished deliveries and their attempts are kept this many days (default 30) */
  deliveryLogDays?: number;
}

/** The bounds of the retention settings, in their units (months, days, days). */
export const RETENTION_BOUNDS = {
  guestRetentionMonths: { min: 3, max: 240 },
  chatRetentionDays: { min: 7, max: 3650 },
  deliveryLogDays: { min: 1, max: 365 },
} as const;

/** The largest clientQuotaPerMinute accepted. */
export const MAX_CLIENT_QUOTA_PER_MINUTE = 1_000_000;

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Creates a tenant; the slug is unique (409 when taken). */
export async function createAccount(db: Db, slug: string, name?: string): Promise<Account> {
  if (!SLUG.test(slug)) {
    throw badRequest('account slug must be 1-63 lower-case letters, digits or dashes, starting with a letter or digit');
  }
  try {
    const account = await db
      .insertInto('accounts')
      .values({ slug, name: name?.trim() || slug, settings: '{}', page_secret: randomToken(40), created_at: Date.now() })
      .returningAll()
      .executeTakeFirstOrThrow();
    await seedBlocklist(db, account.id);
    return account;
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`account "${slug}" already exists`);
    throw err;
  }
}

export async function findAccountBySlug(db: Db, slug: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/** Every account, by id (the CLI's view of the whole database). */
export async function listAccounts(db: Db): Promise<Account[]> {
  return db.selectFrom('accounts').selectAll().orderBy('id').execute();
}

export async function getAccountBySlug(db: Db, slug: string): Promise<Account> {
  const account = await findAccountBySlug(db, slug);
  if (!account) throw notFound(`account "${slug}"`);
  return account;
}

export async function findAccountById(db: Db, accountId: number): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
}

export async function getAccount(db: Db, accountId: number): Promise<Account> {
  const account = await findAccountById(db, accountId);
  if (!account) throw notFound('account');
  return account;
}

export function accountSettings(account: Pick<Account, 'settings'>): AccountSettings {
  return parseJson<AccountSettings>(account.settings, {});
}

/** The patch with responseLoopType trimmed; 400 when it names no loop type of the account. */
async function checkedSettings(db: Db, accountId: number, patch: Partial<Record<keyof AccountSettings, unknown>>) {
  const loopType = patch.responseLoopType;
  if (typeof loopType !== 'string') return patch;
  if (!(await findLoopTypeByShortcode(db, accountId, loopType.trim()))) {
    throw badRequest(`settings.responseLoopType: no loop type with shortcode "${loopType}"`);
  }
  return { ...patch, responseLoopType: loopType.trim() };
}

/**
 * Merges `patch` into the account's settings (null removes a key) and returns the result; a
 * response loop type must name one of the account's loop types. Run in a transaction: the row is
 * locked while it is read on PostgreSQL (a SQLite write transaction already runs alone), so two
 * concurrent changes of different keys both land.
 */
export async function updateAccountSettings(db: Db, accountId: number, changes: Partial<Record<keyof AccountSettings, unknown>>): Promise<AccountSettings> {
  const patch = await checkedSettings(db, accountId, changes);
  const query = db.selectFrom('accounts').select('settings').where('id', '=', accountId);
  const account = await (isPostgres(db) ? query.forUpdate() : query).executeTakeFirst();
  if (!account) throw notFound('account');
  checkIdentitySettings(patch);
  const settings: Record<string, unknown> = { ...accountSettings(account) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete settings[key];
    else settings[key] = value;
  }
  await db
    .updateTable('accounts')
    .set({ settings: JSON.stringify(settings) })
    .where('id', '=', accountId)
    .execute();
  await announceCacheChange(db, { topic: 'account-settings', accountId });
  return settings as AccountSettings;
}

/** 400 for a defaultCountry that is no country libphonenumber-js reads, or a limit or quota out of range. */
function checkIdentitySettings(patch: Partial<Record<keyof AccountSettings, unknown>>): void {
  const country = patch.defaultCountry;
  if (country !== undefined && country !== null && (typeof country !== 'string' || !isPhoneCountry(country))) {
    throw badRequest(`settings.defaultCountry must be an ISO 3166 alpha-2 country code in capitals, such as "CA" (got ${JSON.stringify(country)})`);
  }
  const limit = patch.sharedIdentifierLimit;
  if (limit !== undefined && limit !== null && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1000)) {
    throw badRequest('settings.sharedIdentifierLimit must be a whole number from 1 to 1000');
  }
  const quota = patch.clientQuotaPerMinute;
  if (quota !== undefined && quota !== null && (typeof quota !== 'number' || !Number.isInteger(quota) || quota < 1 || quota > MAX_CLIENT_QUOTA_PER_MINUTE)) {
    throw badRequest(`settings.clientQuotaPerMinute must be a whole number from 1 to ${MAX_CLIENT_QUOTA_PER_MINUTE}, or null for no quota`);
  }
  for (const [key, { min, max }] of Object.entries(RETENTION_BOUNDS)) {
    const value = patch[key as keyof AccountSettings];
    if (value !== undefined && value !== null && (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)) {
      throw badRequest(`settings.${key} must be a whole number from ${min} to ${max}, or null`);
    }
  }
}
