import type { Db } from '../../db/database.js';
import type { Guest } from '../../db/schema.js';
import { lockKeys } from '../../db/key-locks.js';
import { preparedShapes } from '../../db/prepared.js';
import { isInternational, normaliseEmail, normalisePhone } from '../shared/identifiers.js';
import { createGuestWithKey, attachGuestKey, findGuestByKey } from './guest-keys.js';
import { createGuest, findGuestsByContact, guestIdsHolding, updateGuest, type GuestFields } from './guests.js';
import { identitySettings, phoneCountries } from './identity-settings.js';
import { recordMatch, type MatchDecision } from './match-records.js';
import type { WriteContext } from '../shared/write-context.js';

/*
 * The one place that decides which guest an arrival is, for every face and the admin API: by
 * external key first, then by e-mail, then by mobile. A value matches only if it names one person:
 * not on the account's blocklist, and held by at most `sharedIdentifierLimit` distinct guests
 * (reading one row more than that limit tells, so the cost does not grow with how many share it).
 * An unkeyed match whose given name clearly differs is someone else (reason name_conflict), and a
 * guest the arriving key's system already keys otherwise is someone else too (a family sharing an
 * address in the PMS). Every decision other than a key is recorded (match-records.ts).
 */

/** What arrives: a person's details, maybe an external key, maybe where (for national numbers). */
export interface Arrival {
  /** who brings it (loop, loopon, admin, ...): recorded with the decision */
  source: string;
  /** the external system's key for this person (a Loop foreignId), when it has one */
  key?: { source: string; value: string };
  fields: GuestFields;
  /** the location the arrival is about: its country reads national phone numbers */
  locationId?: number | null;
}

export interface ResolvedGuest {
  guest: Guest;
  created: boolean;
  /** how: by its key, by e-mail or mobile, or a new guest */
  rule: 'key' | MatchDecision['rule'];
  /** for a new guest: why a known value was not used */
  reason?: string;
}

/**
 * The fields with their e-mail and mobile as stored: e-mail case-folded, mobile in E.164 when it
 * parses (national numbers with the location's country, else the account's defaultCountry), else
 * as sent. Every arrival goes through here before its fields reach a guest row.
 */
export async function normaliseArrivalFields(db: Db, accountId: number, fields: GuestFields, locationId?: number | null): Promise<GuestFields> {
  const email = normaliseEmail(fields.email);
  let mobile = fields.mobile;
  if (mobile !== undefined && mobile !== null) {
    const countries = isInternational(mobile) ? [] : await phoneCountries(db, accountId, locationId);
    mobile = normalisePhone(mobile, countries)?.stored ?? null;
  }
  return email === fields.email && mobile === fields.mobile ? fields : { ...fields, email, mobile };
}

/**
 * Advisory-lock keys of the values an arrival may match by (db/key-locks.ts; PostgreSQL only).
 * A caller that must take other locks with them takes these in the same lockKeys call first.
 */
export function identityLockKeys(email: string | null | undefined, mobile: string | null | undefined): string[] {
  return [...(email ? [`guest-email:${email}`] : []), ...(mobile ? [`guest-mobile:${mobile}`] : [])];
}

type Candidate = Guest & { keyed: number | boolean | null };

type Identifier = 'email' | 'mobile';

// The guests holding a value, oldest first, at most `limit`, read once they are known to be few;
// `keyed`: whether `source` keys them.
const candidatesOf = (column: Identifier) =>
  preparedShapes((db, limit, accountId, value, keySource) =>
    db
      .selectFrom('guests as g')
      .selectAll('g')
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('guest_keys as k')
              .select('k.key')
              .whereRef('k.account_id', '=', 'g.account_id')
              .whereRef('k.guest_id', '=', 'g.id')
              .where('k.source', '=', keySource as string),
          )
          .as('keyed'),
      )
      .where('g.account_id', '=', accountId as number)
      .where(`g.${column}`, '=', value as string)
      .orderBy('g.id')
      .limit(Number(limit)),
  );
const CANDIDATES = { email: candidatesOf('email'), mobile: candidatesOf('mobile') };

