import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { tableReferences } from '../scripts/check-tables.mjs';

/* scripts/check-tables.mjs reads the table a module passes to a table-agnostic db helper (reassignRows). */

const tables = ['stays', 'loops', 'guests'];

describe('check-tables and reassignRows', () => {
  it('names the literal table of a reassignRows call, and flags one in a variable', () => {
    const refs = tableReferences(
      `export const a = (db: any) => reassignRows(db, { table: 'stays', column: 'guest_id', accountId: 1, from: 1, to: 2 });
export const b = (db: any, table: string) => reassignRows(db, { table, column: 'guest_id', accountId: 1, from: 1, to: 2 });
export const c = (db: any, t: string) => reassignRows(db, { column: 'x', table: t, accountId: 1, from: 1, to: 2, where: { table: 'loops' } });
// reassignRows(db, { table: 'guests' }) in a comment is prose\n`,
      tables,
    );
    expect(refs).toEqual([
      { table: 'stays', line: 1, how: 'reassignRows' },
      { table: null, line: 2, how: 'reassignRows(<variable>)' },
      { table: null, line: 3, how: 'reassignRows(<variable>)' },
    ]);
  });
});
