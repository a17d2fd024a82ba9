import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountSettings, getAccount } from '../src/core/accounts/accounts.js';
import { issueCredential } from '../src/core/accounts/credentials.js';
import type { DemoIds } from '../src/core/demo/seed-demo.js';
import { listRules } from '../src/core/journeys/rules.js';
import { findLoop } from '../src/core/requests/loops.js';
import { decodeId, encodeId } from '../src/api/loop-v1/ids.js';
import { adminCall } from './helpers/admin.js';
import type { TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { createLoopDemoApp, loopCall } from './helpers/loop.js';

// The follow-up request a Loop survey response opens is the account's default rule
// (journeys/default-rules.ts), run in the response's transaction: the response still answers with
// loopId and loopUrl; disabling the rule (or the account setting, the same switch) stops it.

describe.each(dialects())('the survey follow-up rule on %s', (dialect) => {
  let t: TestApp;
  let token: string;
  let adminToken: string;
  let ids: DemoIds;
  let accountId: number;
  const admin = adminCall(() => t);

  beforeAll(async () => {
    ({ t, token, ids } = await createLoopDemoApp(dialect));
    accountId = (await t.database.db.selectFrom('accounts').select('id').where('slug', '=', 'demo').executeTakeFirstOrThrow()).id;
    adminToken = await issueCredential(t.database.db, accountId, 'admin', 'test');
  });
  afterAll(async () => t?.close());

  /** A detractor's response: "no" to the yes/no questions and a complaint. */
  const respond = async () => {
    const [q1, q2, , q4] = ids.questions.map((id) => encodeId('question', id));
    const res = await loopCall(t, token, 'POST', 'responses', {
      source: 'kiosk',
      location: encodeId('location', ids.locations['1300']),
      user: { name: 'Dee Tractor', email: 'dee@example.com' },
      responses: [
        { categoryId: q1, value: false },
        { categoryId: q2, value: false },
        { categoryId: q4, value: 'The room was not clean' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const followUp = async () => (await listRules(t.database.db, accountId)).find((r) => r.builtin === 'survey-follow-up')!;

  it('a detractor response opens the follow-up loop in its transaction and answers loopId and loopUrl', async () => {
    const rule = await followUp();
    expect(rule).toMatchObject({ trigger: 'feedback.received', enabled: true, action: { type: 'open_request', loopType: null, title: 'Survey response' } });
    const body = await respond();
    expect(body).toEqual({ id: expect.any(String), loopId: expect.any(String), loopUrl: expect.stringContaining(body.loopId) });
    const loop = (await findLoop(t.database.db, accountId, decodeId('loop', body.loopId)!))!;
    expect(loop).toMatchObject({
      title: 'Survey response',
      description: 'The room was not clean',
      source: 'kiosk',
      answer_document_id: decodeId('response', body.id),
    });
    expect(loop.activities.map((a) => a.type)).toEqual(['open']);
    // the firing is recorded once per response
    const firings = await t.database.db.selectFrom('rule_firings').select(['dedupe_key', 'outcome']).where('rule_id', '=', rule.id).execute();
    expect(firings).toEqual([{ dedupe_key: `feedback:${decodeId('response', body.id)}`, outcome: 'queued' }]);
  });

  it('disabling the rule stops it and clears the account setting; the setting enables it again', async () => {
    const rule = await followUp();
    const disabled = await admin(adminToken, 'POST', `/rules/${rule.id}/disable`);
    expect(disabled.statusCode, disabled.body).toBe(200);
    const body = await respond();
    expect(body).toEqual({ id: expect.any(String) });
    expect(accountSettings(await getAccount(t.database.db, accountId)).responsesCreateLoops).toBeUndefined();

    const on = await admin(adminToken, 'PATCH', '/account', { settings: { responsesCreateLoops: true } });
    expect(on.statusCode, on.body).toBe(200);
    expect((await followUp()).enabled).toBe(true);
    expect(await respond()).toMatchObject({ loopId: expect.any(String), loopUrl: expect.any(String) });

    // a replace that disables it is the same switch
    const replaced = await admin(adminToken, 'PUT', `/rules/${rule.id}`, {
      name: rule.name,
      trigger: rule.trigger,
      action: { type: 'open_request', title: 'Call back' },
      enabled: false,
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(accountSettings(await getAccount(t.database.db, accountId)).responsesCreateLoops).toBeUndefined();
    expect(await respond()).toEqual({ id: expect.any(String) });
  });
});
