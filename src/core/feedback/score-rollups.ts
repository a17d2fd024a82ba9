import { sql } from 'kysely';
import { isPostgres, type Db } from '../../db/database.js';
import type { AnswerDocument, ScoreRollupsTable } from '../../db/schema.js';
import { utcDay } from './dates.js';
import type { NpsSegment } from './question-sets.js';
import { applySegmentRollups, rebuildSegmentRollups } from './score-segments.js';

/*
 * Per-day score rollups: one row per unit, evaluation, semantic id, day, source and review site
 * with the counts a score needs. Every write of answers or of what keys them (checkout date,
 * source, unit) applies its difference here in the same transaction, so a score reads a few
 * hundred rollup rows instead of the answers. The day is the checkout date, or for feedback with
 * no stay behind it (kiosks, web links) the UTC day it was received.
 */

/** What of an answer counts towards scores. */
export interface RollupAnswer {
  semanticId: number | null;
  score: number | null;
  segment: NpsSegment | null;
}

type RollupKeyDocument = Pick<AnswerDocument, 'location_id' | 'evaluation_id' | 'source' | 'reputation_source' | 'checkout_date' | 'received_at'>;

/** One rollup row, or a delta to add to one. */
export type RollupRow = ScoreRollupsTable;

const PK = ['account_id', 'location_id', 'semantic_id', 'day', 'evaluation_id', 'source', 'reputation_source'] as const;

/** The day a document's answers count on: its checkout date, else the day it was received. */
export function rollupDay(doc: Pick<AnswerDocument, 'checkout_date' | 'received_at'>): string {
  return doc.checkout_date ?? utcDay(doc.received_at);
}

/**
 * The NPS segment of an answer: its option's, else, for the NPS question (semantic id 0)
 * answered with a number from 0 to 10, promoter 9-10, passive 7-8, detractor 0-6.
 */
export function answerSegment(semanticId: number | null, optionSegment: string | null | undefined, numberValue: number | null | undefined): NpsSegment | null {
  if (optionSegment === 'promoter' || optionSegment === 'passive' || optionSegment === 'detractor') return optionSegment;
  if (semanticId === 0 && typeof numberValue === 'number' && numberValue >= 0 && numberValue <= 10) {
    return numberValue >= 9 ? 'promoter' : numberValue >= 7 ? 'passive' : 'detractor';
  }
  return null;
}

/** Adds a document's answers (sign 1) or takes them away (sign -1) into `into`, keyed by rollup row. */
export function addContributions(into: Map<string, RollupRow>, accountId: number, doc: RollupKeyDocument, answers: RollupAnswer[], sign: 1 | -1): void {
  const day = rollupDay(doc);
  const reputationSource = doc.reputation_source ?? '';
  for (const a of answers) {
    if (a.semanticId === null) continue;
    const key = [doc.location_id, doc.evaluation_id, a.semanticId, day, doc.source, reputationSource].join('\u0000');
    let row = into.get(key);
    if (!row) {
      row = {
        account_id: accountId,
        location_id: doc.location_id,
        evaluation_id: doc.evaluation_id,
        semantic_id: a.semanticId,
        day,
        source: doc.source,
        reputation_source: reputationSource,
        answer_count: 0,
        scored_count: 0,
        score_sum: 0,
        promoters: 0,
        passives: 0,
        detractors: 0,
      };
      into.set(key, row);
    }
    row.answer_count += sign;
    if (a.score !== null) {
      row.scored_count += sign;
      row.score_sum += sign * a.score;
    }
    if (a.segment === 'promoter') row.promoters += sign;
    if (a.segment === 'passive') row.passives += sign;
    if (a.segment === 'detractor') row.detractors += sign;
  }
}

/**
 * Applies rollup differences with one upsert that adds them to the stored counts. Rows are
 * sorted by key so concurrent writers lock rollup rows in the same order (no deadlocks).
 */
