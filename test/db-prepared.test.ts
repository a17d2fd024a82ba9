import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { prepared, preparedShapes } from '../src/db/prepared.js';
import { createAccount } from '../src/core/accounts/accounts.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';

// Module-level templates, as in the app: each is compiled once per dialect and then shared by
// every database of that dialect (and by both dialects' databases in one process).
const locationsNamed = prepared((db, accountId: number, shortcode: string) =>
  db.selectFrom('locations').select(['id', 'shortcode']).where('shortcode', '=', shortcode).where('account_id', '=', accountId).orderBy('id').limit(5),
);
const insertLocation = prepared((db, accountId: number, shortcode: string, now: number) =>
  db
    .insertInto('locations')
    .values({ account_id: accountId, shortcode, title: '{"en":"x"}', kind: 'location', created_at: now, updated_at: now })
    .returning(['id', 'created_at']),
);
// The same argument twice, and constants between the arguments.
const sameTimes = prepared((db, accountId: number, at: number) =>
  db
    .selectFrom('locations')
    .select('id')
    .where('account_id', '=', accountId)
    .where('created_at', '=', at)
    .where('updated_at', '=', at)
    .where('kind', '=', 'location'),
);

describe.each(dialects())('prepared queries on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t?.destroy());

  it('runs with new values on every call, arguments in any order of the SQL', async () => {
    const account = await createAccount(t.db, `prep-${dialect}`);
    const other = await createAccount(t.db, `prep-other-${dialect}`);
    const a = (await insertLocation(t.db, account.id, 'p-a', 1000)).rows[0];
    const b = (await insertLocation(t.db, account.id, 'p-b', 2000)).rows[0];
    await insertLocation(t.db, other.id, 'p-a', 3000);
    expect(a.created_at).toBe(1000);
    expect(b.created_at).toBe(2000);
    expect((await locationsNamed(t.db, account.id, 'p-a')).rows).toEqual([{ id: a.id, shortcode: 'p-a' }]);
    expect((await locationsNamed(t.db, account.id, 'p-b')).rows).toEqual([{ id: b.id, shortcode: 'p-b' }]);
    expect((await locationsNamed(t.db, account.id, 'p-none')).rows).toEqual([]);
    expect((await sameTimes(t.db, account.id, 2000)).rows).toEqual([{ id: b.id }]);
    expect((await sameTimes(t.db, other.id, 2000)).rows).toEqual([]);
  });

  it('runs on the connection of the transaction it is given', async () => {
    const account = await createAccount(t.db, `prep-trx-${dialect}`);
    await expect(
      t.db.transaction().execute(async (trx) => {
        await insertLocation(trx, account.id, 'p-rolled-back', 1);
        expect((await locationsNamed(trx, account.id, 'p-rolled-back')).rows).toHaveLength(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await locationsNamed(t.db, account.id, 'p-rolled-back')).rows).toEqual([]);
  });

  it('keeps one template per shape with preparedShapes', async () => {
    const account = await createAccount(t.db, `prep-shapes-${dialect}`);
    const { id } = (await insertLocation(t.db, account.id, 'p-shapes', 5)).rows[0];
    const setColumns = preparedShapes((db, columns, accountId, locationId, ...values) =>
      db
        .updateTable('locations')
        .set(Object.fromEntries(columns.split(',').map((column, i) => [column, values[i]])))
        .where('account_id', '=', accountId as number)
        .where('id', '=', locationId as number),
    );
    const read = () => t.db.selectFrom('locations').select(['city', 'country', 'updated_at']).where('id', '=', id).executeTakeFirstOrThrow();
    await setColumns(t.db, 'city,updated_at', account.id, id, 'Lund', 6);
    expect(await read()).toEqual({ city: 'Lund', country: null, updated_at: 6 });
    await setColumns(t.db, 'country', account.id, id, 'SE');
    await setColumns(t.db, 'city,updated_at', account.id, id, null, 7);
    expect(await read()).toEqual({ city: null, country: 'SE', updated_at: 7 });
    // another account's row is not touched
    await setColumns(t.db, 'country', account.id + 1000, id, 'NO');
    expect((await read()).country).toBe('SE');
  });

  it('refuses undefined (Kysely would have dropped the column)', async () => {
    await expect(locationsNamed(t.db, 1, undefined as unknown as string)).rejects.toThrow(/argument 2 is undefined/);
  });

  it('refuses a builder that inlines or drops an argument', async () => {
    const inlined = prepared((db, shortcode: string) => db.selectFrom('locations').select('id').where('shortcode', '=', sql.lit(shortcode)));
    await expect(inlined(t.db, 'x')).rejects.toThrow(/inlined/);
    const dropped = prepared((db, _accountId: number, shortcode: string) => db.selectFrom('locations').select('id').where('shortcode', '=', shortcode));
    await expect(dropped(t.db, 1, 'x')).rejects.toThrow(/do not reach the query/);
  });
});

describe('prepared queries across dialects in one process', () => {
  it('compiles one template per dialect', async () => {
    const handles = await Promise.all(dialects().map((d) => createTestDatabase(d)));
    try {
      for (const h of handles) {
        const account = await createAccount(h.db, `prep-both-${h.dialect}`);
        const made = (await insertLocation(h.db, account.id, 'p-both', 42)).rows[0];
        expect((await locationsNamed(h.db, account.id, 'p-both')).rows).toEqual([{ id: made.id, shortcode: 'p-both' }]);
      }
    } finally {
      for (const h of handles) await h.destroy();
    }
  });
});

describe('SQLite transactions', () => {
  it('take the write lock when they begin (begin immediate), so a read-then-write cannot fail on a lock upgrade', async () => {
    const t = await createTestDatabase('sqlite');
    const other = new SQLite(t.url.slice('sqlite:'.length));
    other.pragma('busy_timeout = 0');
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let begun!: () => void;
      const started = new Promise<void>((resolve) => (begun = resolve));
      const trx = t.db.transaction().execute(async () => {
        begun();
        await held;
      });
      await started;
      // A deferred `begin` would hold no lock yet; `begin immediate` holds the write lock.
      expect(() => other.prepare('begin immediate').run()).toThrow(/locked|busy/i);
      release();
      await trx;
      other.prepare('begin immediate').run();
      other.prepare('commit').run();
    } finally {
      other.close();
      await t.destroy();
    }
  });
});
