import type { Kysely } from 'kysely';

/*
 * One UPDATE ... RETURNING id that gives rows of one owner to another, for the modules' own
 * "reassign" functions (a guest merge moves stays, journey events, loops... each through the
 * module owning the table). The storage layer knows no table here: each module passes its own
 * table name as a literal, which scripts/check-tables.mjs reads like any other query.
 */

export interface Reassign {
  /** a table with an integer `id` and `account_id` */
  table: string;
  /** its column naming the owner, set from `from` to `to` */
  column: string;
  accountId: number;
  from: number;
  to: number;
  /** only rows whose `idColumn` is one of these (none: nothing moves); undefined: every row of `from` */
  ids?: readonly number[];
  /** the column `ids` are values of: `id` unless told (e.g. `stay_id`) */
  idColumn?: string;
  /** only rows with these column values */
  where?: Record<string, string | number>;
  /** set when the table is unique on (account_id, column, ...these): a row whose twin `to` already holds stays put */
  keepTwinsOn?: readonly string[];
}

/** How many ids one statement lists (SQLite's and PostgreSQL's parameter limits are far above). */
const CHUNK = 500;

/** Moves the rows `r` names from `r.from` to `r.to`; returns the ids of exactly the rows moved, ascending. */
export async function reassignRows<DB>(db: Kysely<DB>, r: Reassign): Promise<number[]> {
  if (r.ids && r.ids.length === 0) return [];
  const parts: Array<readonly number[] | undefined> = [];
  if (r.ids) for (let i = 0; i < r.ids.length; i += CHUNK) parts.push(r.ids.slice(i, i + CHUNK));
  else parts.push(undefined);
  const moved: number[] = [];
  for (const part of parts) {
    const rows: Array<{ id: number }> = await update(db as unknown as Kysely<any>, r, part)
      .returning('id')
      .execute();
    for (const row of rows) moved.push(Number(row.id));
  }
  return moved.sort((a, b) => a - b);
}

function update(db: Kysely<any>, r: Reassign, ids: readonly number[] | undefined) {
  let query = db
    .updateTable(r.table)
    .set({ [r.column]: r.to })
    .where('account_id', '=', r.accountId)
    .where(r.column, '=', r.from);
  if (ids) query = query.where(r.idColumn ?? 'id', 'in', ids);
  for (const [column, value] of Object.entries(r.where ?? {})) query = query.where(column, '=', value);
  const twins = r.keepTwinsOn;
  if (twins?.length) {
    query = query.where(({ not, exists, selectFrom }) =>
      not(
        exists(
          twins.reduce(
            (q, c) => q.whereRef(`twin.${c}`, '=', `${r.table}.${c}`),
            selectFrom(`${r.table} as twin`).select('twin.id').where('twin.account_id', '=', r.accountId).where(`twin.${r.column}`, '=', r.to),
          ),
        ),
      ),
    );
  }
  return query;
}
