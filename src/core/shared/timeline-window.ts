import { sql, type RawBuilder } from 'kysely';

/*
 * A window of a guest's timeline as each module reads its part of it (core/guest-profile/timeline.ts
 * composes them): the guest's ids, rows strictly before a point in (time desc, id desc) order, and
 * how many. Each module applies it to its own table with `beforeSql`.
 */

export interface TimelineWindow {
  /** the guest and, where a module keeps them apart, ids that stand for the same person */
  guestIds: number[];
  /** only rows with (at, id) < (before.at, before.id); id may be 0 (none at `at`) or MAX_SAFE_INTEGER (all at `at`) */
  before?: { at: number; id: number };
  /** at most this many rows, newest first; undefined: all of them (exports) */
  limit?: number;
}

/** SQL: the row at `atColumn`/`idColumn` is before the window's point (always true without one). */
export function beforeSql(window: TimelineWindow, atColumn: string, idColumn: string): RawBuilder<boolean> {
  if (!window.before) return sql<boolean>`1 = 1`;
  const at = sql.ref(atColumn);
  // Parameters cast to bigint: PostgreSQL would otherwise type them as the column (an integer id
  // cannot hold MAX_SAFE_INTEGER).
  const before = sql`cast(${window.before.at} as bigint)`;
  return sql<boolean>`(${at} < ${before} or (${at} = ${before} and ${sql.ref(idColumn)} < cast(${window.before.id} as bigint)))`;
}