/** A given name as compared: accents and case folded, letters only. */
function foldName(name: string | null | undefined): string {
  return (name ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

export function givenName(fields: { firstName?: string | null; name?: string | null }): string {
  return foldName(fields.firstName ?? fields.name?.trim().split(/\s+/)[0]);
}

/**
 * True when two given names clearly name different people: both known, and neither an initial nor
 * a beginning of the other ("R." and "Rick", "Alex" and "Alexandra" may be one person; "Rick" and
 * "Morty" are not).
 */
export function namesConflict(a: string, b: string): boolean {
  if (!a || !b || a === b) return false;
  if (a[0] !== b[0]) return true;
  if (a.length === 1 || b.length === 1) return false;
  return !(a.startsWith(b) || b.startsWith(a));
}

/** Whether each normalised value may match a guest, and the decision it leads to. */
export interface ArrivalMatch {
  /** the existing guest this arrival is, when one matched */
  guest?: Guest;
  decision: MatchDecision;
}

/**
 * The existing guest an arrival without a known key is, or the reason none is: e-mail first, then
 * mobile; `fields` already normalised (normaliseArrivalFields). Reads at most limit + 1 guests per
 * value. On PostgreSQL the values usable for matching are locked first, so concurrent arrivals of
 * one new person make one guest.
 */
export async function matchArrival(db: Db, accountId: number, arrival: Arrival, fields: GuestFields): Promise<ArrivalMatch> {
  const email = fields.email ?? undefined;
  const mobile = fields.mobile ?? undefined;
  const source = arrival.source;
  if (!email && !mobile) return { decision: { rule: 'new', source, identifier: '' } };
  const settings = await identitySettings(db, accountId);
  const limit = settings.sharedIdentifierLimit;
  const emailBlocked = email !== undefined && settings.blocked.email(email);
  const e164 = mobile !== undefined && normalisePhone(mobile)?.e164 === mobile ? mobile : undefined;
  const mobileBlocked = mobile !== undefined && (e164 === undefined || settings.blocked.phone(e164));
  await lockKeys(db, accountId, identityLockKeys(emailBlocked ? undefined : email, mobileBlocked ? undefined : mobile));

  const keySource = arrival.key?.source ?? '';
  const arriving = givenName(fields);
  let rejected: MatchDecision | undefined;
  for (const [rule, value, blocked] of [
    ['email', email, emailBlocked],
    ['mobile', mobile, mobileBlocked],
  ] as const) {
    if (value === undefined) continue;
    if (blocked) {
      // A number that did not parse is no identifier at all: nothing to record.
      if (rule === 'email' || e164) rejected ??= { rule: 'new', source, identifier: value, reason: `blocked_${rule}` };
      continue;
    }
    const held = (await guestIdsHolding(db, accountId, rule, value, limit + 1)).length;
    if (held > limit) {
      rejected ??= { rule: 'new', source, identifier: value, reason: `shared_${rule}` };
      continue;
    }
    if (held === 0) continue;
    const candidates = (await CANDIDATES[rule](db, String(limit), accountId, value, keySource)).rows as Candidate[];
    for (const candidate of candidates) {
      if (candidate.merged_into_id !== null) continue;
      if (candidate.keyed && arrival.key) {
        rejected ??= { rule: 'new', source, identifier: value, reason: 'keyed_otherwise' };
        continue;
      }
      if (namesConflict(arriving, givenName({ firstName: candidate.first_name, name: candidate.name }))) {
        rejected ??= { rule: 'new', source, identifier: value, reason: 'name_conflict' };
        continue;
      }
      const { keyed: _keyed, ...guest } = candidate;
      return { guest, decision: { rule, source, identifier: value } };
    }
  }
  return { decision: rejected ?? { rule: 'new', source, identifier: '' } };
}

/**
 * The reasons a new guest's record tells: a guest held the value but is someone else. A value that
 * names no one person (blocklisted, shared) is no near match; identifierStatus tells that of a
 * guest's values when asked, so a new agency guest costs no extra write.
 */
export const NEAR_MATCHES = new Set(['name_conflict', 'keyed_otherwise']);

/**
 * Finds or creates the guest an arrival is and applies its fields: the guest its key names; else
 * the one matchArrival finds (the key, if any, is attached to it); else a new guest (under the key,
 * if any). Records the decision when it was not the key. Run inside the caller's transaction.
 */
export async function resolveArrival(ctx: WriteContext, arrival: Arrival): Promise<ResolvedGuest> {
  const { trx: db, accountId } = ctx;
  const fields = await normaliseArrivalFields(db, accountId, arrival.fields, arrival.locationId);
  const key = arrival.key;
  if (key) {
    const keyed = await findGuestByKey(db, accountId, key.source, key.value);
    if (keyed) return { guest: await updateGuest(ctx, keyed, fields), created: false, rule: 'key' };
  }
  return matchOrCreate(ctx, arrival, fields);
}

/** The rest of resolveArrival once the key (if any) is known to name no guest; `fields` normalised. */
export async function matchOrCreate(ctx: WriteContext, arrival: Arrival, fields: GuestFields): Promise<ResolvedGuest> {
  const { trx: db, accountId } = ctx;
  const key = arrival.key;
  const { guest: found, decision } = await matchArrival(db, accountId, arrival, fields);
  if (found) {
    if (key) await attachGuestKey(db, accountId, key.source, key.value, found.id);
    const guest = await updateGuest(ctx, found, fields);
    await recordMatch(db, accountId, guest.id, decision);
    return { guest, created: false, rule: decision.rule };
  }
  const made = key ? await createGuestWithKey(ctx, key.source, key.value, fields) : { guest: await createGuest(ctx, fields), created: true };
  if (made.created && decision.reason && NEAR_MATCHES.has(decision.reason)) await recordMatch(db, accountId, made.guest.id, decision);
  return { guest: made.guest, created: made.created, rule: made.created ? 'new' : 'key', reason: decision.reason };
}

/**
 * Whether a value may match a guest at all (for rules that match other things by it, such as a
 * Loopon stay by e-mail and dates): not blocklisted, parsed (a mobile), and held by at most the
 * account's limit of guests. `value` is normalised.
 */
export async function identifierMatches(db: Db, accountId: number, rule: 'email' | 'mobile', value: string): Promise<boolean> {
  const settings = await identitySettings(db, accountId);
  if (rule === 'email' && settings.blocked.email(value)) return false;
  if (rule === 'mobile') {
    if (normalisePhone(value)?.e164 !== value || settings.blocked.phone(value)) return false;
  }
  const limit = settings.sharedIdentifierLimit;
  return (await guestIdsHolding(db, accountId, rule, value, limit + 1)).length <= limit;
}

/**
 * Every guest holding this e-mail or mobile, as a lookup (Loop users?email=): the values are
 * normalised as arrivals are (a national number with the account's defaultCountry), and shared or
 * blocklisted values are found too, since only automatic matching ignores them.
 */
export async function lookupGuestsByContact(db: Db, accountId: number, by: { email?: string; mobile?: string }): Promise<Guest[]> {
  const fields = await normaliseArrivalFields(db, accountId, { email: by.email, mobile: by.mobile });
  return findGuestsByContact(db, accountId, fields);
}

/** Whether one of a guest's values may match arrivals, and why not. */
export interface IdentifierStatus {
  kind: 'email' | 'mobile';
  value: string;
  matches: boolean;
  /** blocked: on the account's blocklist; shared: held by more guests than the limit; unparsable: not a phone number */
  reason?: 'blocked' | 'shared' | 'unparsable';
}

/**
 * Whether the guest's e-mail and mobile may match arrivals now, and why not (for the admin API:
 * the reason an arrival with the same value was not matched to this guest). Bounded reads.
 */
export async function identifierStatus(db: Db, accountId: number, guest: Guest): Promise<IdentifierStatus[]> {
  const settings = await identitySettings(db, accountId);
  const limit = settings.sharedIdentifierLimit;
  const out: IdentifierStatus[] = [];
  for (const [kind, value] of [
    ['email', guest.email],
    ['mobile', guest.mobile],
  ] as const) {
    if (!value) continue;
    if (kind === 'mobile' && normalisePhone(value)?.e164 !== value) {
      out.push({ kind, value, matches: false, reason: 'unparsable' });
    } else if (kind === 'email' ? settings.blocked.email(value) : settings.blocked.phone(value)) {
      out.push({ kind, value, matches: false, reason: 'blocked' });
    } else if ((await guestIdsHolding(db, accountId, kind, value, limit + 1)).length > limit) {
      out.push({ kind, value, matches: false, reason: 'shared' });
    } else {
      out.push({ kind, value, matches: true });
    }
  }
  return out;
}
