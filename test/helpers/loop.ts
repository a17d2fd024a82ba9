import type { Dialect } from '../../src/db/database.js';
import { ensureDemoAccount, type DemoIds } from '../../src/core/demo/seed-demo.js';
import { DEMO_LOOP_IDS } from '../../src/core/demo/demo-face-ids.js';
import { encodeId, type LoopIdKind } from '../../src/api/loop-v1/ids.js';
import { createTestApp, type TestApp } from './app.js';

/** The app on a fresh database holding the demo account, with the demo's Loop authToken and ids. */
export async function createLoopDemoApp(dialect: Dialect): Promise<{ t: TestApp; token: string; ids: DemoIds }> {
  const t = await createTestApp(dialect, {}, { demo: true });
  const demo = await ensureDemoAccount(t.database.db);
  return { t, token: demo.loopToken, ids: demo.ids };
}

/**
 * A Loop v1 API call as a client makes it: `/loop/api/v1/<pathAndQuery>` with the authToken query
 * parameter appended, and a JSON body when one is given.
 */
export function loopCall(t: TestApp, token: string, method: 'GET' | 'POST' | 'DELETE', pathAndQuery: string, body?: unknown) {
  const sep = pathAndQuery.includes('?') ? '&' : '?';
  return t.app.inject({
    method,
    url: `/loop/api/v1/${pathAndQuery}${sep}authToken=${token}`,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }),
  });
}

/**
 * The id the Loop face shows for a demo row: the Loop document's own id where the demo keeps one
 * (demo-face-ids.ts), else the face's rendering of the key.
 */
export function demoShownId(ids: DemoIds, kind: LoopIdKind, id: number): string {
  const k = DEMO_LOOP_IDS;
  const pairs: Array<[LoopIdKind, number, string]> = [
    ...Object.entries(k.locations).map(([code, v]) => ['location', ids.locations[code], v] as [LoopIdKind, number, string]),
    ['customfield', ids.customFields.room, k.customFields.room],
    ['survey', ids.survey, k.survey],
    ...k.questions.map((v, i) => ['question', ids.questions[i], v] as [LoopIdKind, number, string]),
    ['employee', ids.employee, k.employees.benria],
    ['guest', ids.customer, k.customer],
  ];
  return pairs.find(([kk, row]) => kk === kind && row === id)?.[2] ?? encodeId(kind, id);
}
