import { expect } from 'vitest';
import { createAnswerDocument, type AnswerDocumentInput, type AnswerInput } from '../../src/core/feedback/answer-documents.js';
import { addDays, utcDay } from '../../src/core/feedback/dates.js';
import { createEvaluation } from '../../src/core/feedback/evaluations.js';
import { findQuestions, currentQuestionSet, type SectionDefinition } from '../../src/core/feedback/question-sets.js';
import { setLocationDefaultEvaluation } from '../../src/core/feedback/default-evaluation.js';
import { createLocation } from '../../src/core/locations/locations.js';
import { createTestAccount, type TestApp } from './app.js';
import { FIXED_NOW } from './clock.js';
import { createLooponClient } from './loopon.js';
import { writeContext } from '../../src/core/shared/write-context.js';

/*
 * A chain "Sea Hotels" of three hotels (X01..X03) sharing the evaluation "Stay", plus a hotel
 * outside the chain, and helpers to write feedback through the core functions.
 */

export const STAY_SECTIONS: SectionDefinition[] = [
  {
    title: { en: 'Your stay' },
    questions: [
      { type: 'radio', title: { en: 'How likely is it that you would recommend our hotel?' }, semanticId: 0 },
      {
        type: 'radio',
        title: { en: 'I am satisfied with the restaurant' },
        semanticId: 1004,
        departmentCode: 'FB',
        resourceCode: 'REST1',
        facilityType: 'restaurant',
        options: [0, 0.25, 0.5, 0.75, 1].map((score, i) => ({ title: { en: `${i + 1} stars` }, score })),
      },
      { type: 'checkbox', title: { en: 'What did you use?' }, options: [{ title: { en: 'Spa' } }, { title: { en: 'Gym' } }] },
    ],
  },
  {
    questions: [
      { type: 'text', title: { en: 'Anything else?' } },
      { type: 'number', title: { en: 'Nights you would stay again' } },
    ],
  },
];

export type Fixture = Awaited<ReturnType<typeof createFeedbackFixture>>;

/**
 * "Today" of the tests: the day of FIXED_NOW. A file that compares with what the server derives
 * from its clock (the last 24 hours, the 30 days up to today) calls freezeDateForFile(), so the server
 * reads the same instant and the test cannot fail around midnight.
 */
export const today = () => utcDay(FIXED_NOW);
export const daysAgo = (n: number) => addDays(today(), -n);

/** The account, its units, the evaluation and its questions, and clients with every scope. */
export async function createFeedbackFixture(t: TestApp) {
  const db = t.database.db;
  const { account, adminToken, loopToken } = await createTestAccount(t);
  const accountId = account.id;
  const chain = await createLocation(db, accountId, { title: { en: 'Sea Hotels' }, kind: 'chain', propertyCode: '' });
  const units: Record<string, number> = { chain: chain.id };
  for (const code of ['X01', 'X02', 'X03']) {
    units[code] = (await createLocation(db, accountId, { title: { en: `Sea Hotel ${code}` }, parentId: chain.id, propertyCode: code, shortcode: code })).id;
  }
  units.other = (await createLocation(db, accountId, { title: { en: 'Elsewhere' }, propertyCode: 'Y01', shortcode: 'Y01' })).id;
  const evaluation = await db.transaction().execute((trx) =>
    createEvaluation(trx, accountId, {
      name: 'Stay',
      shortcode: 'stay',
      sections: STAY_SECTIONS,
      locationIds: [units.X01, units.X02, units.X03, units.other],
    }),
  );
  for (const id of [chain.id, units.X01, units.X02, units.X03, units.other]) await setLocationDefaultEvaluation(db, accountId, id, evaluation.id);
  const set = (await currentQuestionSet(db, accountId, evaluation.id))!;
  const questions = await questionsOf(t, accountId, set.id);
  const client = await createLooponClient(t, accountId);
  return { accountId, adminToken, loopToken, units, evaluationId: evaluation.id, questionSetId: set.id, questions, client };
}

/** The questions of a question set in serial order, named by role: nps, rating, checkbox, text, number. */
export async function questionsOf(t: TestApp, accountId: number, questionSetId: number) {
  const rows = await t.database.db
    .selectFrom('questions')
    .select('id')
    .where('account_id', '=', accountId)
    .where('question_set_id', '=', questionSetId)
    .orderBy('serial')
    .execute();
  const loaded = await findQuestions(
    t.database.db,
    accountId,
    rows.map((r) => r.id),
  );
  const [nps, rating, checkbox, text, number] = rows.map((r) => loaded.find((q) => q.id === r.id)!);
  return { nps, rating, checkbox, text, number };
}

type Questions = Fixture['questions'];

/** Answers: an NPS value 0-10 and/or a rating option 1-5, plus anything else. */
export function answers(q: Questions, v: { nps?: number; rating?: number; text?: string; extra?: AnswerInput[] }): AnswerInput[] {
  const out: AnswerInput[] = [];
  if (v.nps !== undefined) out.push({ questionId: q.nps.id, optionId: q.nps.options[v.nps].id });
  if (v.rating !== undefined) out.push({ questionId: q.rating.id, optionId: q.rating.options[v.rating - 1].id });
  if (v.text !== undefined) out.push({ questionId: q.text.id, text: v.text });
  return [...out, ...(v.extra ?? [])];
}

/** Writes an answer document through the core function, in a transaction as routes do. */
export async function addDocument(t: TestApp, accountId: number, input: Partial<AnswerDocumentInput> & { locationId: number; answers: AnswerInput[] }) {
  return t.database.db.transaction().execute((trx) => createAnswerDocument(writeContext(trx, accountId), { source: 'poststay', ...input }));
}

/** GET on the Loopon face; returns status and body. */
export async function get(t: TestApp, headers: Record<string, string>, path: string) {
  const res = await t.app.inject({ method: 'GET', url: `/loopon/public${path}`, headers });
  return { status: res.statusCode, body: res.json() as any };
}

export function expectNoServerErrors(t: TestApp): void {
  const errors = t.logs.map((l) => JSON.parse(l)).filter((l) => l.level >= 50 || l.res?.statusCode >= 500);
  expect(errors).toEqual([]);
}
