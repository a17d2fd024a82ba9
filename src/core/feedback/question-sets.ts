import type { Db } from '../../db/database.js';
import type { Question, QuestionOption, QuestionSection, QuestionSet } from '../../db/schema.js';
import { badRequest } from '../shared/errors.js';
import type { I18nText } from '../shared/json.js';

export type QuestionType = 'text' | 'radio' | 'checkbox' | 'number' | 'bool';
export const QUESTION_TYPES: QuestionType[] = ['text', 'radio', 'checkbox', 'number', 'bool'];
export type NpsSegment = 'promoter' | 'passive' | 'detractor';

export interface OptionDefinition {
  title: I18nText;
  score?: number | null;
  npsSegment?: NpsSegment | null;
}

export interface QuestionDefinition {
  type: QuestionType;
  title: I18nText;
  placeholder?: I18nText | null;
  /** stable meaning across question sets; 0 is the NPS question */
  semanticId?: number | null;
  departmentCode?: string | null;
  resourceCode?: string | null;
  facilityType?: string | null;
  options?: OptionDefinition[];
}

export interface SectionDefinition {
  title?: I18nText;
  questions: QuestionDefinition[];
}

/** A question set with everything under it, as the faces present it. */
export interface QuestionSetTree {
  set: QuestionSet;
  sections: Array<QuestionSection & { questions: Array<Question & { options: QuestionOption[] }> }>;
}

/** Options a question gets when none are given: yes/no for bool, 0-10 for the NPS question. */
function defaultOptions(q: QuestionDefinition): OptionDefinition[] {
  if (q.type === 'bool') {
    return [
      { title: { en: 'Yes' }, score: 1 },
      { title: { en: 'No' }, score: 0 },
    ];
  }
  if (q.type === 'radio' && q.semanticId === 0) {
    return Array.from({ length: 11 }, (_, n) => ({
      title: { en: String(n) },
      score: n / 10,
      npsSegment: (n >= 9 ? 'promoter' : n >= 7 ? 'passive' : 'detractor') as NpsSegment,
    }));
  }
  return [];
}

/** Checks a survey definition; a bad one is a 400 that names the question. */
export function validateSections(sections: SectionDefinition[]): void {
  if (sections.length === 0 || sections.every((s) => s.questions.length === 0)) throw badRequest('a survey needs at least one question');
  sections.forEach((section, si) => {
    section.questions.forEach((q, qi) => {
      const where = `sections[${si}].questions[${qi}]`;
      if (!QUESTION_TYPES.includes(q.type)) throw badRequest(`${where}.type must be one of ${QUESTION_TYPES.join(', ')}`);
      if (!q.title || Object.keys(q.title).length === 0) throw badRequest(`${where}.title is required`);
      const options = q.options ?? [];
      if ((q.type === 'radio' || q.type === 'checkbox') && options.length === 0 && q.semanticId !== 0) {
        throw badRequest(`${where} is a ${q.type} question and needs options`);
      }
      if ((q.type === 'text' || q.type === 'number') && options.length > 0) throw badRequest(`${where} is a ${q.type} question and takes no options`);
      options.forEach((o, oi) => {
        if (o.score !== undefined && o.score !== null && (o.score < 0 || o.score > 1)) {
          throw badRequest(`${where}.options[${oi}].score must be between 0 and 1`);
        }
      });
    });
  });
}

/**
 * Writes a new question set for an evaluation and supersedes the current one. Every change to a
 * survey goes through here, so answers keep pointing at the questions that were actually asked.
 */
