import type { Dialect } from '../../src/db/database.js';
import { ensureDemoAccount, type DemoIds } from '../../src/core/demo/seed-demo.js';
import { createTestApp, type TestApp } from './app.js';

/** The app on a fresh database holding the demo account, with the demo's Loop authToken and ids. */
export async function createLoopDemoApp(dialect: Dialect): Promise<{ t: TestApp; token: string; ids: DemoIds }> {
  const t = await createTestApp(dialect);
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
