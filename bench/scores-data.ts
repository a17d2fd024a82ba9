import { sql, type RawBuilder } from 'kysely';
import type { Db, Dialect } from '../src/db/database.js';
import { createAccountWithCredentials } from '../src/core/accounts/provision.js';
import { createOauthClient, grantClientCredentials } from '../src/core/accounts/oauth.js';
import { LOOPON_SCOPES } from '../src/api/loopon/context.js';
import { addDays, utcDay } from '../src/core/feedback/dates.js';
import { createEvaluation } from '../src/core/feedback/evaluations.js';
import { currentQuestionSet } from '../src/core/feedback/question-sets.js';
import { rebuildScoreRollups } from '../src/core/feedback/score-rollups.js';
import { setLocationDefaultEvaluation } from '../src/core/feedback/default-evaluation.js';
import { createLocation } from '../src/core/locations/locations.js';

/*
 * Bench data for the Loopon scores: a chain of three hotels sharing one evaluation (an NPS
 * question and a 1-5 rating with semantic id 1004), and `count` answer documents written with
 * set-based INSERT ... SELECT statements (no round trip per row), spread over two years of
 * checkout dates and mixed sources; then the rollups are rebuilt in one statement.
 */

export const DAYS = 730;
export const RATING_SEMANTIC_ID = 1004;

export interface BenchData {
  accountId: number;
  chainId: number;
  unitIds: number[];
  evaluationId: number;
  accessToken: string;
  /** seconds per step */
  timings: Record<string, number>;
}

/** The numbers 1..count as a row source `g(n)`. */
function series(dialect: Dialect, count: number): RawBuilder<unknown> {
  return dialect === 'postgres'
    ? sql`generate_series(1, ${sql.lit(count)}) as g(n)`
    : sql`(with recursive s(n) as (select 1 union all select n + 1 from s where n < ${sql.lit(count)}) select n from s) as g`;
}

/** 'YYYY-MM-DD' of `base` plus an integer SQL expression of days. */
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

/** Builds the account and writes `count` answer documents with their answers and rollups. */
export async function generateBenchData(db: Db, dialect: Dialect, count: number): Promise<BenchData> {
  const timings: Record<string, number> = {};
  const { account } = await createAccountWithCredentials(db, `bench-scores-${Date.now().toString(36)}`, 'Bench: Sea Hotels');
  const accountId = account.id;
  const chain = await createLocation(db, accountId, { title: { en: 'Sea Hotels' }, kind: 'chain' });
  const unitIds: number[] = [];
  for (const code of ['X01', 'X02', 'X03']) {
    unitIds.push((await createLocation(db, accountId, { title: { en: `Sea Hotel ${code}` }, parentId: chain.id, propertyCode: code })).id);
  }
  const evaluation = await db.transaction().execute((trx) =>
    createEvaluation(trx, accountId, {
      name: 'Stay',
      locationIds: unitIds,
      sections: [
        {
          questions: [
            { type: 'radio', title: { en: 'How likely is it that you would recommend our hotel?' }, semanticId: 0 },
            {
              type: 'radio',
              title: { en: 'I am satisfied with the restaurant' },
              semanticId: RATING_SEMANTIC_ID,
              options: [0, 0.25, 0.5, 0.75, 1].map((score, i) => ({ title: { en: `${i + 1}` }, score })),
            },
          ],
        },
      ],
    }),
  );
  for (const id of [chain.id, ...unitIds]) await setLocationDefaultEvaluation(db, accountId, id, evaluation.id);
  const set = (await currentQuestionSet(db, accountId, evaluation.id))!;
  const [nps, rating] = await db.selectFrom('questions').select('id').where('question_set_id', '=', set.id).orderBy('serial').execute();

  const first = addDays(utcDay(Date.now()), -(DAYS - 1));
  const firstMs = Date.parse(`${first}T00:00:00Z`);
  const n = sql`cast(g.n as bigint)`;
  const k = sql`((${n} * 7919) % ${sql.lit(DAYS)})`;
  const s = sql`((${n} * 31) % 20)`;
  const unit = sql`case ${n} % 3 when 0 then ${sql.lit(unitIds[0])} when 1 then ${sql.lit(unitIds[1])} else ${sql.lit(unitIds[2])} end`;
  const received = sql`(${sql.lit(firstMs)} + ${k} * 86400000 + 43200000 + (${n} % 43200) * 1000)`;
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
  const r = sql`((${id} * 69621) % 20)`;
  const stars = sql`case when ${r} < 8 then 5 when ${r} < 14 then 4 when ${r} < 17 then 3 when ${r} < 19 then 2 else 1 end`;
  const answersOf = (questionId: number, serial: RawBuilder<unknown>, where: RawBuilder<unknown>) => sql`
    insert into answers (account_id, answer_document_id, question_id, received_at, option_id, score)
    select d.account_id, d.id, ${sql.lit(questionId)}, d.received_at, o.id, o.score
    from answer_documents d
    join question_options o on o.account_id = d.account_id and o.question_id = ${sql.lit(questionId)} and o.serial = ${serial}
    where d.account_id = ${sql.lit(accountId)} and ${where}
  `;
  await timed(timings, 'nps answers', () => answersOf(nps.id, sql`(${npsValue}) + 1`, sql`1 = 1`).execute(db));
  await timed(timings, 'rating answers', () => answersOf(rating.id, stars, sql`(${id} * 16807) % 100 < 85`).execute(db));
  await timed(timings, 'analyze', () => sql`analyze`.execute(db));
  await timed(timings, 'rollups', () => db.transaction().execute((trx) => rebuildScoreRollups(trx, accountId)));

  const { client, clientSecret } = await createOauthClient(db, accountId, { scopes: ['basic', 'read_scores'], unitIds: null }, LOOPON_SCOPES);
  const { accessToken } = await grantClientCredentials(db, client.client_id, clientSecret, undefined, LOOPON_SCOPES);
  return { accountId, chainId: chain.id, unitIds, evaluationId: evaluation.id, accessToken, timings };
}
