import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createAccount } from '../src/core/accounts/accounts.js';
import { openDatabase } from '../src/db/database.js';
import { batchedWrite } from '../src/db/sqlite-write-batch.js';
import { changeStamp } from '../src/db/change-stamp.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

// Group commit is SQLite's (the PostgreSQL path never batches).
describe('batched writes on sqlite', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
  });
  afterAll(async () => t?.destroy());

  const accountExists = async (slug: string) => (await t.db.selectFrom('accounts').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;

  it('commits the writes queued together in one transaction, in order, and answers after the commit', async () => {
    const order: string[] = [];
    const write = (slug: string) =>
      batchedWrite(t.db, {
        work: async (trx) => {
          order.push(slug);
          // Inside the batch's transaction: another connection cannot see the row yet.
          const account = await createAccount(trx, slug);
          return account.id;
        },
      });
    const ids = await Promise.all([write('batch-a'), write('batch-b'), write('batch-c')]);
    expect(order).toEqual(['batch-a', 'batch-b', 'batch-c']);
    expect(new Set(ids).size).toBe(3);
    // Acknowledged means committed: a second connection (another process) sees every row.
    const other = openDatabase(t.url);
    try {
      const slugs = (await other.db.selectFrom('accounts').select('slug').where('slug', 'like', 'batch-%').orderBy('slug').execute()).map((r) => r.slug);
      expect(slugs).toEqual(['batch-a', 'batch-b', 'batch-c']);
    } finally {
      await other.close();
    }
  });

  it('undoes and rejects a failing write alone', async () => {
    const a = batchedWrite(t.db, { work: (trx) => createAccount(trx, 'alone-a') });
    const b = batchedWrite(t.db, {
      work: async (trx) => {
        await createAccount(trx, 'alone-b');
        throw new Error('b fails after writing');
      },
    });
    const c = batchedWrite(t.db, { work: (trx) => createAccount(trx, 'alone-c') });
    await expect(b).rejects.toThrow('b fails after writing');
    await expect(a).resolves.toMatchObject({ slug: 'alone-a' });
    await expect(c).resolves.toMatchObject({ slug: 'alone-c' });
    expect(await accountExists('alone-a')).toBe(true);
    expect(await accountExists('alone-b')).toBe(false);
    expect(await accountExists('alone-c')).toBe(true);
  });

  it('rejects every write of a batch whose commit fails, and tells the ones that had succeeded', async () => {
    let told = 0;
    const good = batchedWrite(t.db, { work: (trx) => createAccount(trx, 'doomed-a'), rolledBack: () => told++ });
    const spoiler = batchedWrite(t.db, {
      work: async (trx) => {
        // A foreign key checked at commit: the commit itself fails.
        await sql`pragma defer_foreign_keys = on`.execute(trx);
        await trx.insertInto('guest_keys').values({ account_id: 999_999, source: 'x', key: 'orphan', guest_id: 999_999 }).execute();
      },
      rolledBack: () => told++,
    });
    await expect(good).rejects.toThrow(/FOREIGN KEY/);
    await expect(spoiler).rejects.toThrow(/FOREIGN KEY/);
    expect(told).toBe(2);
    expect(await accountExists('doomed-a')).toBe(false);
    // The next batch works as usual.
    await expect(batchedWrite(t.db, { work: (trx) => createAccount(trx, 'after-doom') })).resolves.toMatchObject({ slug: 'after-doom' });
  });

  it('puts writes queued while a batch runs into the next one', async () => {
    let inner: Promise<unknown> | undefined;
    const outer = batchedWrite(t.db, {
      work: async (trx) => {
        inner = batchedWrite(t.db, { work: (trx2) => createAccount(trx2, 'next-batch') });
        return createAccount(trx, 'this-batch');
      },
    });
    await outer;
    await inner;
    expect(await accountExists('this-batch')).toBe(true);
    expect(await accountExists('next-batch')).toBe(true);
  });
  it('hands the stamp a write left to the next write of the batch, and only after a write that succeeded', async () => {
    const seen: { start?: string; actual?: string }[] = [];
    const write = (slug: string, leave: boolean, fail = false) =>
      batchedWrite(t.db, {
        work: async (trx, stamp) => {
          seen.push({ start: stamp.start, actual: await changeStamp(trx) });
          await createAccount(trx, slug);
          if (leave) stamp.end = await changeStamp(trx);
          if (fail) throw new Error('undone');
        },
      });
    const results = await Promise.allSettled([
      write('stamp-a', true),
      write('stamp-b', false),
      write('stamp-c', true),
      write('stamp-d', true, true),
      write('stamp-e', true),
      write('stamp-f', false),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    // a: first of the batch; b: after a, which left its stamp; c: b left none; d: after c;
    // e: d failed (rolled back to its savepoint), so nothing is carried; f: after e.
    expect(seen.map((s) => s.start !== undefined)).toEqual([false, true, false, true, false, true]);
    for (const s of seen) if (s.start !== undefined) expect(s.start).toBe(s.actual);
  });
});
