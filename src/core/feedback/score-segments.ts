import { sql } from 'kysely';
import { isPostgres, type Db } from '../../db/database.js';
import type { ScoreRollupSegmentsTable, ScoreRollupsTable } from '../../db/schema.js';

type RollupRow = ScoreRollupsTable;

/*
 * Segment rollups for the dashboards: the per-day rollups summed over segments, the days of one
 * ISO week (Monday to Sunday) inside one calendar month. A segment lies in exactly one week and one
 * month, so grouping by week or by month reads it exactly, and a year is ~64 segments instead of
 * 365 days; and over calendar months (grain 'm'), 12 a year, for totals and monthly trends. Kept with the day rollups:
 * every difference applied to score_rollups is applied here in the same statement sequence.
 * The same table holds the account-level rollups: the whole account without the location,
 * evaluation and review-site dimensions (location_id 0, evaluation_id 0, reputation_source ''),
 * per ISO week not split by month (grain 'aw') and per calendar month (grain 'am'), read when a
 * dashboard's selection holds every location with answers (a year: ~53 weeks x questions x sources).
 */

const DAY_MS = 86_400_000;

/** Monday of the ISO week of `day` (YYYY-MM-DD). */
export function weekStart(day: string): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7;
  return new Date(ms - weekday * DAY_MS).toISOString().slice(0, 10);
}

/** The first day of the segment `day` is in: its week's Monday, or the 1st of its month when that is later. */
export function segmentOf(day: string): string {
  const monday = weekStart(day);
  const first = `${day.slice(0, 8)}01`;
  return monday > first ? monday : first;
}

const PK = ['account_id', 'grain', 'semantic_id', 'segment', 'source', 'location_id', 'evaluation_id', 'reputation_source'] as const;

export type SegmentGrain = ScoreRollupSegmentsTable['grain'];
const GRAINS: readonly SegmentGrain[] = ['s', 'm', 'aw', 'am'];

/** Adds day-rollup differences to their segments, in key order (concurrent writers lock alike). */
export async function applySegmentRollups(db: Db, rows: RollupRow[]): Promise<void> {
  await upsertSegmentRows(db, segmentRowsOf(rows, GRAINS));
}

/** The segment rows of `grains` that day-rollup differences add to, sorted by key. */
export function segmentRowsOf(rows: RollupRow[], grains: readonly SegmentGrain[]): ScoreRollupSegmentsTable[] {
  const bySegment = new Map<string, RollupRow & { segment: string; grain: SegmentGrain }>();
  for (const r of rows) {
    const month = `${r.day.slice(0, 8)}01`;
    const periods = { s: segmentOf(r.day), m: month, aw: weekStart(r.day), am: month };
    for (const grain of grains) {
      const segment = periods[grain];
      const account = grain === 'aw' || grain === 'am';
      const at = account ? { location_id: 0, evaluation_id: 0, reputation_source: '' } : r;
      const key = [grain, r.semantic_id, segment, r.source, at.location_id, at.evaluation_id, at.reputation_source].join('\u0000');
      const into = bySegment.get(key);
      if (!into) {
        bySegment.set(key, { ...r, ...(account ? at : {}), segment, grain });
        continue;
      }
      into.answer_count += r.answer_count;
      into.scored_count += r.scored_count;
      into.score_sum += r.score_sum;
      into.promoters += r.promoters;
      into.passives += r.passives;
      into.detractors += r.detractors;
    }
  }
  return [...bySegment.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, { day: _day, ...r }]) => r);
}

/** Adds segment rows to the stored counts with one upsert. */
export async function upsertSegmentRows(db: Db, values: ScoreRollupSegmentsTable[]): Promise<void> {
  if (values.length === 0) return;
  await db
    .insertInto('score_rollup_segments')
    .values(values)
    .onConflict((oc) =>
      oc.columns([...PK]).doUpdateSet({
        answer_count: sql`score_rollup_segments.answer_count + excluded.answer_count`,
        scored_count: sql`score_rollup_segments.scored_count + excluded.scored_count`,
        score_sum: sql`score_rollup_segments.score_sum + excluded.score_sum`,
        promoters: sql`score_rollup_segments.promoters + excluded.promoters`,
        passives: sql`score_rollup_segments.passives + excluded.passives`,
        detractors: sql`score_rollup_segments.detractors + excluded.detractors`,
      }),
    )
    .execute();
}

/** SQL: the Monday of the ISO week of a `day` column, as weekStart computes it. */
function weekStartSql(db: Db) {
  return isPostgres(db) ? sql`to_char(date_trunc('week', cast(day as date)), 'YYYY-MM-DD')` : sql`date(day, '-6 days', 'weekday 1')`;
}

/** SQL: the segment of a `day` column, as segmentOf computes it. */
export function segmentSql(db: Db) {
  return isPostgres(db) ? sql`greatest(${weekStartSql(db)}, substr(day, 1, 8) || '01')` : sql`max(${weekStartSql(db)}, substr(day, 1, 8) || '01')`;
}

/** Recomputes an account's segment rollups from its day rollups (after rebuildScoreRollups). */
export async function rebuildSegmentRollups(db: Db, accountId: number): Promise<void> {
  await db.deleteFrom('score_rollup_segments').where('account_id', '=', accountId).execute();
  for (const [grain, period] of [
    ['s', segmentSql(db)],
    ['m', sql`substr(day, 1, 8) || '01'`],
  ] as const) {
    await sql`
      insert into score_rollup_segments (account_id, grain, semantic_id, segment, source, location_id, evaluation_id, reputation_source,
        answer_count, scored_count, score_sum, promoters, passives, detractors)
      select account_id, ${grain}, semantic_id, segment, source, location_id, evaluation_id, reputation_source,
        sum(answer_count), sum(scored_count), sum(score_sum), sum(promoters), sum(passives), sum(detractors)
      from (select r.*, ${period} as segment from score_rollups r where r.account_id = ${accountId}) as days
      group by account_id, semantic_id, segment, source, location_id, evaluation_id, reputation_source
    `.execute(db);
  }
  for (const [grain, period] of [
    ['aw', weekStartSql(db)],
    ['am', sql`substr(day, 1, 8) || '01'`],
  ] as const) {
    await sql`
      insert into score_rollup_segments (account_id, grain, semantic_id, segment, source, location_id, evaluation_id, reputation_source,
        answer_count, scored_count, score_sum, promoters, passives, detractors)
      select account_id, ${grain}, semantic_id, segment, source, 0, 0, '',
        sum(answer_count), sum(scored_count), sum(score_sum), sum(promoters), sum(passives), sum(detractors)
      from (select r.*, ${period} as segment from score_rollups r where r.account_id = ${accountId}) as days
      group by account_id, semantic_id, segment, source
    `.execute(db);
  }
}
