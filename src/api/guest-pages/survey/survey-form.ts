import type { AnswerInput } from '../../../core/feedback/answer-documents.js';
import type { QuestionSetTree } from '../../../core/feedback/question-sets.js';
import { pickText, parseJson, type I18nText } from '../../../core/shared/json.js';

/*
 * The survey page's form: the questions of one question set as the template shows them, and the
 * posted form read back into answers, or into one message per question that needs another look
 * (nothing is stored then, and the page shows the form again with what the guest had entered).
 */

export const MAX_TEXT = 4000;
/** The NPS question's semantic id. */
const NPS = 0;

type TreeQuestion = QuestionSetTree['sections'][number]['questions'][number];
/** A posted form: one value per field, several for checkboxes. */
export type PostedForm = Record<string, string | string[]>;
export type Texts = Record<string, string>;

const text = (json: string | null, language: string) => (json ? pickText(parseJson<I18nText>(json, {}), language) : '');
const fieldOf = (q: TreeQuestion) => `q${q.id}`;
const valuesOf = (form: PostedForm, q: TreeQuestion): string[] => {
  const v = form[fieldOf(q)];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((s) => s.trim()).filter((s) => s !== '');
};

/** How a question is shown: a row of numbers (NPS, ratings), choices, several choices, a number or a text. */
function kindOf(q: TreeQuestion): 'scale' | 'choice' | 'multi' | 'number' | 'text' {
  if (q.type === 'number') return q.semantic_id === NPS ? 'scale' : 'number';
  if (q.type === 'checkbox') return 'multi';
  if (q.type === 'radio' || q.type === 'bool') return q.options.every((o) => /^\d{1,2}$/.test(text(o.title, 'en'))) ? 'scale' : 'choice';
  return 'text';
}

/** Whether the guest must answer it: the NPS question (the score every report is about). */
const isRequired = (q: TreeQuestion) => q.semantic_id === NPS;

/** The options of a question as the form offers them (an NPS number question: 0 to 10). */
function optionsOf(q: TreeQuestion, language: string): Array<{ value: string; title: string }> {
  if (q.type === 'number') return Array.from({ length: 11 }, (_, n) => ({ value: String(n), title: String(n) }));
  return q.options.map((o) => ({ value: String(o.id), title: text(o.title, language) }));
}

/** The sections as the template renders them, with the posted values and errors of a refused form. */
export function surveyView(tree: QuestionSetTree, language: string, form: PostedForm = {}, errors: Map<number, string> = new Map()) {
  return tree.sections.map((section) => ({
    title: text(section.title, language),
    questions: section.questions.map((q) => {
      const posted = valuesOf(form, q);
      return {
        id: q.id,
        kind: kindOf(q),
        nps: q.semantic_id === NPS,
        required: isRequired(q),
        title: text(q.title, language),
        placeholder: text(q.placeholder, language),
        value: posted[0] ?? '',
        error: errors.get(q.id) ?? '',
        options: optionsOf(q, language).map((o) => ({ ...o, checked: posted.includes(o.value) })),
      };
    }),
  }));
}

/**
 * The answers of a posted form, or the questions that need another look (message by question id).
 * Unknown fields are ignored; an empty form is refused (`errors` keyed 0).
 */
export function readSurveyForm(tree: QuestionSetTree, form: PostedForm, t: Texts): { answers: AnswerInput[]; errors: Map<number, string> } {
  const answers: AnswerInput[] = [];
  const errors = new Map<number, string>();
  for (const q of tree.sections.flatMap((s) => s.questions)) {
    const values = valuesOf(form, q);
    if (values.length === 0) {
      if (isRequired(q)) errors.set(q.id, t.survey_required);
      continue;
    }
    const optionIds = new Set(q.options.map((o) => String(o.id)));
    if (q.type === 'text') {
      if (values[0].length > MAX_TEXT) errors.set(q.id, t.survey_too_long.replace('{max}', String(MAX_TEXT)));
      else answers.push({ questionId: q.id, text: values[0] });
    } else if (q.type === 'number') {
      const n = Number(values[0]);
      const ok = values.length === 1 && /^-?\d+(\.\d+)?$/.test(values[0]) && (q.semantic_id !== NPS || (Number.isInteger(n) && n >= 0 && n <= 10));
      if (!ok) errors.set(q.id, q.semantic_id === NPS ? t.survey_choose : t.survey_number);
      else answers.push({ questionId: q.id, number: n });
    } else if (q.type === 'checkbox') {
      if (values.some((v) => !optionIds.has(v))) errors.set(q.id, t.survey_choose);
      else answers.push({ questionId: q.id, optionIds: [...new Set(values.map(Number))] });
    } else if (values.length !== 1 || !optionIds.has(values[0])) {
      errors.set(q.id, t.survey_choose);
    } else {
      answers.push({ questionId: q.id, optionId: Number(values[0]) });
    }
  }
  if (answers.length === 0 && errors.size === 0) errors.set(0, t.survey_nothing);
  return { answers, errors };
}

/** Whether the answers make the guest a promoter (NPS 9-10): they are then offered the review links. */
export function isPromoter(tree: QuestionSetTree, answers: AnswerInput[]): boolean {
  const questions = new Map(tree.sections.flatMap((s) => s.questions).map((q) => [q.id, q]));
  return answers.some((a) => {
    const q = questions.get(a.questionId);
    if (!q || q.semantic_id !== NPS) return false;
    if (a.number !== undefined) return a.number >= 9;
    const option = q.options.find((o) => o.id === a.optionId);
    if (!option) return false;
    if (option.nps_segment) return option.nps_segment === 'promoter';
    const value = Number(text(option.title, 'en'));
    return Number.isInteger(value) && value >= 9 && value <= 10;
  });
}
