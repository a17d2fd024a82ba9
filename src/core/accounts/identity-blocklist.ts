import type { Db } from '../../db/database.js';
import { announceCacheChange } from '../../db/cache-notices.js';
import type { BlocklistEntry } from '../../db/schema.js';
import { badRequest, notFound } from '../shared/errors.js';
import { normaliseEmail, normalisePhone } from '../shared/identifiers.js';
import type { CountryCode } from 'libphonenumber-js';

/*
 * Values that do not name one person (a travel agency's placeholder e-mail, the front desk's
 * phone) must never match a guest automatically. Each account keeps a list of them: e-mail and
 * phone globs (`noemail@*`, `+1613555*`; `*` any run of characters, `?` one; never regular
 * expressions) and named phone rules (`rule:fewer-than-6-digits`, `rule:one-repeated-digit`).
 * The values stay on guests' profiles and in lookups; only matching ignores them.
 */

export type BlocklistKind = 'email' | 'phone';

/** The phone rules a list may hold, by name, with what each blocks. */
export const PHONE_RULES: Record<string, { description: string; blocks: (digits: string) => boolean }> = {
  'rule:fewer-than-6-digits': { description: 'phone numbers of fewer than 6 digits', blocks: (digits) => digits.length < 6 },
  'rule:one-repeated-digit': { description: 'phone numbers of one repeated digit (1111111)', blocks: (digits) => oneRepeatedDigit(digits) },
};

/** One digit repeated, with or without a country code of 1-3 digits before it (+1 2222222222). */
function oneRepeatedDigit(digits: string): boolean {
  for (let skip = 0; skip <= 3 && digits.length - skip >= 6; skip++) {
    if (/^(\d)\1*$/.test(digits.slice(skip))) return true;
  }
  return false;
}

/** What every new account's list starts with. */
export const SEEDED_BLOCKLIST: ReadonlyArray<{ kind: BlocklistKind; pattern: string }> = [
  ...['noemail', 'no-email', 'nomail', 'noreply', 'no-reply', 'none', 'unknown', 'na', 'test'].map((local) => ({
    kind: 'email' as const,
    pattern: `${local}@*`,
  })),
  ...Object.keys(PHONE_RULES).map((pattern) => ({ kind: 'phone' as const, pattern })),
];

/** Fills a new account's list with the seed. */
export async function seedBlocklist(db: Db, accountId: number, now = Date.now()): Promise<void> {
  await db
    .insertInto('identity_blocklist')
    .values(SEEDED_BLOCKLIST.map((entry) => ({ ...entry, account_id: accountId, created_at: now })))
    .execute();
}

/** The account's list, e-mails first, in the order added. */
export async function listBlocklist(db: Db, accountId: number): Promise<BlocklistEntry[]> {
  return db.selectFrom('identity_blocklist').selectAll().where('account_id', '=', accountId).orderBy('kind').orderBy('id').execute();
}

/**
 * A pattern as the list stores it: its kind from its form (an `@` makes an e-mail pattern), e-mails
 * case-folded, a phone value without glob characters in E.164 (read with `countries` when national),
 * a phone glob without spaces, dashes, dots or parentheses.
 */
export function normalisePattern(input: string, countries: ReadonlyArray<CountryCode> = []): { kind: BlocklistKind; pattern: string } {
  const text = input.trim();
  if (text === '') throw badRequest('a blocklist pattern must not be empty');
  if (text.length > 200) throw badRequest('a blocklist pattern has at most 200 characters');
  if (text.includes('@')) return { kind: 'email', pattern: normaliseEmail(text)! };
  if (text.startsWith('rule:')) {
    if (!PHONE_RULES[text]) throw badRequest(`unknown phone rule "${text}"; known: ${Object.keys(PHONE_RULES).join(', ')}`);
    return { kind: 'phone', pattern: text };
  }
  const compact = text.replace(/[\s\-.()]/g, '');
  if (!/^\+?[0-9*?]+$/.test(compact)) {
    throw badRequest(`"${text}" is neither an e-mail pattern (with @), a phone number or glob (digits, +, * and ?), nor a phone rule (rule:...)`);
  }
  if (/[*?]/.test(compact)) return { kind: 'phone', pattern: compact };
  const phone = normalisePhone(compact, countries);
  return { kind: 'phone', pattern: phone?.e164 ?? compact };
}

