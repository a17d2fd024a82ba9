import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountWithCredentials } from '../src/core/accounts/provision.js';
import { upsertContact } from '../src/core/contacts/upsert-contact.js';
import { resolveArrivalBatch, type BatchArrival, type BatchOutcome } from '../src/core/guests/batch-identity.js';
import { findGuestRowId, keepGuestFaceId } from '../src/core/guests/face-ids.js';
import { attachGuestKey, findGuestByKey } from '../src/core/guests/guest-keys.js';
import { findGuest } from '../src/core/guests/guests.js';
import { normaliseArrivalFields } from '../src/core/guests/identity.js';
import { writeContext } from '../src/core/shared/write-context.js';
import type { Db } from '../src/db/database.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';

// Issue 13: the bulk contacts import resolves identities a batch at a time. It must give the same
// answers as resolving the same lines one at a time through the per-arrival path (upsertContact ->
// resolveArrival, then extra keys and the kept Loop id, as the import did line by line): same
// guests, same keys, same recorded decisions, same revisions, same failed lines.

/** A small seeded generator, so a failure is reproducible. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Ann', 'Anna', 'A.', 'Bob', 'Carl', 'Dora', 'Eva', 'Rick', 'Morty', ''];

/** Lines with duplicates, shared agency values, placeholders, blocked and unparsable numbers. */
function generate(n: number, seed: number): BatchArrival[] {
  const r = prng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const out: BatchArrival[] = [];
  for (let i = 0; i < n; i++) {
    const person = Math.floor(r() * n * 0.6);
    const keys: BatchArrival['keys'] = [];
    const k = r();
    if (k < 0.5) keys.push({ source: 'loop', value: `F-${person}` });
    else if (k < 0.6) keys.push({ source: 'pms', value: `P-${Math.floor(r() * n * 0.3)}` });
    if (r() < 0.1) keys.push({ source: 'crm', value: `C-${Math.floor(r() * n * 0.2)}` });
    const e = r();
    const email =
      e < 0.2
        ? 'bookings@agency.example'
        : e < 0.3
          ? 'noreply@agency.example'
          : e < 0.8
            ? `p${person}@mail.example`
            : e < 0.85
              ? `P${person}@Mail.Example`
              : undefined;
    const m = r();
    const mobile =
      m < 0.2
        ? '+46701111222'
        : m < 0.25
          ? '+46 70 000 0000'
          : m < 0.3
            ? '12'
            : m < 0.6
              ? `+4670${String(2000000 + (person % 500000)).padStart(7, '0')}`
              : undefined;
    const first = pick(FIRST);
    const fields = {
      ...(first ? { firstName: first } : {}),
      ...(r() < 0.5 ? { lastName: `L${person % 50}` } : {}),
      email,
      mobile,
      language: pick(['en', 'sv', undefined]),
    };
    for (const key of Object.keys(fields) as Array<keyof typeof fields>) if (fields[key] === undefined) delete fields[key];
    const loopId = r() < 0.05 ? `5296${String(Math.floor(r() * n * 0.02)).padStart(20, '0')}` : undefined;
    if (!keys.length && !email && !mobile && !loopId) keys.push({ source: 'loop', value: `F-${person}` });
    out.push({ source: 'import', keys, ...(loopId ? { loopId } : {}), fields });
  }
  return out;
}

/** The import's former per-line write (issue 11), through the per-arrival path. */
async function writeOne(db: Db, accountId: number, a: BatchArrival): Promise<number> {
  const byId = a.loopId === undefined ? undefined : await findGuestRowId(db, accountId, 'loop', a.loopId, undefined);
  const existing = byId === undefined ? undefined : await findGuest(db, accountId, byId);
  const [first, ...more] = a.keys;
  const ctx = writeContext(db, accountId);
  const { guest } = await upsertContact(ctx, {
    source: 'import',
    ...(existing ? { guest: existing } : first ? { key: first } : {}),
    fields: a.fields,
  });
  for (const k of existing && first ? a.keys : more) {
    const holder = await findGuestByKey(db, accountId, k.source, k.value);
    if (holder && holder.id !== guest.id) throw new Error(`key ${k.source}:${k.value} already names another guest`);
    if (!holder) await attachGuestKey(db, accountId, k.source, k.value, guest.id);
  }
  if (a.loopId !== undefined) {
    const kept = await keepGuestFaceId(db, accountId, 'loop', guest.id, a.loopId, undefined);
    if (!kept.ok) throw new Error(kept.reason);
  }
  return guest.id;
}

