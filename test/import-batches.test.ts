import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../src/api/imports/import-batches.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

// runImport's `grown` hook (the planner statistics of a bulk import's tables, db/planner-statistics.ts):
// after the first batch that imported something, then each time this run's count has grown fourfold,
// always between batches (outside their transactions), and never for batches that imported nothing.

describe('runImport: refreshing statistics as the import grows', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it('calls grown after 10 imported lines, then at 40 and 160, not in between', async () => {
    const calls: Array<{ imported: number; inBatch: boolean }> = [];
    let imported = 0;
    let inBatch = false;
    const records = Array.from({ length: 200 }, (_, i) => ({ line: i + 1, value: i + 1 }));
    const result = await runImport<number>(
      database.db,
      records,
      {
        read: (value) => Number(value),
        async write(_trx, items) {
          inBatch = true;
          await Promise.resolve();
          imported += items.length;
          inBatch = false;
          return [];
        },
        async grown() {
          calls.push({ imported, inBatch });
        },
      },
      { batchSize: 10 },
    );
    expect(result.imported).toBe(200);
    expect(calls).toEqual([
      { imported: 10, inBatch: false },
      { imported: 40, inBatch: false },
      { imported: 160, inBatch: false },
    ]);
  });

  it('does not call grown while batches import nothing (every line failed to parse)', async () => {
    let calls = 0;
    const records = Array.from({ length: 30 }, (_, i) => ({ line: i + 1, value: i + 1 }));
    const result = await runImport<number>(
      database.db,
      records,
      {
        read: () => {
          throw new Error('not a contact');
        },
        write: async () => [],
        async grown() {
          calls++;
        },
      },
      { batchSize: 10 },
    );
    expect(result.failedCount).toBe(30);
    expect(calls).toBe(0);
  });
});
