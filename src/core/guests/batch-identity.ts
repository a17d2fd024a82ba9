import { insertRows } from '../../db/insert-rows.js';
import { type ColumnType, updateRowsById } from '../../db/update-rows.js';
import { sql } from 'kysely';
import { isPostgres, type Db } from '../../db/database.js';
import { lockKeyList } from '../../db/key-locks.js';
import { runRowsSql } from '../../db/values-list.js';
import { refreshPlannerStatistics } from '../../db/planner-statistics.js';
import type { Guest } from '../../db/schema.js';
import { normalisePhone } from '../shared/identifiers.js';
import type { WriteContext } from '../shared/write-context.js';
import { guestChanges, guestColumns, newGuestRow, type GuestFields } from './guests.js';
import { givenName, identityLockKeys, NEAR_MATCHES, namesConflict } from './identity.js';
import { identitySettings, type IdentitySettings } from './identity-settings.js';
import type { MatchDecision } from './match-records.js';

/*
 * Identity resolution for a batch of arrivals at once (a bulk import: thousands of lines per
 * transaction). It gives the answers resolveArrival (identity.ts) gives the same arrivals one by
 * one, in order: keys first, then e-mail, then mobile, the blocklist, the shared-value limit, the
 * name check and "keyed otherwise" (test/batch-identity.test.ts compares the two). Instead of a
 * few statements per arrival it reads what the batch may touch in a few set-based reads (its keys,
 * its kept Loop ids, up to limit + 1 holders of each of its e-mails and mobiles), decides every
 * arrival in memory against that state, updated as it goes (a guest created by line 3 is found by
 * line 900), and writes the outcome with multi-row INSERTs. An arrival's decision and its writes
 * stand or fall together: a line that fails (a second key naming another guest) changes nothing.
 *
 * One case cannot be decided from what was read: a guest whose e-mail or mobile changes leaves a
 * value of which only limit + 1 holders were read, so how many hold it is no longer
 * known. An arrival that needs such a value ends the batch there: what was decided is written and
 * the rest is read again.
 *
 * No domain event is recorded per guest: the caller (an import) records one summary event.
 */

/** One arrival of a batch; `fields` already normalised (normaliseArrivalFields). */
export interface BatchArrival {
  /** who brings it: recorded with each automatic decision */
  source: string;
  /** external keys: the first identifies the guest (as Arrival.key); the others are attached to it */
  keys: Array<{ source: string; value: string }>;
  /** a Loop id kept by an existing guest names that guest (first); else it is kept on the guest */
  loopId?: string;
  fields: GuestFields;
}

export type BatchOutcome = { guestId: number; created: boolean } | { error: string; code: 'no_identity' | 'key_conflict' | 'loop_id' };

interface Holders {
  /**
   * ids holding the value, ascending: every holder; or, when `complete` is false, limit + 1 of
   * them (any: read without ordering, which on PostgreSQL would sort every holder of an agency's
   * phone), which only tells that the value is shared
   */
  ids: number[];
  complete: boolean;
  /** a holder of an incompletely read value gave it up: how many hold it is unknown */
  stale: boolean;
}

type Rule = 'email' | 'mobile';

/** What the batch read and decided so far. Ids of guests not yet inserted are TEMP_BASE and up. */
interface State {
  settings: IdentitySettings;
  guests: Map<number, Guest>;
  keyOwner: Map<string, number>;
  keySources: Map<number, Set<string>>;
  holders: Record<Rule, Map<string, Holders>>;
  loopOwner: Map<string, number>;
}

/** One arrival's effect, applied to the state only when the whole arrival stands. */
interface Plan {
  guest: Guest;
  /** the row as it was before this arrival changed it (undefined: new, or unchanged) */
  before?: Guest;
  created: boolean;
  keys: Array<{ source: string; value: string }>;
  match?: MatchDecision;
  /** a Loop id this arrival makes the guest keep */
  loopIdKept?: string;
}