/** Adds a pattern (a 409-free no-op when it is already listed); returns the entry. */
export async function addBlocklistEntry(db: Db, accountId: number, input: string, countries: ReadonlyArray<CountryCode> = []): Promise<BlocklistEntry> {
  const { kind, pattern } = normalisePattern(input, countries);
  // ON CONFLICT rather than catching the violation: inside a PostgreSQL transaction a failed
  // statement aborts the transaction, and the read below would fail.
  await db
    .insertInto('identity_blocklist')
    .values({ account_id: accountId, kind, pattern, created_at: Date.now() })
    .onConflict((oc) => oc.columns(['account_id', 'kind', 'pattern']).doNothing())
    .execute();
  await announceCacheChange(db, { topic: 'identity-blocklist', accountId });
  return db
    .selectFrom('identity_blocklist')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('pattern', '=', pattern)
    .executeTakeFirstOrThrow();
}

/** Removes a pattern (written as it was added, or as listed); 404 when it is not listed. */
export async function removeBlocklistEntry(db: Db, accountId: number, input: string, countries: ReadonlyArray<CountryCode> = []): Promise<BlocklistEntry> {
  const { kind, pattern } = normalisePattern(input, countries);
  const removed = await db
    .deleteFrom('identity_blocklist')
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('pattern', '=', pattern)
    .returningAll()
    .executeTakeFirst();
  if (!removed) throw notFound(`blocklist pattern "${input.trim()}"`);
  await announceCacheChange(db, { topic: 'identity-blocklist', accountId });
  return removed;
}

/** Removes the entry with this id (as the admin API lists it); 404 when the account has none. */
export async function removeBlocklistEntryById(db: Db, accountId: number, id: number): Promise<BlocklistEntry> {
  const removed = await db.deleteFrom('identity_blocklist').where('account_id', '=', accountId).where('id', '=', id).returningAll().executeTakeFirst();
  if (!removed) throw notFound(`blocklist entry ${id}`);
  await announceCacheChange(db, { topic: 'identity-blocklist', accountId });
  return removed;
}

/** A compiled list: which e-mails and E.164 numbers it blocks. */
export interface BlockedValues {
  email(email: string): boolean;
  phone(e164: string): boolean;
}

/** Compiles the entries once; each test is then a few regular-expression runs. */
export function compileBlocklist(entries: ReadonlyArray<Pick<BlocklistEntry, 'kind' | 'pattern'>>): BlockedValues {
  const emailExact = new Set<string>();
  const emailGlobs: RegExp[] = [];
  const phoneExact = new Set<string>();
  const phoneGlobs: RegExp[] = [];
  const phoneRules: Array<(digits: string) => boolean> = [];
  for (const { kind, pattern } of entries) {
    if (kind === 'phone' && PHONE_RULES[pattern]) phoneRules.push(PHONE_RULES[pattern].blocks);
    else if (/[*?]/.test(pattern)) (kind === 'email' ? emailGlobs : phoneGlobs).push(globToRegExp(pattern));
    else (kind === 'email' ? emailExact : phoneExact).add(pattern);
  }
  return {
    email: (email) => emailExact.has(email) || emailGlobs.some((glob) => glob.test(email)),
    phone: (e164) => {
      if (phoneExact.has(e164) || phoneGlobs.some((glob) => glob.test(e164))) return true;
      const digits = e164.replace(/\D/g, '');
      return phoneRules.some((blocks) => blocks(digits));
    },
  };
}

/** `*` any run of characters, `?` one character, everything else literal. */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}
