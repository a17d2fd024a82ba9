import { evaluationLocationIds, createEvaluation, findEvaluationByShortcode, findEvaluation, updateEvaluation } from '../../core/feedback/evaluations.js';
import { findFeedbackRowId, keepFeedbackFaceId, releaseQuestionFaceIds } from '../../core/feedback/face-ids.js';
import {
  currentQuestionSet,
  loadQuestionSetTrees,
  type QuestionDefinition,
  type QuestionType,
  type QuestionSetTree,
} from '../../core/feedback/question-sets.js';
import { badRequest } from '../../core/shared/errors.js';
import type { Db } from '../../db/database.js';
import { type Face, kept, type Outcome, resolveLocation, rowByIds } from './config-ids.js';
import type { FormerIds, SurveyRecord } from './config-records.js';

/*
 * A survey line: the evaluation, its locations and its questions (one section, in order). The
 * questions keep their former ids (Loop's categoryId, Loopon's questionId). Changing the questions
 * writes a new question set, as any change of a survey does, and its questions take the ids over.
 */

function definitions(r: SurveyRecord): QuestionDefinition[] {
  return r.questions.map((q) => ({
    type: q.type as QuestionType,
    title: q.text,
    placeholder: q.placeholder,
    semanticId: q.semanticId,
    ...(q.options ? { options: q.options.map((o) => ({ title: o.text, score: o.score })) } : {}),
  }));
}

/** True when the current questions are those of the line (options compared only when the line gives them). */
function sameQuestions(tree: QuestionSetTree | undefined, r: SurveyRecord): boolean {
  const current = (tree?.sections ?? []).flatMap((s) => s.questions);
  if (current.length !== r.questions.length) return false;
  return r.questions.every((q, i) => {
    const c = current[i];
    const sameOptions =
      q.options === null ||
      (c.options.length === q.options.length && q.options.every((o, oi) => c.options[oi].title === JSON.stringify(o.text) && c.options[oi].score === o.score));
    return (
      c.type === q.type &&
      c.title === JSON.stringify(q.text) &&
      c.placeholder === (q.placeholder ? JSON.stringify(q.placeholder) : null) &&
      c.semantic_id === q.semanticId &&
      sameOptions
    );
  });
}

async function currentTree(db: Db, accountId: number, evaluationId: number): Promise<QuestionSetTree | undefined> {
  const set = await currentQuestionSet(db, accountId, evaluationId);
  return set ? (await loadQuestionSetTrees(db, accountId, [set]))[0] : undefined;
}

async function keepIds(db: Db, accountId: number, kind: 'evaluation' | 'question', rowId: number, ids: FormerIds, what: string): Promise<boolean> {
  let changed = false;
  if (ids.loop !== undefined) changed = kept(await keepFeedbackFaceId(db, accountId, kind, 'loop', rowId, ids.loop, undefined), `${what}.loop`) || changed;
  if (ids.loopon !== undefined) {
    changed = kept(await keepFeedbackFaceId(db, accountId, kind, 'loopon', rowId, ids.loopon, ids.loopon), `${what}.loopon`) || changed;
  }
  return changed;
}

/** Creates, updates or leaves a survey as the line describes it. */
export async function applySurvey(db: Db, accountId: number, r: SurveyRecord): Promise<Outcome> {
  const locationIds = [...new Set(await Promise.all(r.locations.map((ref, i) => resolveLocation(db, accountId, ref, `locations[${i}]`))))];
  const finder = (face: Face, value: string | number) =>
    findFeedbackRowId(db, accountId, 'evaluation', face, value, face === 'loopon' ? (value as number) : undefined);
  let id = await rowByIds(r.ids, finder, 'survey');
  if (id === undefined && r.shortcode !== null) id = (await findEvaluationByShortcode(db, accountId, r.shortcode))?.id;
  const input = {
    shortcode: r.shortcode,
    name: r.title,
    description: r.description,
    questionOrderRandomized: r.questionOrderRandomized,
    locationIds,
  };
  let outcome: Outcome;
  let tree: QuestionSetTree | undefined;
  if (id === undefined) {
    id = (await createEvaluation(db, accountId, { ...input, sections: [{ questions: definitions(r) }] })).id;
    tree = await currentTree(db, accountId, id);
    outcome = 'create';
  } else {
    const before = await findEvaluation(db, accountId, id);
    tree = await currentTree(db, accountId, id);
    const linked = (await evaluationLocationIds(db, accountId, [id])).get(id) ?? [];
    const sameMeta =
      before !== undefined &&
      before.shortcode === r.shortcode &&
      before.name === r.title &&
      before.description === r.description &&
      before.question_order_randomized === (r.questionOrderRandomized ? 1 : 0) &&
      JSON.stringify([...linked].sort((a, b) => a - b)) === JSON.stringify([...locationIds].sort((a, b) => a - b));
    const same = sameQuestions(tree, r);
    if (!sameMeta || !same) {
      const old = (tree?.sections ?? []).flatMap((s) => s.questions.map((q) => q.id));
      await updateEvaluation(db, accountId, id, same ? input : { ...input, sections: [{ questions: definitions(r) }] });
      if (!same) {
        // The new version's questions take over the ids the clients know.
        await releaseQuestionFaceIds(db, accountId, 'loop', old);
        await releaseQuestionFaceIds(db, accountId, 'loopon', old);
        tree = await currentTree(db, accountId, id);
      }
    }
    outcome = sameMeta && same ? 'unchanged' : 'update';
  }
  let newIds = await keepIds(db, accountId, 'evaluation', id, r.ids, 'ids');
  const questions = (tree?.sections ?? []).flatMap((s) => s.questions);
  if (questions.length !== r.questions.length) throw badRequest('the survey was stored with another number of questions than the line gives');
  for (const [i, q] of r.questions.entries()) newIds = (await keepIds(db, accountId, 'question', questions[i].id, q.ids, `questions[${i}].ids`)) || newIds;
  return outcome === 'unchanged' && newIds ? 'update' : outcome;
}
