import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Dashboard rollups: the per-day score rollups summed over "segments" (grain 's'), the days of one
// ISO week (Monday to Sunday) within one calendar month, so a segment lies inside exactly one week
// and one month and both groupings read it exactly (a year is ~64 segments instead of 365 days),
// and over calendar months (grain 'm', 12 a year) for totals and monthly trends. The primary key
// leads with the grain, semantic id and period (the trend reads them in key order); a second index
// leads with the grain and location and carries the counts (scores by location read only it).
// On SQLite the table is WITHOUT ROWID: the key is the table, no lookup from index to row.
// Backfilled from score_rollups in one statement.

type AnyDb = Kysely<any>;

const COUNTS = ['answer_count', 'scored_count', 'score_sum', 'promoters', 'passives', 'detractors'];

export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  let create = db.schema
    .createTable('score_rollup_segments')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('grain', 'text', (c) => c.notNull())
    .addColumn('semantic_id', 'integer', (c) => c.notNull())
    .addColumn('segment', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('location_id', 'integer', (c) => c.notNull())
    .addColumn('evaluation_id', 'integer', (c) => c.notNull())
    .addColumn('reputation_source', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('answer_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('scored_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('score_sum', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('promoters', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('passives', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('detractors', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('score_rollup_segments_pk', [
      'account_id',
      'grain',
      'semantic_id',
      'segment',
      'source',
      'location_id',
      'evaluation_id',
      'reputation_source',
    ]);
  if (!pg) create = create.modifyEnd(sql`without rowid`);
  await create.execute();
  await db.schema
    .createIndex('score_rollup_segments_location')
    .on('score_rollup_segments')
    .columns(['account_id', 'grain', 'location_id', 'semantic_id', 'segment', 'source', ...COUNTS])
    .execute();

  const weekStart = pg ? sql`to_char(date_trunc('week', cast(day as date)), 'YYYY-MM-DD')` : sql`date(day, '-6 days', 'weekday 1')`;
  const segment = pg ? sql`greatest(${weekStart}, substr(day, 1, 8) || '01')` : sql`max(${weekStart}, substr(day, 1, 8) || '01')`;
  for (const [grain, period] of [
    ['s', segment],
    ['m', sql`substr(day, 1, 8) || '01'`],
  ] as const) {
    await sql`
    insert into score_rollup_segments (account_id, grain, semantic_id, segment, source, location_id, evaluation_id, reputation_source,
      answer_count, scored_count, score_sum, promoters, passives, detractors)
    select account_id, ${grain}, semantic_id, segment, source, location_id, evaluation_id, reputation_source,
      sum(answer_count), sum(scored_count), sum(score_sum), sum(promoters), sum(passives), sum(detractors)
    from (select r.*, ${period} as segment from score_rollups r) as days
    group by account_id, semantic_id, segment, source, location_id, evaluation_id, reputation_source
  `.execute(db);
  }
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('score_rollup_segments').ifExists().execute();
}
