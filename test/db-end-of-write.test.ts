import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../src/core/accounts/accounts.js';
import type { Db } from '../src/db/database.js';
import { afterCommit, atEndOfWrite, inWriteTransaction, type EndOfWrite } from '../src/db/write-transaction.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';

// Work left to the end of a write (db/write-scope.ts): run inside the write's transaction, on
// SQLite once for all the writes of a group commit.
describe.each(dialects())('work left to the end of a write (%s)', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t?.destroy());

  const accountExists = async (slug: string) => (await t.db.selectFrom('accounts').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;

  /** A kind that creates an account per item, and fails on an item named "fail-..." */
  function accountsAtEnd(calls: string[][], hooks: string[]): EndOfWrite<string> {
    return {
      async run(trx, slugs) {
        calls.push([...slugs]);
        for (const slug of slugs) {
          if (slug.startsWith('fail-')) throw new Error(`no account ${slug}`);
          await createAccount(trx, slug);
        }
        afterCommit(trx, () => hooks.push(slugs.join(',')));
      },
    };
  }

  const write = (db: Db, kind: EndOfWrite<string>, slug: string, also?: string) =>
    inWriteTransaction(db, async (trx) => {
      await createAccount(trx, slug);
      expect(atEndOfWrite(trx, kind, `${slug}-end`)).toBe(true);
      if (also) atEndOfWrite(trx, kind, also);
      return slug;
    });

  it('runs the left work in the transaction, before the write is answered, and its commit hooks after the commit', async () => {
    const calls: string[][] = [];
    const hooks: string[] = [];
    const kind = accountsAtEnd(calls, hooks);
    const answers = await Promise.all([write(t.db, kind, 'eow-a'), write(t.db, kind, 'eow-b'), write(t.db, kind, 'eow-c')]);
    expect(answers).toEqual(['eow-a', 'eow-b', 'eow-c']);
    for (const slug of ['eow-a', 'eow-b', 'eow-c']) {
      expect(await accountExists(slug)).toBe(true);
      expect(await accountExists(`${slug}-end`)).toBe(true);
    }
    // SQLite: the three writes shared a group commit, so their items ran together, in order.
    if (dialect === 'sqlite') expect(calls).toEqual([['eow-a-end', 'eow-b-end', 'eow-c-end']]);
    else expect(calls.flat().sort()).toEqual(['eow-a-end', 'eow-b-end', 'eow-c-end']);
    expect(hooks.join(',').split(',').sort()).toEqual(['eow-a-end', 'eow-b-end', 'eow-c-end']);
  });

  it('leaves nothing of a write that failed', async () => {
    const calls: string[][] = [];
    const kind = accountsAtEnd(calls, []);
    const failing = inWriteTransaction(t.db, async (trx) => {
      atEndOfWrite(trx, kind, 'ghost-end');
      throw new Error('the write fails');
    });
    const good = write(t.db, kind, 'kept');
    await expect(failing).rejects.toThrow('the write fails');
    await expect(good).resolves.toBe('kept');
    expect(calls.flat()).toEqual(['kept-end']);
    expect(await accountExists('ghost-end')).toBe(false);
  });

  it('fails only the write whose left work fails; the others commit with theirs', async () => {
    const calls: string[][] = [];
    const hooks: string[] = [];
    const kind = accountsAtEnd(calls, hooks);
    const results = await Promise.allSettled([write(t.db, kind, 'ok-1'), write(t.db, kind, 'bad-1', 'fail-bad-1'), write(t.db, kind, 'ok-2')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('no account fail-bad-1');
    for (const slug of ['ok-1', 'ok-1-end', 'ok-2', 'ok-2-end']) expect(await accountExists(slug)).toBe(true);
    // The failed write is undone with its left work, including what ran before the failing item.
    for (const slug of ['bad-1', 'bad-1-end']) expect(await accountExists(slug)).toBe(false);
    // No hook of work that was rolled back ran.
    expect(hooks.join(',').split(',').sort()).toEqual(['ok-1-end', 'ok-2-end']);
  });

  it('is not offered outside a write of inWriteTransaction', async () => {
    expect(atEndOfWrite(t.db, accountsAtEnd([], []), 'x')).toBe(false);
  });
});