/** What the batch writes once decided. */
interface Writes {
  created: number[];
  /** existing guests changed, with their row as read and the number of revisions they got */
  changed: Map<number, { read: Guest; revisions: number }>;
  revisions: Array<{ guestId: number; version: number; snapshot: string }>;
  keys: Array<{ source: string; key: string; guestId: number }>;
  matches: Array<{ guestId: number; decision: MatchDecision }>;
}

const TEMP_BASE = 2 ** 50;
/** Values per read of holders (a UNION ALL of one indexed, limited branch per value). */
const HOLDER_BRANCHES = 200;
/** Values per IN list. */
const IN_CHUNK = 1000;

const keyOf = (source: string, value: string) => `${source}\u0000${value}`;
const chunks = <T>(items: T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/**
 * Resolves `arrivals` in order and writes the outcome in `ctx`'s transaction; one outcome per
 * arrival (a guest id, or why the arrival changed nothing).
 */
export async function resolveArrivalBatch(ctx: WriteContext, arrivals: BatchArrival[], now = Date.now()): Promise<BatchOutcome[]> {
  const out: BatchOutcome[] = [];
  let from = 0;
  while (from < arrivals.length) {
    const rest = arrivals.slice(from);
    const state = await readState(ctx.trx, ctx.accountId, rest);
    const writes: Writes = { created: [], changed: new Map(), revisions: [], keys: [], matches: [] };
    const decided: BatchOutcome[] = [];
    for (const arrival of rest) {
      const plan = decide(state, arrival, now);
      if (plan === 'stale') break;
      if ('error' in plan) decided.push(plan);
      else {
        apply(state, writes, plan);
        decided.push({ guestId: plan.guest.id, created: plan.created });
      }
    }
    const ids = await write(ctx, state, writes, now);
    for (const outcome of decided) out.push('guestId' in outcome ? { ...outcome, guestId: ids.get(outcome.guestId) ?? outcome.guestId } : outcome);
    from += decided.length;
  }
  return out;
}

/** Reads what the arrivals may touch: their keys, kept Loop ids, and the holders of their values. */
async function readState(db: Db, accountId: number, arrivals: BatchArrival[]): Promise<State> {
  const settings = await identitySettings(db, accountId);
  const limit = settings.sharedIdentifierLimit;
  const state: State = {
    settings,
    guests: new Map(),
    keyOwner: new Map(),
    keySources: new Map(),
    holders: { email: new Map(), mobile: new Map() },
    loopOwner: new Map(),
  };
  const keyValues = new Map<string, Set<string>>();
  const loopIds = new Set<string>();
  const values: Record<Rule, Set<string>> = { email: new Set(), mobile: new Set() };
  for (const a of arrivals) {
    for (const k of a.keys) {
      const set = keyValues.get(k.source) ?? new Set<string>();
      keyValues.set(k.source, set);
      set.add(k.value);
    }
    if (a.loopId !== undefined) loopIds.add(a.loopId);
    if (a.fields.email) values.email.add(a.fields.email);
    if (a.fields.mobile) values.mobile.add(a.fields.mobile);
  }
  // Concurrent arrivals of one new person (another face, on PostgreSQL) wait for this batch.
  const lockable: string[] = [];
  for (const email of values.email) if (!settings.blocked.email(email)) lockable.push(...identityLockKeys(email, undefined));
  for (const mobile of values.mobile) if (!mobileBlocked(settings, mobile)) lockable.push(...identityLockKeys(undefined, mobile));
  await lockKeyList(db, accountId, lockable);

  const remember = (rows: Guest[]) => {
    for (const row of rows) if (!state.guests.has(row.id)) state.guests.set(row.id, row);
  };
  // By source then key: the primary key (account_id, source, key) answers each one.
  for (const [source, keys] of keyValues) {
    for (const part of chunks([...keys], IN_CHUNK)) {
      const rows = await db
        .selectFrom('guest_keys as k')
        .innerJoin('guests as g', 'g.id', 'k.guest_id')
        .selectAll('g')
        .select('k.key as key_value')
        .where('k.account_id', '=', accountId)
        .where('k.source', '=', source)
        .where('k.key', 'in', part)
        .execute();
      for (const { key_value, ...guest } of rows) {
        state.keyOwner.set(keyOf(source, key_value), guest.id);
        remember([guest as Guest]);
      }
    }
  }
  for (const part of chunks([...loopIds], IN_CHUNK)) {
    const rows = await db.selectFrom('guests').selectAll().where('account_id', '=', accountId).where('loop_id', 'in', part).execute();
    for (const row of rows) state.loopOwner.set(row.loop_id!, row.id);
    remember(rows);
  }
  // Survivors of merged-away guests named by a Loop id (findGuest follows at most 8 merges).
  for (let hop = 0; hop < 8; hop++) {
    const missing = [...state.guests.values()].map((g) => g.merged_into_id).filter((id): id is number => id !== null && !state.guests.has(id));
    if (missing.length === 0) break;
    remember(await db.selectFrom('guests').selectAll().where('account_id', '=', accountId).where('id', 'in', missing).execute());
  }
  for (const rule of ['email', 'mobile'] as const) {
    const wanted = [...values[rule]];
    for (const value of wanted) state.holders[rule].set(value, { ids: [], complete: true, stale: false });
    for (const part of chunks(wanted, isPostgres(db) ? IN_CHUNK : HOLDER_BRANCHES)) {
      // One indexed, limited read per value: an agency's e-mail held by 300,000 guests costs limit + 1 rows.
      // No ORDER BY: a value held by at most `limit` guests is read whole (and sorted here); of a
      // shared one, any limit + 1 holders tell that it is shared. PostgreSQL: a LATERAL join over
      // the values (a UNION ALL of hundreds of branches costs more to plan than to run there);
      // SQLite, which has no LATERAL: a UNION ALL of one branch per value.
      const column = sql.ref(rule);
      const { rows } = isPostgres(db)
        ? await sql<Guest>`select h.* from unnest(${part}::text[]) as v(value) cross join lateral (select * from guests where account_id = ${accountId} and ${column} = v.value limit ${sql.lit(limit + 1)}) as h`.execute(
            db,
          )
        : // As SQL text (db/values-list.ts): hundreds of branches as a Kysely tree cost more to build than to run.
          await runRowsSql<Guest>(
            db,
            part.map(() => `select * from (select * from guests where account_id = ? and "${rule}" = ? limit ${limit + 1}) as h`).join(' union all '),
            part.flatMap((value) => [accountId, value]),
          );
      for (const row of rows) state.holders[rule].get(row[rule]!)!.ids.push(Number(row.id));
      remember(rows);
    }
    for (const h of state.holders[rule].values()) {
      h.ids.sort((a, b) => a - b);
      h.complete = h.ids.length <= limit;
    }
  }
  // Which sources key the guests read (the "keyed otherwise" rule).
  for (const part of chunks([...state.guests.keys()], IN_CHUNK)) {
    const rows = await db
      .selectFrom('guest_keys')
      .select(['guest_id', 'source'])
      .distinct()
      .where('account_id', '=', accountId)
      .where('guest_id', 'in', part)
      .execute();
    for (const row of rows) sourcesOf(state, row.guest_id).add(row.source);
  }
  return state;
}

function mobileBlocked(settings: IdentitySettings, mobile: string): boolean {
  const e164 = normalisePhone(mobile)?.e164 === mobile ? mobile : undefined;
  return e164 === undefined || settings.blocked.phone(e164);
}

function sourcesOf(state: State, guestId: number): Set<string> {
  const set = state.keySources.get(guestId) ?? new Set<string>();
  state.keySources.set(guestId, set);
  return set;
}

/** The guest an id names as findGuest answers it: merges followed; undefined when none. */
function survivor(state: State, id: number): Guest | undefined {
  let guest = state.guests.get(id);
  for (let hop = 0; guest?.merged_into_id != null && hop < 8; hop++) guest = state.guests.get(guest.merged_into_id);
  return guest?.merged_into_id == null ? guest : undefined;
}

/** What one arrival does, decided against the state (which it does not change). */
function decide(state: State, a: BatchArrival, now: number): Plan | Extract<BatchOutcome, { error: string }> | 'stale' {
  const [first, ...more] = a.keys;
  const existingId = a.loopId === undefined ? undefined : state.loopOwner.get(a.loopId);
  const existing = existingId === undefined ? undefined : survivor(state, existingId);
  let plan: Plan;
  if (existing) plan = updated(existing, a.fields, now, { created: false, keys: [] });
  else if (first && state.keyOwner.has(keyOf(first.source, first.value))) {
    plan = updated(state.guests.get(state.keyOwner.get(keyOf(first.source, first.value))!)!, a.fields, now, { created: false, keys: [] });
  } else if (first || a.fields.email || a.fields.mobile) {
    const found = match(state, a, first);
    if (found === 'stale') return 'stale';
    plan = found.guest
      ? updated(found.guest, a.fields, now, { created: false, keys: first ? [first] : [], match: found.decision })
      : {
          guest: { ...newGuestRow(0, now), custom_fields: '{}', ...(guestColumns(a.fields) as Partial<Guest>), id: TEMP_BASE + state.guests.size },
          created: true,
          keys: first ? [first] : [],
          ...(found.decision.reason && NEAR_MATCHES.has(found.decision.reason) ? { match: found.decision } : {}),
        };
  } else {
    return { error: 'a contact needs a foreignId, an id, an email or a mobile number', code: 'no_identity' };
  }
  const guestId = plan.guest.id;
  for (const k of existing && first ? a.keys : more) {
    const id = keyOf(k.source, k.value);
    const holder = plan.keys.some((p) => keyOf(p.source, p.value) === id) ? guestId : state.keyOwner.get(id);
    if (holder !== undefined && holder !== guestId) return { error: `key ${k.source}:${k.value} already names another guest`, code: 'key_conflict' };
    if (holder === undefined) plan.keys.push(k);
  }
  if (a.loopId !== undefined) {
    const held = plan.guest.loop_id;
    if (held !== null && held !== a.loopId) return { error: `it already keeps the id ${held}, which cannot change`, code: 'loop_id' };
    if (held === null) {
      if (state.loopOwner.has(a.loopId)) return { error: `${a.loopId} is already the id of another row of the account`, code: 'loop_id' };
      plan.guest = { ...plan.guest, loop_id: a.loopId };
      plan.loopIdKept = a.loopId;
    }
  }
  return plan;
}

/** The plan of applying `fields` to `guest` (updateGuest: a change is a new revision). */
function updated(guest: Guest, fields: GuestFields, now: number, rest: Omit<Plan, 'guest' | 'before'>): Plan {
  const changed = guestChanges(guest, fields);
  if (!changed) return { guest, ...rest };
  return { guest: { ...guest, ...changed, updated_at: now, version: guest.version + 1 } as Guest, before: guest, ...rest };
}

/** matchArrival against the state: the guest found, or the decision to make a new one. */
function match(state: State, a: BatchArrival, key: { source: string; value: string } | undefined): { guest?: Guest; decision: MatchDecision } | 'stale' {
  const { settings } = state;
  const source = a.source;
  const email = a.fields.email ?? undefined;
  const mobile = a.fields.mobile ?? undefined;
  if (!email && !mobile) return { decision: { rule: 'new', source, identifier: '' } };
  const limit = settings.sharedIdentifierLimit;
  const e164 = mobile !== undefined && normalisePhone(mobile)?.e164 === mobile ? mobile : undefined;
  const blockedOf = { email: email !== undefined && settings.blocked.email(email), mobile: mobile !== undefined && mobileBlocked(settings, mobile) };
  const arriving = givenName(a.fields);
  let rejected: MatchDecision | undefined;
  for (const [rule, value] of [
    ['email', email],
    ['mobile', mobile],
  ] as const) {
    if (value === undefined) continue;
    if (blockedOf[rule]) {
      if (rule === 'email' || e164) rejected ??= { rule: 'new', source, identifier: value, reason: `blocked_${rule}` };
      continue;
    }
    const holders = state.holders[rule].get(value)!;
    if (holders.stale) return 'stale';
    if (holders.ids.length > limit) {
      rejected ??= { rule: 'new', source, identifier: value, reason: `shared_${rule}` };
      continue;
    }
    for (const id of holders.ids) {
      const candidate = state.guests.get(id)!;
      if (candidate.merged_into_id !== null) continue;
      if (key && state.keySources.get(id)?.has(key.source)) {
        rejected ??= { rule: 'new', source, identifier: value, reason: 'keyed_otherwise' };
        continue;
      }
      if (namesConflict(arriving, givenName({ firstName: candidate.first_name, name: candidate.name }))) {
        rejected ??= { rule: 'new', source, identifier: value, reason: 'name_conflict' };
        continue;
      }
      return { guest: candidate, decision: { rule, source, identifier: value } };
    }
  }
  return { decision: rejected ?? { rule: 'new', source, identifier: '' } };
}

/** Makes a decided arrival part of the state and of what the batch writes. */
function apply(state: State, writes: Writes, plan: Plan): void {
  const { guest, before } = plan;
  const previous = state.guests.get(guest.id);
  if (plan.created) writes.created.push(guest.id);
  if (before) {
    writes.revisions.push({ guestId: guest.id, version: before.version, snapshot: JSON.stringify(before) });
    if (guest.id < TEMP_BASE) {
      const entry = writes.changed.get(guest.id) ?? { read: before, revisions: 0 };
      entry.revisions++;
      writes.changed.set(guest.id, entry);
    }
  } else if (previous && previous.loop_id !== guest.loop_id && guest.id < TEMP_BASE && !writes.changed.has(guest.id)) {
    // Only a kept Loop id: written without a revision (keepFaceId bumps no version).
    writes.changed.set(guest.id, { read: previous, revisions: 0 });
  }
  state.guests.set(guest.id, guest);
  for (const rule of ['email', 'mobile'] as const) {
    const was = previous?.[rule] ?? null;
    const is = guest[rule];
    if (was === is) continue;
    if (was !== null) {
      const h = state.holders[rule].get(was);
      if (h) {
        const at = h.ids.indexOf(guest.id);
        if (at !== -1) h.ids.splice(at, 1);
        if (!h.complete) h.stale = true;
      }
    }
    if (is !== null) {
      const h = state.holders[rule].get(is);
      // A value no arrival of the batch brings: no arrival will ask for it.
      if (!h) continue;
      let at = h.ids.length;
      while (at > 0 && h.ids[at - 1] > guest.id) at--;
      h.ids.splice(at, 0, guest.id);
      if (!h.complete && h.ids.length > state.settings.sharedIdentifierLimit + 1) h.ids.pop();
    }
  }
  for (const k of plan.keys) {
    state.keyOwner.set(keyOf(k.source, k.value), guest.id);
    sourcesOf(state, guest.id).add(k.source);
    writes.keys.push({ source: k.source, key: k.value, guestId: guest.id });
  }
  if (plan.loopIdKept) state.loopOwner.set(plan.loopIdKept, guest.id);
  if (plan.match) writes.matches.push({ guestId: guest.id, decision: plan.match });
}

const GUEST_ROW_COLUMNS = [
  'account_id',
  'first_name',
  'last_name',
  'name',
  'email',
  'mobile',
  'language',
  'vip_status',
  'group_name',
  'custom_fields',
  'created_at',
  'updated_at',
  'merged_into_id',
  'loop_id',
  'version',
  'details',
] as const;
const MUTABLE_COLUMNS = GUEST_ROW_COLUMNS.filter((c) => c !== 'account_id' && c !== 'created_at' && c !== 'version');
/** The SQL types of a guest's columns, which insertRows and updateRowsById cast to on PostgreSQL. */
const GUEST_COLUMN_TYPES: Record<(typeof GUEST_ROW_COLUMNS)[number], ColumnType> = {
  account_id: 'integer',
  first_name: 'text',
  last_name: 'text',
  name: 'text',
  email: 'text',
  mobile: 'text',
  language: 'text',
  vip_status: 'text',
  group_name: 'text',
  custom_fields: 'text',
  created_at: 'bigint',
  updated_at: 'bigint',
  merged_into_id: 'integer',
  loop_id: 'text',
  version: 'integer',
  details: 'text',
};
const ROWS_PER_INSERT = 500;

/** Writes the batch's outcome; returns the real id of each guest it created (by its temporary id). */
async function write(ctx: WriteContext, state: State, writes: Writes, now: number): Promise<Map<number, number>> {
  const { trx: db, accountId } = ctx;
  const ids = new Map<number, number>();
  const created = writes.created.map((temp) => {
    const g = state.guests.get(temp)!;
    return Object.fromEntries(GUEST_ROW_COLUMNS.map((c) => [c, c === 'account_id' ? accountId : g[c]]));
  });
  // Ids are handed out in the order of the rows (SQLite's rowids and PostgreSQL's sequence both count up).
  const real = await insertRows(db, { table: 'guests', columns: GUEST_COLUMN_TYPES, rows: created }, { returningIds: true });
  writes.created.forEach((temp, i) => {
    ids.set(temp, real[i]!);
  });
  const idOf = (id: number) => ids.get(id) ?? id;
  // Every changed guest in one statement per set of changed columns (not a round trip each).
  const changedRows = [...writes.changed].map(([id, { read }]) => {
    const g = state.guests.get(id)!;
    const set: Record<string, unknown> = {};
    for (const c of MUTABLE_COLUMNS) if (g[c] !== read[c]) set[c] = g[c];
    return { id, set };
  });
  await updateRowsById(db, {
    table: 'guests',
    accountId,
    rows: changedRows,
    types: GUEST_COLUMN_TYPES,
    increment: { column: 'version', by: (id) => writes.changed.get(id)!.revisions },
  });
  await insertRows(db, {
    table: 'guest_revisions',
    columns: { account_id: 'integer', guest_id: 'integer', version: 'integer', snapshot: 'text', created_at: 'bigint' },
    rows: writes.revisions.map((r) => {
      const snapshot = r.guestId >= TEMP_BASE ? JSON.stringify({ ...JSON.parse(r.snapshot), id: idOf(r.guestId), account_id: accountId }) : r.snapshot;
      return { account_id: accountId, guest_id: idOf(r.guestId), version: r.version, snapshot, created_at: now };
    }),
  });
  await insertRows(db, {
    table: 'guest_keys',
    columns: { account_id: 'integer', source: 'text', key: 'text', guest_id: 'integer' },
    rows: writes.keys.map((k) => ({ account_id: accountId, source: k.source, key: k.key, guest_id: idOf(k.guestId) })),
  });
  // The same decision again counts up (recordMatch): one row per guest and decision.
  const matches = new Map<string, { guestId: number; decision: MatchDecision; count: number }>();
  for (const m of writes.matches) {
    const d = m.decision;
    const id = `${idOf(m.guestId)}\u0000${d.rule}\u0000${d.source}\u0000${d.identifier}`;
    const seen = matches.get(id);
    if (seen) {
      seen.count++;
      seen.decision = d;
    } else matches.set(id, { guestId: idOf(m.guestId), decision: d, count: 1 });
  }
  for (const part of chunks([...matches.values()], ROWS_PER_INSERT)) {
    await db
      .insertInto('guest_matches')
      .values(
        part.map(({ guestId, decision: d, count }) => ({
          account_id: accountId,
          guest_id: guestId,
          rule: d.rule,
          source: d.source,
          identifier: d.identifier,
          reason: d.reason ?? null,
          count,
          first_at: now,
          last_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['account_id', 'guest_id', 'rule', 'source', 'identifier']).doUpdateSet((eb) => ({
          count: sql`${sql.ref('guest_matches.count')} + ${eb.ref('excluded.count')}`,
          last_at: eb.ref('excluded.last_at'),
          reason: eb.ref('excluded.reason'),
        })),
      )
      .execute();
  }
  return ids;
}

/** After a bulk write grew the guest tables a lot: fresh planner statistics (db/planner-statistics.ts). */
export async function refreshGuestStatistics(db: Db): Promise<void> {
  await refreshPlannerStatistics(db, ['guests', 'guest_keys', 'guest_revisions']);
}
