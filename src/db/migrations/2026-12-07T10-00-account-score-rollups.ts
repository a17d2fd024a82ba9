import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Account-level dashboard rollups in score_rollup_segments: the per-day score rollups summed over
// the whole account, without the location, evaluation and review-site dimensions (location_id 0,
// evaluation_id 0, reputation_source ''), per ISO week not split by month (grain 'aw', the
// Monday) and per calendar month (grain 'am', the 1st). A dashboard whose selection holds every
// location with answers reads these (~50 weeks x questions x sources a year) instead of the
// per-location segments. Backfilled from score_rollups.

type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const weekStart = pg ? sql`to_char(date_trunc('week', cast(day as date)), 'YYYY-MM-DD')` : sql`date(day, '-6 days', 'weekday 1')`;
  for (const [grain, period] of [
    ['aw', weekStart],
    ['am', sql`substr(day, 1, 8) || '01'`],
  ] as const) {
    await sql`
    insert into score_rollup_segments (account_id, grain, semantic_id, segment, source, location_id, evaluation_id, reputation_source,
      answer_count, scored_count, score_sum, promoters, passives, detractors)
    select account_id, ${grain}, semantic_id, segment, source, 0, 0, '',
      sum(answer_count), sum(scored_count), sum(score_sum), sum(promoters), sum(passives), sum(detractors)
    from (select r.*, ${period} as segment from score_rollups r) as days
    group by account_id, semantic_id, segment, source
  `.execute(db);
  }
}

export async function down(db: AnyDb): Promise<void> {
  await db.deleteFrom('score_rollup_segments').where('grain', 'in', ['aw', 'am']).execute();
}
