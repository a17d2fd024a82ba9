import { type Kysely, sql } from 'kysely';
import { isPostgres, type Db } from './database.js';
import { isUniqueViolation } from './errors.js';

/*
 * Ids a face shows that the hotel brought from the product it leaves (DESIGN.md, "Guest
 * identity"; issue 11), kept on the row they name: `loop_id` (Loop's 24-hex ids) and `loopon_id`
 * (Loopon's integers), unique per account. A row without one is shown under the face's own
 * rendering of its key. The storage layer knows no table here: each module passes its own table
 * name as a literal, which scripts/check-tables.mjs reads like any other query.
 */

export type FaceIdColumn = 'loop_id' | 'loopon_id';

export type Face = 'loop' | 'loopon';

export interface FaceIdRef {
  /** a table with an integer `id`, `account_id` and the face id `column` */
  table: string;
  column: FaceIdColumn;
  accountId: number;
}

/**
 * Names the table of a face id lookup. Modules call it with their own table as a literal, which
 * scripts/check-tables.mjs checks like any query.
 */
export function faceIdTable(ref: { table: string; face: Face; accountId: number }): FaceIdRef {
  return { table: ref.table, column: ref.face === 'loop' ? 'loop_id' : 'loopon_id', accountId: ref.accountId };
}

/**
 * The row a face id names in an account: the row that kept `kept`, or the row whose own key is
 * `native` (the id decoded in the face's own form). A row that kept an imported id is shown under
 * it, and still answers to the name the face gave it before the import (a device may have stored
 * that one); keepFaceId makes sure the two kinds of names never name two rows.
 */
export async function rowIdByFaceId(db: Db, ref: FaceIdRef, kept: string | number | undefined, native: number | undefined): Promise<number | undefined> {
  if (kept === undefined && native === undefined) return undefined;
  const k = db as unknown as Kysely<any>;
  const row = await k
    .selectFrom(ref.table)
    .select('id')
    .where('account_id', '=', ref.accountId)
    .where((eb) => eb.or([...(kept === undefined ? [] : [eb(ref.column, '=', kept)]), ...(native === undefined ? [] : [eb('id', '=', native)])]))
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.id) : undefined;
}

/** Face ids (kept, else the row's own key for the caller to render) of the rows `ids` names. */
export async function faceIdsOf(db: Db, ref: FaceIdRef, ids: readonly number[]): Promise<Map<number, string | number | null>> {
  const out = new Map<number, string | number | null>();
  if (ids.length === 0) return out;
  const k = db as unknown as Kysely<any>;
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await k
      .selectFrom(ref.table)
      .select(['id', ref.column])
      .where('account_id', '=', ref.accountId)
      .where('id', 'in', unique.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(Number(r.id), r[ref.column] ?? null);
  }
  return out;
}

/** Every kept face id of the table in an account, by row id (imported configuration: a few hundred rows). */
export async function keptFaceIds(db: Db, ref: FaceIdRef): Promise<Map<number, string | number>> {
  const k = db as unknown as Kysely<any>;
  const rows = await k.selectFrom(ref.table).select(['id', ref.column]).where('account_id', '=', ref.accountId).where(ref.column, 'is not', null).execute();
  return new Map(rows.map((r) => [Number(r.id), r[ref.column]]));
}

export type KeepResult = { ok: true; changed: boolean } | { ok: false; reason: string };

/**
 * Keeps `value` as the face id of row `rowId`. `native` is the key `value` names in the face's
 * own form (undefined when it is in no such form). Refused, with a reason, when it would give one
 * id two rows of the account or a row two ids: another row kept it, the row kept another, or it
 * is the face's own name of another row. A Loopon (integer) id moves the table's key sequence past
 * it, so rows created later are shown under keys above every kept id and never collide with one.
 * Run it in the transaction that writes the row.
 */
export async function keepFaceId(db: Db, ref: FaceIdRef, rowId: number, value: string | number, native: number | undefined): Promise<KeepResult> {
  const k = db as unknown as Kysely<any>;
  const current = await k.selectFrom(ref.table).select(ref.column).where('account_id', '=', ref.accountId).where('id', '=', rowId).executeTakeFirst();
  if (!current) return { ok: false, reason: 'no such row' };
  const held = current[ref.column];
  if (held !== null && held !== undefined) {
    return held === value ? { ok: true, changed: false } : { ok: false, reason: `it already keeps the id ${held}, which cannot change` };
  }
  const holder = await k.selectFrom(ref.table).select('id').where('account_id', '=', ref.accountId).where(ref.column, '=', value).executeTakeFirst();
  if (holder) return { ok: false, reason: `${value} is already the id of another row of the account` };
  if (ref.column === 'loopon_id') await moveKeysPast(db, ref.table, Number(value));
  if (native !== undefined && native !== rowId) {
    if (ref.column === 'loop_id') return { ok: false, reason: `${value} is in Openstay's own form for another row` };
    const other = await k.selectFrom(ref.table).select('id').where('account_id', '=', ref.accountId).where('id', '=', native).executeTakeFirst();
    if (other) return { ok: false, reason: `${value} is already the id of another row of the account` };
  }
  try {
    await k
      .updateTable(ref.table)
      .set({ [ref.column]: value })
      .where('account_id', '=', ref.accountId)
      .where('id', '=', rowId)
      .execute();
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false, reason: `${value} is already the id of another row of the account` };
    throw err;
  }
  return { ok: true, changed: true };
}

/** Moves the next key of `table` above `value` (PostgreSQL: its serial sequence; SQLite: AUTOINCREMENT's counter). */
async function moveKeysPast(db: Db, table: string, value: number): Promise<void> {
  if (isPostgres(db)) {
    // setval is not transactional: a rollback leaves the sequence moved, which only skips keys.
    await sql`select setval(q.s::regclass, greatest(${value}::bigint, nextval(q.s::regclass))) from (select pg_get_serial_sequence(${table}, 'id') as s) q`.execute(
      db,
    );
    return;
  }
  await sql`update sqlite_sequence set seq = max(seq, ${value}) where name = ${table}`.execute(db);
  await sql`insert into sqlite_sequence (name, seq) select ${table}, ${value} where not exists (select 1 from sqlite_sequence where name = ${table})`.execute(
    db,
  );
}

/**
 * Lets rows give up their kept ids of one face, for the rows that take their place: a survey's
 * questions are rows of one question set, and a new version of the questions carries the ids on.
 */
export async function releaseFaceIds(db: Db, ref: FaceIdRef, rowIds: readonly number[]): Promise<void> {
  if (rowIds.length === 0) return;
  const k = db as unknown as Kysely<any>;
  await k
    .updateTable(ref.table)
    .set({ [ref.column]: null })
    .where('account_id', '=', ref.accountId)
    .where('id', 'in', [...rowIds])
    .execute();
}
