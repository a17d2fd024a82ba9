import type { Db } from '../../db/database.js';
import { keepEmployeeFaceId } from '../accounts/employee-face-ids.js';
import { keepFeedbackFaceId } from '../feedback/face-ids.js';
import { keepGuestFaceId } from '../guests/face-ids.js';
import { keepLocationsFaceId } from '../locations/face-ids.js';
import { conflict } from '../shared/errors.js';

/*
 * The ids the Loop and Loopon documents give their example objects, kept on the demo's rows as an
 * imported configuration keeps a hotel's (issue 11): the documents' examples then work as printed.
 */

/** Loop ids of spec 001's examples (a Loop location and a custom field share one, as printed). */
export const DEMO_LOOP_IDS = {
  locations: { '1234': '529652b0121d5fa206011a79', '1300': '529652b0121d5fa206011a97', '1200': '529652b0121d5fa206011a98', '1100': '571a2c54dffdba13dec03713' },
  customFields: { room: '529652b0121d5fa206011a97' },
  survey: '529652b0131d5fa206011a98',
  questions: ['529652b0131d5fa206011a99', '529652b0131d5fa206011a9a', '529652b0131d5fa206011a9b', '529652b0131d5fa206011a9c'],
  employees: { benria: '4fc7769576ca50ce2c000012', benria2: '5c87769576ca50ce2c987659' },
  /** the customer of the loop lookup example */
  customer: '57276b281bb438711ab4f1e4',
  /** the guest of the invite URL example (John Smith), whose id the document shows */
  invited: '4fc7769576ca50ce2c000012',
} as const;

type Keep = Promise<{ ok: true; changed: boolean } | { ok: false; reason: string }>;

async function must(result: Keep, what: string): Promise<void> {
  const r = await result;
  if (!r.ok) throw conflict(`demo ${what}: ${r.reason}`);
}

export interface DemoRows {
  locations: Record<string, number>;
  customFields: Record<string, number>;
  survey: number;
  questions: number[];
  employees: Record<string, number>;
  customer: number;
  invited: number;
}

/** Keeps the Loop documents' ids on the demo's rows (idempotent). */
export async function keepDemoLoopIds(db: Db, accountId: number, rows: DemoRows): Promise<void> {
  const ids = DEMO_LOOP_IDS;
  for (const [code, id] of Object.entries(ids.locations)) {
    await must(keepLocationsFaceId(db, accountId, 'location', 'loop', rows.locations[code], id, undefined), `location ${code}`);
  }
  await must(keepLocationsFaceId(db, accountId, 'customfield', 'loop', rows.customFields.room, ids.customFields.room, undefined), 'custom field');
  await must(keepFeedbackFaceId(db, accountId, 'evaluation', 'loop', rows.survey, ids.survey, undefined), 'survey');
  for (const [i, id] of ids.questions.entries()) {
    await must(keepFeedbackFaceId(db, accountId, 'question', 'loop', rows.questions[i], id, undefined), `question ${i}`);
  }
  for (const [username, id] of Object.entries(ids.employees)) {
    await must(keepEmployeeFaceId(db, accountId, 'loop', rows.employees[username], id, undefined), `employee ${username}`);
  }
  await must(keepGuestFaceId(db, accountId, 'loop', rows.customer, ids.customer, undefined), 'customer');
  await must(keepGuestFaceId(db, accountId, 'loop', rows.invited, ids.invited, undefined), 'invited guest');
}

/** Keeps the Loopon document's unit ids (1203, 1204...) on the demo's units (idempotent). */
export async function keepDemoLooponIds(db: Db, accountId: number, byExampleId: Record<string, number>): Promise<void> {
  for (const [exampleId, rowId] of Object.entries(byExampleId)) {
    const n = Number(exampleId);
    await must(keepLocationsFaceId(db, accountId, 'location', 'loopon', rowId, n, n), `unit ${exampleId}`);
  }
}
