import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CompiledQuery } from 'kysely';
import { batchedWrite } from '../src/db/sqlite-write-batch.js';
import { executeCompiled } from '../src/db/held-connection.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

// The direct path is SQLite's group commit only (PostgreSQL never batches).
describe('statements on the connection a batch holds (sqlite)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    await t.db.executeQuery(CompiledQuery.raw('create table held_test (id integer primary key, v text unique)'));
  });
  afterAll(async () => t?.destroy());

  const insert = (v: string) => CompiledQuery.raw('insert into held_test (v) values (?)', [v]);
  const insertReturning = (v: string) => CompiledQuery.raw('insert into held_test (v) values (?) returning id, v', [v]);
  const select = CompiledQuery.raw('select id, v from held_test order by id');

  it('runs them without Kysely, with the results Kysely gives', async () => {
    const viaKysely = await t.db.executeQuery(insert('k1'));
    const results = await batchedWrite(t.db, {
      work: async (trx) => {
        const spy = vi.spyOn(trx, 'executeQuery');
        const written = await executeCompiled(trx, insert('d1'));
        const returned = await executeCompiled(trx, insertReturning('d2'));
        const rows = await executeCompiled(trx, select);
        expect(spy).not.toHaveBeenCalled();
        return { written, returned, rows };
      },
    });
    expect(Object.keys(results.written).sort()).toEqual(Object.keys(viaKysely).sort());
    expect(results.written.numAffectedRows).toBe(1n);
    expect(results.written.insertId).toBe(viaKysely.insertId! + 1n);
    expect(results.returned.rows).toEqual([{ id: Number(viaKysely.insertId) + 2, v: 'd2' }]);
    expect(results.rows.rows.map((r: any) => r.v)).toEqual(['k1', 'd1', 'd2']);
  });

  it('rejects (never throws) on a failing statement, and the batch undoes that write alone', async () => {
    const failing = batchedWrite(t.db, {
      work: async (trx) => {
        await executeCompiled(trx, insert('f1'));
        const attempt = executeCompiled(trx, insert('f1'));
        expect(attempt).toBeInstanceOf(Promise);
        await attempt;
      },
    });
    const other = batchedWrite(t.db, { work: (trx) => executeCompiled(trx, insert('f2')) });
    await expect(failing).rejects.toThrow(/UNIQUE/);
    await expect(other).resolves.toMatchObject({ numAffectedRows: 1n });
    const values = (await t.db.executeQuery<{ v: string }>(select)).rows.map((r) => r.v);
    expect(values).toContain('f2');
    expect(values).not.toContain('f1');
  });

  it('goes through Kysely for the root database and once the batch is over', async () => {
    const spy = vi.spyOn(t.db, 'executeQuery');
    await executeCompiled(t.db, select);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    let kept: typeof t.db | undefined;
    await batchedWrite(t.db, {
      work: async (trx) => {
        kept = trx;
      },
    });
    const late = vi.spyOn(kept!, 'executeQuery').mockResolvedValue({ rows: [] });
    await executeCompiled(kept!, select);
    expect(late).toHaveBeenCalledTimes(1);
  });
});
