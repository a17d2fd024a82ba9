import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { conditionsHold, evaluateConditions, readConditions, type Condition, type Facts } from '../src/core/journeys/conditions.js';
import { createRule } from '../src/core/journeys/rules.js';
import { htmlToText } from '../src/core/messaging/email-layout.js';
import { unsubscribeToken } from '../src/core/messaging/messages.js';
import { listTemplates, saveTemplate } from '../src/core/messaging/templates.js';
import { AppError } from '../src/core/shared/errors.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';

// Templates are refused at save time when they use what their trigger does not provide (strict
// LiquidJS: never a blank in a sent message); rules name templates that exist; conditions are
// read strictly and evaluated with their reasons; the plain-text part is generated from HTML.

const refusal = async (work: Promise<unknown>) => {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).status).toBe(400);
  return err as AppError;
};

describe.each(dialects())('message templates and rules on %s', (dialect) => {
  let t: TestApp;
  let accountId: number;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    accountId = (await createTestAccount(t)).account.id;
  });
  afterAll(async () => t?.close());

  const save = (input: Partial<Parameters<typeof saveTemplate>[2]>) =>
    inWriteTransaction(t.database.db, (trx) =>
      saveTemplate(trx, accountId, {
        name: 'welcome',
        channel: 'email',
        language: 'en',
        trigger: 'stay.checked_in',
        subject: 'Hi',
        body: '<p>Hi</p>',
        ...input,
      }),
    );

  it('refuses a template that uses a variable its trigger does not provide, naming it', async () => {
    const err = await refusal(save({ body: '<p>Hi {{ guest.firstName }}, your code is {{ guest.doorCode }} {{ loyalty.points }}</p>' }));
    expect(err.message).toContain('"guest.doorCode"');
    expect(err.message).toContain('"loyalty.points"');
    expect(err.details).toEqual({ unknownVariables: ['guest.doorCode', 'loyalty.points'] });
    expect((await refusal(save({ subject: 'Hi {{ guest.nickname }}' }))).message).toContain('"guest.nickname"');
    expect((await refusal(save({ body: '{{ guest.firstName | shout }}' }))).message).toMatch(/not a valid Liquid template: undefined filter: shout/);
    expect((await refusal(save({ body: '{% if guest.firstName %}unclosed' }))).message).toMatch(/not a valid Liquid template/);
    expect((await refusal(save({ trigger: 'stay.teleported' }))).message).toMatch(/not a trigger/);
    expect((await refusal(save({ subject: '' }))).message).toMatch(/needs a subject/);
    expect((await refusal(save({ language: 'english!' }))).message).toMatch(/language/);
    expect(await listTemplates(t.database.db, accountId)).toEqual([]);
  });

  it('accepts the trigger variables (loops and assigns included) and replaces a template of the same key', async () => {
    const body = '{% assign n = guest.firstName | upcase %}<p>{{ n }} {{ stay.room | default: "-" }} {{ links.unsubscribe }}</p>';
    const first = await save({ body, language: 'sv-SE' });
    expect(first).toMatchObject({ language: 'sv-se', channel: 'email', validForMinutes: 1440 });
    const second = await save({ body: '<p>{{ guest.lastName }}</p>', language: 'sv-se', validForMinutes: 60 });
    expect(second.id).toBe(first.id);
    expect((await listTemplates(t.database.db, accountId)).map((x) => [x.language, x.body, x.validForMinutes])).toEqual([
      ['sv-se', '<p>{{ guest.lastName }}</p>', 60],
    ]);
  });

  it('a rule needs an e-mail template in its fallback language, a known trigger and valid conditions', async () => {
    const rule = (input: Partial<Parameters<typeof createRule>[2]>) =>
      inWriteTransaction(t.database.db, (trx) =>
        createRule(trx, accountId, { name: 'r', trigger: 'stay.checked_in', action: { type: 'email', template: 'welcome' }, ...input }),
      );
    expect((await refusal(rule({}))).message).toMatch(/no e-mail template in the fallback language en/);
    await save({ language: 'en' });
    expect((await refusal(rule({ trigger: 'stay.beamed' }))).message).toMatch(/trigger must be one of/);
    expect((await refusal(rule({ action: { type: 'fax' } }))).message).toMatch(/action.type/);
    expect((await refusal(rule({ conditions: [{ field: 'guest.shoeSize', op: 'eq', value: 9 }] }))).message).toMatch(/conditions\[0\]\.field/);
    expect((await refusal(rule({ conditions: { any: [{ field: 'stay.nights', op: 'gte', value: 'two' }] } }))).message).toMatch(/must be a number/);
    const created = await rule({ conditions: [{ field: 'guest.vipStatus', op: 'in', value: ['gold', 'platinum'] }] });
    expect(created).toMatchObject({ name: 'r', enabled: true, action: { type: 'email', template: 'welcome', fallbackLanguage: 'en' } });
    expect((await rule({}).catch((e: AppError) => e)) as AppError).toMatchObject({ status: 409 });
  });
});

