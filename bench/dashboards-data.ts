import { sql, type RawBuilder } from 'kysely';
import type { Db, Dialect } from '../src/db/database.js';
import { createAccountWithCredentials } from '../src/core/accounts/provision.js';
import { createEvaluation } from '../src/core/feedback/evaluations.js';
import { currentQuestionSet } from '../src/core/feedback/question-sets.js';
import { rebuildScoreRollups } from '../src/core/feedback/score-rollups.js';
import { createLocation } from '../src/core/locations/locations.js';

/*
 * Bench data for the dashboards: a chain of `hotels` hotels sharing one survey (the NPS question
 * and four 1-5 ratings, semantic ids 1001-1004), and `perHotel` answer documents per hotel with
 * checkout dates spread over the year YEAR, sources mixed as a hotel's are (70 % post-stay e-mail).
 * Written with set-based INSERT ... SELECT statements (no round trip per row), then the rollups
 * (day and segment) rebuilt in one transaction.
 */

export const YEAR = 2025;
export const RATINGS = [1001, 1002, 1003, 1004];

export interface DashboardBenchData {
  accountId: number;
  adminToken: string;
  chainId: number;
  unitIds: number[];
  documents: number;
  timings: Record<string, number>;
}

/** The numbers 1..count as a row source `g(n)`. */
function series(dialect: Dialect, count: number): RawBuilder<unknown> {
  return dialect === 'postgres'
    ? sql`generate_series(1, ${sql.lit(count)}) as g(n)`
    : sql`(with recursive s(n) as (select 1 union all select n + 1 from s where n < ${sql.lit(count)}) select n from s) as g`;
}

function dayPlus(dialect: Dialect, base: string, days: RawBuilder<unknown>): RawBuilder<unknown> {
  return dialect === 'postgres'
    ? sql`to_char(date ${sql.lit(base)} + cast(${days} as integer), 'YYYY-MM-DD')`
    : sql`date(julianday(${sql.lit(base)}) + ${days})`;
}

async function timed<T>(timings: Record<string, number>, step: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  timings[step] = (performance.now() - started) / 1000;
  return result;
}

/** Builds the account and writes hotels x perHotel answer documents with their answers and rollups. */
export async function generateDashboardData(db: Db, dialect: Dialect, hotels: number, perHotel: number): Promise<DashboardBenchData> {
  const timings: Record<string, number> = {};
  const { account, adminToken } = await createAccountWithCredentials(db, `bench-dash-${Date.now().toString(36)}`, 'Bench: Fifty Hotels');
  const accountId = account.id;
  const chain = await createLocation(db, accountId, { title: { en: 'Fifty Hotels' }, kind: 'chain' });
  const unitIds: number[] = [];
  for (let i = 1; i <= hotels; i++) {
    unitIds.push((await createLocation(db, accountId, { title: { en: `Hotel ${i}` }, parentId: chain.id, propertyCode: `H${i}` })).id);
  }
  const rating = (semanticId: number) => ({
    type: 'radio' as const,
    title: { en: `Rating ${semanticId}` },
    semanticId,
    options: [0, 0.25, 0.5, 0.75, 1].map((score, i) => ({ title: { en: `${i + 1}` }, score })),
  });
  const evaluation = await db.transaction().execute((trx) =>
    createEvaluation(trx, accountId, {
      name: 'Stay',
      locationIds: unitIds,
      sections: [
        { questions: [{ type: 'radio', title: { en: 'How likely is it that you would recommend our hotel?' }, semanticId: 0 }, ...RATINGS.map(rating)] },
      ],
    }),
  );
  const set = (await currentQuestionSet(db, accountId, evaluation.id))!;
  const questions = await db.selectFrom('questions').select('id').where('question_set_id', '=', set.id).orderBy('serial').execute();

  const count = hotels * perHotel;
  const first = `${YEAR}-01-01`;
  const firstMs = Date.parse(`${first}T00:00:00Z`);
  const n = sql`cast(g.n as bigint)`;
  // The hotel is n % hotels; the day and the source come from the document's rank within its hotel
  // (n / hotels), so every hotel gets every day of the year and every source.
  const m = sql`(${n} / ${sql.lit(hotels)})`;
  const k = sql`((${m} * 7919) % 365)`;
  const s = sql`((${m} * 31 + ${n}) % 20)`;
  const unit = sql.raw(`case (g.n % ${hotels}) ${unitIds.map((id, i) => `when ${i} then ${id}`).join(' ')} end`);
  const received = sql`(${sql.lit(firstMs)} + ${k} * 86400000 + 43200000 + (${m} % 43200) * 1000)`;
  await timed(timings, 'documents', () =>
    sql`
      insert into answer_documents (account_id, evaluation_id, location_id, status, reservation, source, reputation_source,
        checkin_date, checkout_date, sent_at, response_rate, received_at, updated_at)
      select ${sql.lit(accountId)}, ${sql.lit(evaluation.id)}, ${unit}, 'answered', 'R' || cast(g.n as text),
        case when ${s} < 14 then 'poststay' when ${s} = 14 then 'prestay' when ${s} = 15 then 'instay'
             when ${s} < 18 then 'public' when ${s} = 18 then 'manual' else 'reputation' end,
        case when ${s} = 19 then (case when ${n} % 2 = 0 then 'tripadvisor' else 'booking' end) end,
        ${dayPlus(dialect, first, sql`${k} - 2`)}, ${dayPlus(dialect, first, k)}, ${received} - 3600000, 1, ${received}, ${received}
      from ${series(dialect, count)}
    `.execute(db),
  );

  const id = sql`cast(d.id as bigint)`;
  const h = sql`((${id} * 48271) % 100)`;
  const npsValue = sql`case when ${h} < 45 then 10 when ${h} < 65 then 9 when ${h} < 78 then 8 when ${h} < 86 then 7 else ${h} % 7 end`;
  const answersOf = (questionId: number, serial: RawBuilder<unknown>, where: RawBuilder<unknown>) => sql`
    insert into answers (account_id, answer_document_id, question_id, received_at, option_id, score)
    select d.account_id, d.id, ${sql.lit(questionId)}, d.received_at, o.id, o.score
    from answer_documents d
    join question_options o on o.account_id = d.account_id and o.question_id = ${sql.lit(questionId)} and o.serial = ${serial}
    where d.account_id = ${sql.lit(accountId)} and ${where}
  `;
  await timed(timings, 'nps answers', () => answersOf(questions[0].id, sql`(${npsValue}) + 1`, sql`1 = 1`).execute(db));
  await timed(timings, 'rating answers', async () => {
    for (const [i, q] of questions.slice(1).entries()) {
      const r = sql`((${id} * ${sql.lit(69621 + i * 7)}) % 20)`;
      const stars = sql`case when ${r} < 8 then 5 when ${r} < 14 then 4 when ${r} < 17 then 3 when ${r} < 19 then 2 else 1 end`;
      await answersOf(q.id, stars, sql`(${id} * ${sql.lit(16807 + i)}) % 100 < 85`).execute(db);
    }
  });
  await timed(timings, 'analyze', () => sql`analyze`.execute(db));
  await timed(timings, 'rollups', () => db.transaction().execute((trx) => rebuildScoreRollups(trx, accountId)));
  // As autovacuum (PostgreSQL) or the server's periodic optimize would: statistics of the rollups.
  await timed(timings, 'analyze rollups', () => sql`analyze`.execute(db));
  return { accountId, adminToken, chainId: chain.id, unitIds, documents: count, timings };
}