/** The account's identity tables with guest ids replaced by their rank (creation order). */
async function snapshot(db: Db, accountId: number) {
  const guests = await db.selectFrom('guests').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
  const rank = new Map(guests.map((g, i) => [g.id, i]));
  const keys = await db.selectFrom('guest_keys').select(['source', 'key', 'guest_id']).where('account_id', '=', accountId).execute();
  const matches = await db
    .selectFrom('guest_matches')
    .select(['guest_id', 'rule', 'source', 'identifier', 'reason', 'count'])
    .where('account_id', '=', accountId)
    .execute();
  const revisions = await db.selectFrom('guest_revisions').select(['guest_id', 'version', 'snapshot']).where('account_id', '=', accountId).execute();
  const sorted = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort();
  const person = (g: Record<string, unknown>) => ({
    first_name: g.first_name,
    last_name: g.last_name,
    name: g.name,
    email: g.email,
    mobile: g.mobile,
    language: g.language,
    custom_fields: g.custom_fields,
    version: g.version,
    loop_id: g.loop_id,
    merged_into_id: g.merged_into_id,
  });
  return {
    rank,
    guests: guests.map(person),
    keys: sorted(keys.map((k) => [k.source, k.key, rank.get(k.guest_id)])),
    matches: sorted(matches.map((m) => [rank.get(m.guest_id), m.rule, m.source, m.identifier, m.reason, m.count])),
    revisions: sorted(revisions.map((r) => [rank.get(r.guest_id), r.version, person(JSON.parse(r.snapshot))])),
  };
}

describe.each(dialects())('batch identity resolution on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('gives the answers of one arrival at a time on 2,000 generated lines (duplicates, shared phones, placeholders)', async () => {
    const db = t.db;
    const one = (await createAccountWithCredentials(db, 'one-by-one')).account.id;
    const batched = (await createAccountWithCredentials(db, 'batched')).account.id;
    const arrivals = generate(2000, 13);
    // Fields as the importer hands them over: normalised as every arrival is.
    for (const a of arrivals) a.fields = await normaliseArrivalFields(db, one, a.fields);

    const expected: Array<number | string> = [];
    for (const a of arrivals) {
      try {
        expected.push(await inWriteTransaction(db, (trx) => writeOne(trx, one, a)));
      } catch (err) {
        expected.push(`error: ${(err as Error).message}`);
      }
    }
    const got: BatchOutcome[] = [];
    for (let i = 0; i < arrivals.length; i += 500) {
      got.push(...(await inWriteTransaction(db, (trx) => resolveArrivalBatch(writeContext(trx, batched), arrivals.slice(i, i + 500)))));
    }

    const a = await snapshot(db, one);
    const b = await snapshot(db, batched);
    expect(b.guests.length).toBe(a.guests.length);
    expect(b.guests).toEqual(a.guests);
    expect(b.keys).toEqual(a.keys);
    expect(b.matches).toEqual(a.matches);
    expect(b.revisions).toEqual(a.revisions);
    const outcomes = (results: Array<number | string>, rank: Map<number, number>) =>
      results.map((x) => (typeof x === 'number' ? rank.get(x) : x.replace(/^error: /, 'error: ')));
    expect(
      outcomes(
        got.map((o) => ('guestId' in o ? o.guestId : `error: ${o.error}`)),
        b.rank,
      ),
    ).toEqual(outcomes(expected, a.rank));
    // The generator reaches every rule (else the comparison proves little).
    const reasons = new Set(a.matches.map((m) => JSON.parse(m)[4]));
    const rules = new Set(a.matches.map((m) => JSON.parse(m)[1]));
    expect([...rules].sort()).toEqual(['email', 'mobile', 'new']);
    for (const reason of ['name_conflict', 'keyed_otherwise']) expect(reasons).toContain(reason);
    expect(expected.some((x) => typeof x === 'string' && x.includes('already names another guest'))).toBe(true);
    expect(a.revisions.length).toBeGreaterThan(100);
  }, 240_000);
});