describe('conditions', () => {
  it('combine with all and any, compare case-insensitively, and report every test', () => {
    const c = readConditions({
      all: [
        { field: 'guest.hasEmail', op: 'eq', value: true },
        {
          any: [
            { field: 'guest.vipStatus', op: 'in', value: ['Gold'] },
            { field: 'stay.nights', op: 'gte', value: 3 },
          ],
        },
        { field: 'guest.custom.segment', op: 'ne', value: 'staff' },
      ],
    });
    const vip = evaluateConditions(c, { 'guest.hasEmail': true, 'guest.vipStatus': 'gold', 'stay.nights': 1, 'guest.custom.segment': 'leisure' });
    expect(vip.held).toBe(true);
    expect(vip.tests.map((x) => x.held)).toEqual([true, true, false, true]);
    const short = evaluateConditions(c, { 'guest.hasEmail': true, 'guest.vipStatus': null, 'stay.nights': 2 });
    expect(short.held).toBe(false);
    expect(evaluateConditions(readConditions(null), {}).held).toBe(true);
  });

  it('hold on the hot path (conditionsHold) exactly when their evaluation with reasons says so', () => {
    const fields = ['guest.vipStatus', 'stay.nights', 'guest.hasEmail', 'guest.custom.segment'];
    const scalar = fc.oneof(fc.constantFrom('gold', 'Gold', 'silver', ''), fc.integer({ min: 0, max: 5 }), fc.boolean());
    const test = fc.record({
      field: fc.constantFrom(...fields),
      op: fc.constantFrom('eq', 'ne', 'in', 'not_in', 'gte', 'lte', 'exists', 'missing'),
      value: scalar,
      list: fc.array(scalar, { minLength: 1, maxLength: 3 }),
    });
    const { tree } = fc.letrec<{ tree: Condition }>((tie) => ({
      tree: fc.oneof(
        { maxDepth: 4, withCrossShrink: true },
        test.map(({ field, op, value, list }) => {
          if (op === 'exists' || op === 'missing') return { field, op };
          if (op === 'in' || op === 'not_in') return { field, op, value: list };
          if (op === 'gte' || op === 'lte') return { field, op, value: typeof value === 'number' ? value : 2 };
          return { field, op, value };
        }),
        fc.array(tie('tree'), { maxLength: 3 }).map((all) => ({ all })),
        fc.array(tie('tree'), { maxLength: 3 }).map((any) => ({ any })),
      ),
    }));
    const facts = fc.record({
      'guest.vipStatus': fc.oneof(fc.constantFrom('gold', 'GOLD', 'silver'), fc.constant(null)),
      'stay.nights': fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(null)),
      'guest.hasEmail': fc.boolean(),
      'guest.custom.segment': fc.oneof(fc.constantFrom('', 'leisure'), fc.constant(null)),
    });
    fc.assert(
      fc.property(tree, facts, (condition, f: Facts) => {
        const read = readConditions(condition);
        expect(conditionsHold(read, f)).toBe(evaluateConditions(read, f).held);
      }),
      { numRuns: 500 },
    );
  });
});

describe('unsubscribe tokens', () => {
  it('sort as their times do (their index grows at one edge) and are unguessable and unique', () => {
    const times = [0, 1, 35, 36, Date.UTC(2026, 11, 4), Date.UTC(2026, 11, 4) + 1, Date.UTC(2059, 0, 1)];
    const tokens = times.map((at) => unsubscribeToken(at));
    expect([...tokens].sort()).toEqual(tokens);
    for (const token of tokens) expect(token).toMatch(/^[0-9a-z]{9}[A-Za-z0-9_-]{24}$/);
    const same = new Set(Array.from({ length: 1000 }, () => unsubscribeToken(Date.UTC(2026, 11, 4))));
    expect(same.size).toBe(1000);
  });
});

describe('plain-text part', () => {
  it('keeps paragraphs, breaks, lists and links, and decodes entities', () => {
    const html =
      '<h1>Welcome</h1><p>Hello <b>Ada</b> &amp; co,<br>room 12</p><ul><li>Spa</li><li>Bar</li></ul><p><a href="https://h.test/x?a=1&amp;b=2">Your stay</a></p><script>alert(1)</script>';
    expect(htmlToText(html)).toBe('Welcome\n\nHello Ada & co,\nroom 12\n\n- Spa\n- Bar\n\nYour stay (https://h.test/x?a=1&b=2)');
  });
});
