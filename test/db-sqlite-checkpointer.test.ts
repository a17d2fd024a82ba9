import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../src/core/accounts/accounts.js';
import { openDatabase } from '../src/db/database.js';
import { startCheckpointer, type Checkpointer } from '../src/db/sqlite-checkpointer.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { waitUntil } from './helpers/wait.js';

// The WAL's checkpoints in a thread of their own (db/sqlite-checkpointer.ts): SQLite only.
describe('the SQLite checkpoint thread', () => {
  let t: TestDatabase;
  let checkpointer: Checkpointer | undefined;
  let file: string;
  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    file = t.url.slice('sqlite:'.length);
  });
  afterAll(async () => {
    await checkpointer?.stop();
    await t?.destroy();
  });

  const autocheckpoint = async () => Number((await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(t.db)).rows[0].wal_autocheckpoint);

  it('copies committed pages into the database file while the server connection checkpoints only as a backstop', async () => {
    checkpointer = await startCheckpointer(t.db, file);
    expect(await autocheckpoint()).toBe(10_000);
    const before = fs.statSync(file).size;
    // About 2 MB of rows: far fewer pages than the backstop, so only the thread can have copied them into the file.
    const padding = 'x'.repeat(2000);
    for (let batch = 0; batch < 10; batch++) {
      await inWriteTransaction(t.db, async (trx) => {
        for (let i = 0; i < 100; i++) await createAccount(trx, `cp-${batch}-${i}`, `${padding}${i}`);
      });
    }
    await waitUntil(() => fs.statSync(file).size >= before + 2_000_000 || undefined, { what: 'the database file to hold the checkpointed pages' });
    // What the thread copied is what was committed: a connection of another process reads it all.
    const other = openDatabase(t.url);
    try {
      const row = await other.db
        .selectFrom('accounts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('slug', 'like', 'cp-%')
        .executeTakeFirstOrThrow();
      expect(Number(row.n)).toBe(1000);
    } finally {
      await other.close();
    }
  });

  it('stops its thread', async () => {
    await checkpointer!.stop();
    const size = fs.statSync(file).size;
    await inWriteTransaction(t.db, async (trx) => {
      for (let i = 0; i < 200; i++) await createAccount(trx, `after-stop-${i}`, 'y'.repeat(2000));
    });
    // Eight of the thread's periods in which nothing may copy the pages: the wait is what is tested; test-rules: allow sleep
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Nothing copies the new pages now (the server connection's backstop is far away): the file did not grow.
    expect(fs.statSync(file).size).toBe(size);
  });
});