export async function writeQuestionSet(db: Db, accountId: number, evaluationId: number, sections: SectionDefinition[], now = Date.now()): Promise<QuestionSet> {
  validateSections(sections);
  const current = await db
    .selectFrom('question_sets')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('evaluation_id', '=', evaluationId)
    .orderBy('serial', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (current && current.superseded_at === null) {
    await db.updateTable('question_sets').set({ superseded_at: now }).where('account_id', '=', accountId).where('id', '=', current.id).execute();
  }
  const set = await db
    .insertInto('question_sets')
    .values({ account_id: accountId, evaluation_id: evaluationId, serial: (current?.serial ?? 0) + 1, created_at: now, superseded_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  let questionSerial = 0;
  for (const [si, sectionDef] of sections.entries()) {
    const section = await db
      .insertInto('question_sections')
      .values({ account_id: accountId, question_set_id: set.id, serial: si + 1, title: JSON.stringify(sectionDef.title ?? {}) })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const q of sectionDef.questions) {
      const question = await db
        .insertInto('questions')
        .values({
          account_id: accountId,
          question_set_id: set.id,
          section_id: section.id,
          serial: ++questionSerial,
          title: JSON.stringify(q.title),
          placeholder: q.placeholder ? JSON.stringify(q.placeholder) : null,
          semantic_id: q.semanticId ?? null,
          department_code: q.departmentCode ?? null,
          resource_code: q.resourceCode ?? null,
          facility_type: q.facilityType ?? null,
          type: q.type,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const options = q.options && q.options.length > 0 ? q.options : defaultOptions(q);
      if (options.length > 0) {
        await db
          .insertInto('question_options')
          .values(
            options.map((o, oi) => ({
              account_id: accountId,
              question_id: question.id,
              serial: oi + 1,
              title: JSON.stringify(o.title),
              score: o.score ?? null,
              nps_segment: o.npsSegment ?? null,
            })),
          )
          .execute();
      }
    }
  }
  return set;
}

/** The question set in use (the one not superseded), or undefined for an empty evaluation. */
export async function currentQuestionSet(db: Db, accountId: number, evaluationId: number): Promise<QuestionSet | undefined> {
  return db
    .selectFrom('question_sets')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('evaluation_id', '=', evaluationId)
    .where('superseded_at', 'is', null)
    .executeTakeFirst();
}

/** Loads question sets with their sections, questions and options in four queries. */
export async function loadQuestionSetTrees(db: Db, accountId: number, sets: QuestionSet[]): Promise<QuestionSetTree[]> {
  if (sets.length === 0) return [];
  const setIds = sets.map((s) => s.id);
  const sections = await db
    .selectFrom('question_sections')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('question_set_id', 'in', setIds)
    .orderBy('serial')
    .execute();
  const questions = await db
    .selectFrom('questions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('question_set_id', 'in', setIds)
    .orderBy('serial')
    .execute();
  const options = questions.length
    ? await db
        .selectFrom('question_options')
        .selectAll()
        .where('account_id', '=', accountId)
        .where(
          'question_id',
          'in',
          questions.map((q) => q.id),
        )
        .orderBy('serial')
        .execute()
    : [];
  return sets.map((set) => ({
    set,
    sections: sections
      .filter((s) => s.question_set_id === set.id)
      .map((section) => ({
        ...section,
        questions: questions.filter((q) => q.section_id === section.id).map((q) => ({ ...q, options: options.filter((o) => o.question_id === q.id) })),
      })),
  }));
}

/** A question with its options and the evaluation it belongs to. */
/**
 * The questions of an evaluation's current question set by semantic id (the first in serial order
 * when two share one): how imports and integrations name a question without knowing its id.
 */
export async function currentQuestionIdsBySemanticId(db: Db, accountId: number, evaluationId: number): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const set = await currentQuestionSet(db, accountId, evaluationId);
  if (!set) return out;
  const rows = await db
    .selectFrom('questions')
    .select(['id', 'semantic_id'])
    .where('account_id', '=', accountId)
    .where('question_set_id', '=', set.id)
    .orderBy('serial')
    .execute();
  for (const r of rows) if (r.semantic_id !== null && !out.has(r.semantic_id)) out.set(r.semantic_id, r.id);
  return out;
}

export async function findQuestions(db: Db, accountId: number, questionIds: number[]) {
  if (questionIds.length === 0) return [];
  const questions = await db
    .selectFrom('questions')
    .innerJoin('question_sets', 'question_sets.id', 'questions.question_set_id')
    .selectAll('questions')
    .select('question_sets.evaluation_id')
    .where('questions.account_id', '=', accountId)
    .where('questions.id', 'in', questionIds)
    .execute();
  const options = questions.length
    ? await db
        .selectFrom('question_options')
        .selectAll()
        .where('account_id', '=', accountId)
        .where(
          'question_id',
          'in',
          questions.map((q) => q.id),
        )
        .orderBy('serial')
        .execute()
    : [];
  return questions.map((q) => ({ ...q, options: options.filter((o) => o.question_id === q.id) }));
}