export async function applyRollups(db: Db, deltas: Map<string, RollupRow>): Promise<void> {
  const rows = [...deltas.entries()]
    .filter(([, r]) => r.answer_count !== 0 || r.scored_count !== 0 || r.score_sum !== 0 || r.promoters !== 0 || r.passives !== 0 || r.detractors !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r);
  if (rows.length === 0) return;
  await db
    .insertInto('score_rollups')
    .values(rows)
    .onConflict((oc) =>
      oc.columns([...PK]).doUpdateSet({
        answer_count: sql`score_rollups.answer_count + excluded.answer_count`,
        scored_count: sql`score_rollups.scored_count + excluded.scored_count`,
        score_sum: sql`score_rollups.score_sum + excluded.score_sum`,
        promoters: sql`score_rollups.promoters + excluded.promoters`,
        passives: sql`score_rollups.passives + excluded.passives`,
        detractors: sql`score_rollups.detractors + excluded.detractors`,
      }),
    )
    .execute();
  await applySegmentRollups(db, rows);
}

/** What the stored answers of a document contribute, read back for a change. */
export async function storedRollupAnswers(db: Db, accountId: number, documentId: number): Promise<RollupAnswer[]> {
  const rows = await db
    .selectFrom('answers')
    .innerJoin('questions', 'questions.id', 'answers.question_id')
    .leftJoin('question_options', 'question_options.id', 'answers.option_id')
    .select(['questions.semantic_id', 'answers.score', 'answers.number_value', 'question_options.nps_segment'])
    .where('answers.account_id', '=', accountId)
    .where('answers.answer_document_id', '=', documentId)
    .execute();
  return rows.map((r) => ({ semanticId: r.semantic_id, score: r.score, segment: answerSegment(r.semantic_id, r.nps_segment, r.number_value) }));
}

/**
 * Reads a document for a change, locking its row on PostgreSQL (SQLite transactions already
 * write one at a time), so two concurrent changes cannot both take the same old contribution away.
 */
export async function lockAnswerDocument(db: Db, accountId: number, id: number): Promise<AnswerDocument | undefined> {
  const query = db.selectFrom('answer_documents').selectAll().where('account_id', '=', accountId).where('id', '=', id);
  return (isPostgres(db) ? query.forUpdate() : query).executeTakeFirst();
}

/**
 * Recomputes an account's rollups from its answers in one statement: for bulk loads that wrote
 * answers directly, and to repair. Run in a transaction; the result equals the incremental upkeep.
 */
export async function rebuildScoreRollups(db: Db, accountId: number): Promise<void> {
  const receivedDay = isPostgres(db)
    ? sql`to_char(to_timestamp(d.received_at / 1000.0) at time zone 'UTC', 'YYYY-MM-DD')`
    : sql`strftime('%Y-%m-%d', d.received_at / 1000, 'unixepoch')`;
  await db.deleteFrom('score_rollups').where('account_id', '=', accountId).execute();
  await sql`
    insert into score_rollups (account_id, location_id, evaluation_id, semantic_id, day, source, reputation_source,
      answer_count, scored_count, score_sum, promoters, passives, detractors)
    select account_id, location_id, evaluation_id, semantic_id, day, source, reputation_source,
      count(*), count(score), coalesce(sum(score), 0),
      sum(case when segment = 'promoter' then 1 else 0 end),
      sum(case when segment = 'passive' then 1 else 0 end),
      sum(case when segment = 'detractor' then 1 else 0 end)
    from (
      select d.account_id, d.location_id, d.evaluation_id, q.semantic_id,
        coalesce(d.checkout_date, ${receivedDay}) as day, d.source, coalesce(d.reputation_source, '') as reputation_source, a.score,
        coalesce(o.nps_segment, case when q.semantic_id = 0 and a.number_value >= 0 and a.number_value <= 10 then
          case when a.number_value >= 9 then 'promoter' when a.number_value >= 7 then 'passive' else 'detractor' end end) as segment
      from answers a
      join answer_documents d on d.id = a.answer_document_id
      join questions q on q.id = a.question_id
      left join question_options o on o.id = a.option_id
      where a.account_id = ${accountId} and q.semantic_id is not null
    ) as contributions
    group by account_id, location_id, evaluation_id, semantic_id, day, source, reputation_source
  `.execute(db);
  await rebuildSegmentRollups(db, accountId);
}
