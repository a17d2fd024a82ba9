import type { Db } from '../../db/database.js';
import type { QuestionSet } from '../../db/schema.js';

/** Every question set of an evaluation, oldest first: the survey's version history. */
export async function listQuestionSets(db: Db, accountId: number, evaluationId: number): Promise<QuestionSet[]> {
  return db.selectFrom('question_sets').selectAll().where('account_id', '=', accountId).where('evaluation_id', '=', evaluationId).orderBy('serial').execute();
}

/** The question sets in use of several evaluations in one query, for survey lists. */
export async function currentQuestionSets(db: Db, accountId: number, evaluationIds: number[]): Promise<QuestionSet[]> {
  if (evaluationIds.length === 0) return [];
  return db
    .selectFrom('question_sets')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('evaluation_id', 'in', evaluationIds)
    .where('superseded_at', 'is', null)
    .execute();
}
