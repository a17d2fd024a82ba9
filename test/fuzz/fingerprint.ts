import { sql } from 'kysely';
import type { Db, Dialect } from '../../src/db/database.js';

/**
 * The tables a face's request can change (every table the faces and the admin API write): a
 * rejected request must leave each exactly as it was. New tables other work adds
 * later (jobs, idempotency keys) are deliberately not here: what they hold after a 4xx is theirs.
 */
export const FINGERPRINTED_TABLES = [
  'accounts',
  'credentials',
  'locations',
  'loop_types',
  'custom_fields',
  'employees',
  'guests',
  'guest_keys',
  'identity_blocklist',
  'guest_matches',
  'guest_merges',
  'guest_revisions',
  'guest_tombstones',
  'stays',
  'journey_events',
  'loops',
  'loop_activities',
  'evaluations',
  'evaluation_locations',
  'question_sets',
  'question_sections',
  'questions',
  'question_options',
  'answer_documents',
  'answers',
  'oauth_clients',
  'oauth_tokens',
  'stay_callbacks',
  'stay_links',
  'chat_sessions',
  'chat_events',
  'score_rollups',
  'review_questions',
  'reviews',
  'review_ratings',
  'reputation_snapshots',
  'competitive_sets',
  'competitive_set_members',
  'loyalty_programs',
  'loyalty_api_users',
  'loyalty_api_sessions',
  'loyalty_levels',
  'loyalty_members',
  'loyalty_operations',
  'loyalty_lot_moves',
  'loyalty_products',
  'loyalty_reset_tokens',
] as const;

/**
 * Installs, in a test database only, a row-level trigger on each table that counts the rows
 * written (inserted, updated, deleted) in `fuzz_writes`. Reading those counters is the cheap
 * fingerprint: a rejected request must not have written a row that stayed written (a rolled-back
 * write rolls its count back too). Stricter than comparing contents: a write of the same values
 * counts, which is what a request refused before it acts should never do either.
 */
export async function installWriteCounters(db: Db, dialect: Dialect, tables: readonly string[] = FINGERPRINTED_TABLES): Promise<void> {
  await sql`create table fuzz_writes (name text primary key, n integer not null)`.execute(db);
  for (const table of tables) await sql`insert into fuzz_writes (name, n) values (${table}, 0)`.execute(db);
  const statements = dialect === 'postgres' ? postgresCounters(tables) : sqliteCounters(tables);
  for (const statement of statements) await statement.execute(db);
}

function postgresCounters(tables: readonly string[]) {
  return [
    sql`create function fuzz_count_write() returns trigger language plpgsql as $$
      begin update fuzz_writes set n = n + 1 where name = TG_TABLE_NAME; return null; end $$`,
    ...tables.map(
      (table) => sql`create trigger ${sql.id(`fuzz_${table}`)} after insert or update or delete on ${sql.table(table)}
        for each row execute function fuzz_count_write()`,
    ),
  ];
}

function sqliteCounters(tables: readonly string[]) {
  return tables.flatMap((table) =>
    ['insert', 'update', 'delete'].map(
      (event) => sql`create trigger ${sql.id(`fuzz_${table}_${event}`)} after ${sql.raw(event)} on ${sql.table(table)}
        begin update fuzz_writes set n = n + 1 where name = ${sql.lit(table)}; end`,
    ),
  );
}

/** The write counters of every table; compare two to see which tables were written in between. */
export async function fingerprint(db: Db): Promise<Record<string, number>> {
  const { rows } = await sql<{ name: string; n: number }>`select name, n from fuzz_writes`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
}

/** The tables written between two fingerprints. */
export function changedTables(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys(before).filter((table) => before[table] !== after[table]);
}
