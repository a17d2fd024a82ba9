import type { Db } from '../../db/database.js';
import { notFound } from '../shared/errors.js';
import type { FeedbackScope } from './evaluation-scope.js';
import { findQuestions, loadQuestionSetTrees, type QuestionSetTree } from './question-sets.js';

/** A question set of one of the scope's evaluations, with everything under it; else a 404. */
export async function getScopedQuestionSet(db: Db, accountId: number, scope: FeedbackScope, id: number): Promise<QuestionSetTree> {
  const set = await db.selectFrom('question_sets').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (!set || !scope.evaluationIds.includes(set.evaluation_id)) throw notFound('question set');
  const [tree] = await loadQuestionSetTrees(db, accountId, [set]);
  return tree;
}

/** A question (with its options) of one of the scope's evaluations; else a 404. */
export async function getScopedQuestion(db: Db, accountId: number, scope: FeedbackScope, id: number) {
  const [question] = await findQuestions(db, accountId, [id]);
  if (!question || !scope.evaluationIds.includes(question.evaluation_id)) throw notFound('question');
  return question;
}
