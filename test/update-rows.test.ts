import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../src/core/accounts/accounts.js';
import { updateRowsById } from '../src/db/update-rows.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';

// The set-based UPDATE ... FROM (VALUES ...) of bulk writes: the same rows as one UPDATE per row.
describe.each(dialects())('updateRowsById on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t?.close());

  it('sets each row its own columns, nulls included, increments, and leaves other accounts and rows alone', async () => {
    const db = t.db;
    const [a, b] = [await createAccount(db, `upd-a-${dialect}`), await createAccount(db, `upd-b-${dialect}`)];
    const guest = (accountId: number, name: string) => ({
      account_id: accountId,
      name,
      email: `${name}@example.test`,
      custom_fields: '{}',
      details: '{}',
      version: 1,
      created_at: 1,
      updated_at: 1,
    });
    const rows = await db
      .insertInto('guests')
      .values([guest(a.id, 'ann'), guest(a.id, 'bo'), guest(a.id, 'cy'), guest(b.id, 'dee')])
      .returning(['id', 'name'])
      .execute();
    const id = (name: string) => Number(rows.find((r) => r.name === name)!.id);
    await updateRowsById(db, {
      table: 'guests',
      accountId: a.id,
      rows: [
        { id: id('ann'), set: { name: 'Ann', updated_at: 9_007_199_254_740 } },
        { id: id('bo'), set: { email: null, language: 'sv' } },
        // another account's row is never touched, whatever its id
        { id: id('dee'), set: { name: 'taken' } },
      ],
      types: { name: 'text', email: 'text', language: 'text', updated_at: 'bigint' },
      increment: { column: 'version', by: (guestId) => (guestId === id('ann') ? 2 : 1) },
    });
    const after = await db.selectFrom('guests').select(['name', 'email', 'language', 'version', 'updated_at']).orderBy('id').execute();
    expect(after.map((g) => ({ ...g, version: Number(g.version), updated_at: Number(g.updated_at) }))).toEqual([
      { name: 'Ann', email: 'ann@example.test', language: null, version: 3, updated_at: 9_007_199_254_740 },
      { name: 'bo', email: null, language: 'sv', version: 2, updated_at: 1 },
      { name: 'cy', email: 'cy@example.test', language: null, version: 1, updated_at: 1 },
      { name: 'dee', email: 'dee@example.test', language: null, version: 1, updated_at: 1 },
    ]);
    await expect(updateRowsById(db, { table: 'guests', accountId: a.id, rows: [{ id: id('cy'), set: { mobile: '1' } }], types: {} })).rejects.toThrow(
      'no type for column mobile',
    );
  });
});
