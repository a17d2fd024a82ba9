import { inWriteTransaction } from '../src/db/write-transaction.js';
import { recordJourneyEvent } from '../src/core/journeys/journey-events.js';
import { openLoop } from '../src/core/requests/loops.js';
import { writeContext } from '../src/core/shared/write-context.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { encodeId } from '../src/api/loop-v1/ids.js';
import { dialects } from './helpers/database.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { adminCall } from './helpers/admin.js';
import { addDocument, answers, createFeedbackFixture, type Fixture } from './helpers/loopon-feedback-fixture.js';
import { loopCall } from './helpers/loop.js';
import { loyaltyAccess } from './helpers/fideltour.js';
import { signIn } from '../src/core/loyalty/membership.js';
import { findGuest } from '../src/core/guests/guests.js';
import { ensureChatSession } from '../src/core/chat/chat-sessions.js';

/*
 * Issue 9, defect 5: path ids were coerced (`DELETE /admin/v1/loop-types/0xd0` deleted row 208).
 * Every id-taking route of every face is called with spellings of a real row's id that are not the
 * spelling the face issued: each is a 404 in a path (a 400 in a query string), and no row of the
 * database changes.
 */

/** Spellings of the integer id `n` that a lenient parser reads as n (or as something), none of them n as issued. */
function integerForms(n: number): string[] {
  const arabicIndic = String(n).replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)));
  const fullWidth = String(n).replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
  return [
    `0x${n.toString(16)}`,
    `${n}.0`,
    `+${n}`,
    `000${n}`,
    `${n}e0`,
    `${n / 100}e2`,
    ` ${n}`,
    `${n} `,
    `-${n}`,
    `${n}.5`,
    arabicIndic,
    fullWidth,
    // the spellings the issue found reaching rows 208-213 and 411
    '0xd0',
    '209.0',
    '+210',
    '000212',
    '213e0',
    '4.11e2',
    '-1',
    '1.5',
    '0',
    '9007199254740993',
    '99999999999999999999',
  ];
}

/** The whole database, table by table, rows sorted: equal before and after means nothing changed. */
async function snapshot(t: TestApp): Promise<Record<string, string[]>> {
  const db = t.database.db;
  const tables = (await db.introspection.getTables()).map((table) => table.name).sort();
  const out: Record<string, string[]> = {};
  for (const name of tables) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows;
    out[name] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

const path = (value: string) => encodeURIComponent(value);

describe.each(dialects())('strict ids on %s', (dialect) => {
  let t: TestApp;
  let f: Fixture;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    f = await createFeedbackFixture(t);
  });
  afterAll(async () => t?.close());

  describe('admin API', () => {
    const call = adminCall(() => t);
    let routes: Array<{ method: string; template: string; url: (v: string) => string; body?: unknown }>;
    let reads: string[];

    beforeAll(async () => {
      const token = f.adminToken;
      const made = async (url: string, body: unknown) => {
        const res = await call(token, 'POST', url, body);
        expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
        return res.json();
      };
      const location = await made('/locations', { title: 'Lobby' });
      const loopType = await made('/loop-types', { shortcode: 'towels', title: 'Towels' });
      const customField = await made('/custom-fields', { shortcode: 'room', title: 'Room' });
      const survey = await made('/surveys', { name: 'Stay', sections: [{ questions: [{ type: 'text', title: 'Anything else?' }] }] });
      const employee = await made('/employees', { username: 'ana' });
      const staffMember = await made('/staff', { email: `strict-${dialect}@hotel.test`, role: 'agent' });
      const guest = await made('/guests', { firstName: 'Ada', email: 'ada@example.test', key: 'pms:R-1' });
      await made('/identity/blocklist', { pattern: 'frontdesk@hotel.test' });
      const entry = (await call(token, 'GET', '/identity/blocklist')).json().entries.find((e: any) => e.pattern === 'frontdesk@hotel.test');
      const question = await made('/review-questions', { key: 'staff', description: 'Staff', answerType: 'number' });
      const rival = await made('/competitors', { title: 'Rival' });
      const set = await made('/competitive-sets', { locationId: location.id, name: 'City', memberIds: [rival.id] });
      const g = guest.guest?.id ?? guest.id;
      await inWriteTransaction(t.database.db, async (trx) =>
        signIn(trx, f.accountId, (await findGuest(trx, f.accountId, g))!, { passwordHash: 'x', sendActivationEmail: false, sendWelcomeEmail: false }),
      );
      const chat = await ensureChatSession(t.database.db, f.accountId, g, location.id, 'en');
      const webhook = await made('/webhooks', { url: 'https://hooks.example.com/in', events: ['*'] });
      const { deliveryId } = await made(`/webhooks/${webhook.id}/test`, undefined);
      const { loop: request } = await openLoop(writeContext(t.database.db, f.accountId), { locationId: location.id, description: 'strict ids' });
      const level = await made('/loyalty/levels', { name: 'Gold', minLevelPoints: 1000 });
      const product = await made('/loyalty/products', { title: 'Spa', points: 100 });
      const welcome = { name: 'welcome', trigger: 'stay.checked_in', action: { type: 'email', template: 'welcome' } };
      const template = (await call(token, 'PUT', '/templates/welcome/email/en', { trigger: 'stay.checked_in', subject: 'Hi', body: '<p>Hi</p>' })).json();
      const rule = await made('/rules', welcome);
      const journeyEvent = await inWriteTransaction(t.database.db, (trx) =>
        recordJourneyEvent(writeContext(trx, f.accountId), { guestId: g, locationId: location.id, type: 'stay.checked_in', source: 'test' }),
      );
      const [message] = (await call(token, 'GET', '/messages')).json().messages;
      routes = [
        { method: 'GET', template: '/locations/{id}', url: (v) => `/locations/${v}` },
        { method: 'PATCH', template: '/locations/{id}', url: (v) => `/locations/${v}`, body: { title: 'Changed' } },
        { method: 'DELETE', template: '/locations/{id}', url: (v) => `/locations/${v}` },
        { method: 'DELETE', template: '/loop-types/{id}', url: (v) => `/loop-types/${v}` },
        { method: 'DELETE', template: '/custom-fields/{id}', url: (v) => `/custom-fields/${v}` },
        { method: 'GET', template: '/surveys/{id}', url: (v) => `/surveys/${v}` },
        { method: 'PATCH', template: '/surveys/{id}', url: (v) => `/surveys/${v}`, body: { name: 'Changed' } },
        { method: 'DELETE', template: '/surveys/{id}', url: (v) => `/surveys/${v}` },
        { method: 'GET', template: '/surveys/{id}/question-sets', url: (v) => `/surveys/${v}/question-sets` },
        { method: 'DELETE', template: '/employees/{id}', url: (v) => `/employees/${v}` },
        { method: 'GET', template: '/staff/{id}', url: (v) => `/staff/${v}` },
        { method: 'PATCH', template: '/staff/{id}', url: (v) => `/staff/${v}`, body: { name: 'Changed' } },
        { method: 'DELETE', template: '/staff/{id}', url: (v) => `/staff/${v}` },
        { method: 'GET', template: '/guests/{id}', url: (v) => `/guests/${v}` },
        { method: 'PATCH', template: '/guests/{id}', url: (v) => `/guests/${v}`, body: { firstName: 'Changed' } },
        { method: 'POST', template: '/guests/{id}/split', url: (v) => `/guests/${v}/split`, body: { key: 'pms:R-1' } },
        { method: 'GET', template: '/guests/{id}/timeline', url: (v) => `/guests/${v}/timeline` },
        { method: 'GET', template: '/guests/{id}/export', url: (v) => `/guests/${v}/export` },
        { method: 'POST', template: '/guests/{id}/erase', url: (v) => `/guests/${v}/erase?force=true` },
        { method: 'DELETE', template: '/identity/blocklist/{id}', url: (v) => `/identity/blocklist/${v}` },
        { method: 'DELETE', template: '/review-questions/{id}', url: (v) => `/review-questions/${v}` },
        { method: 'GET', template: '/competitive-sets/{id}', url: (v) => `/competitive-sets/${v}` },
        { method: 'DELETE', template: '/competitive-sets/{id}', url: (v) => `/competitive-sets/${v}` },
        { method: 'PUT', template: '/competitive-sets/{id}/members/{locationId}', url: (v) => `/competitive-sets/${v}/members/${rival.id}` },
        { method: 'PUT', template: '/competitive-sets/{id}/members/{locationId}', url: (v) => `/competitive-sets/${set.id}/members/${v}` },
        { method: 'DELETE', template: '/competitive-sets/{id}/members/{locationId}', url: (v) => `/competitive-sets/${v}/members/${rival.id}` },
        { method: 'DELETE', template: '/competitive-sets/{id}/members/{locationId}', url: (v) => `/competitive-sets/${set.id}/members/${v}` },
        { method: 'GET', template: '/chat/sessions/{id}', url: (v) => `/chat/sessions/${v}` },
        { method: 'GET', template: '/chat/sessions/{id}/messages', url: (v) => `/chat/sessions/${v}/messages` },
        { method: 'POST', template: '/chat/sessions/{id}/messages', url: (v) => `/chat/sessions/${v}/messages`, body: { authorName: 'R', content: 'hi' } },
        { method: 'POST', template: '/chat/sessions/{id}/read', url: (v) => `/chat/sessions/${v}/read`, body: {} },
        { method: 'POST', template: '/chat/sessions/{id}/typing', url: (v) => `/chat/sessions/${v}/typing`, body: { authorName: 'R' } },
        { method: 'GET', template: '/requests/{id}', url: (v) => `/requests/${v}` },
        { method: 'PATCH', template: '/requests/{id}', url: (v) => `/requests/${v}`, body: { state: 'closed' } },
        { method: 'POST', template: '/requests/{id}/messages', url: (v) => `/requests/${v}/messages`, body: { message: 'hi' } },
        { method: 'POST', template: '/requests/{id}/read', url: (v) => `/requests/${v}/read`, body: {} },
        { method: 'GET', template: '/requests/{id}/assignee', url: (v) => `/requests/${v}/assignee` },
        { method: 'PUT', template: '/requests/{id}/assignee', url: (v) => `/requests/${v}/assignee`, body: { employeeId: null } },
        { method: 'GET', template: '/requests/{id}/notes', url: (v) => `/requests/${v}/notes` },
        { method: 'POST', template: '/requests/{id}/notes', url: (v) => `/requests/${v}/notes`, body: { text: 'note' } },
        { method: 'GET', template: '/chat/sessions/{id}/assignee', url: (v) => `/chat/sessions/${v}/assignee` },
        { method: 'PUT', template: '/chat/sessions/{id}/assignee', url: (v) => `/chat/sessions/${v}/assignee`, body: { employeeId: null } },
        { method: 'GET', template: '/chat/sessions/{id}/notes', url: (v) => `/chat/sessions/${v}/notes` },
        { method: 'POST', template: '/chat/sessions/{id}/notes', url: (v) => `/chat/sessions/${v}/notes`, body: { text: 'note' } },
        { method: 'GET', template: '/webhooks/{id}', url: (v) => `/webhooks/${v}` },
        { method: 'DELETE', template: '/webhooks/{id}', url: (v) => `/webhooks/${v}` },
        { method: 'POST', template: '/webhooks/{id}/enable', url: (v) => `/webhooks/${v}/enable` },
        { method: 'POST', template: '/webhooks/{id}/disable', url: (v) => `/webhooks/${v}/disable` },
        { method: 'POST', template: '/webhooks/{id}/test', url: (v) => `/webhooks/${v}/test` },
        { method: 'GET', template: '/deliveries/{id}', url: (v) => `/deliveries/${v}` },
        { method: 'POST', template: '/deliveries/{id}/replay', url: (v) => `/deliveries/${v}/replay` },
        { method: 'PATCH', template: '/loyalty/levels/{id}', url: (v) => `/loyalty/levels/${v}`, body: { name: 'Changed' } },
        { method: 'GET', template: '/loyalty/products/{id}', url: (v) => `/loyalty/products/${v}` },
        { method: 'PATCH', template: '/loyalty/products/{id}', url: (v) => `/loyalty/products/${v}`, body: { title: 'Changed' } },
        { method: 'GET', template: '/loyalty/members/{id}', url: (v) => `/loyalty/members/${v}` },
        {
          method: 'POST',
          template: '/loyalty/members/{id}/operations',
          url: (v) => `/loyalty/members/${v}/operations`,
          body: { kind: 'add', points: 5, reason: 'strict ids' },
        },
        { method: 'GET', template: '/rules/{id}', url: (v) => `/rules/${v}` },
        { method: 'PUT', template: '/rules/{id}', url: (v) => `/rules/${v}`, body: { ...welcome, name: 'changed' } },
        { method: 'POST', template: '/rules/{id}/enable', url: (v) => `/rules/${v}/enable` },
        { method: 'POST', template: '/rules/{id}/disable', url: (v) => `/rules/${v}/disable` },
        { method: 'POST', template: '/rules/{id}/preview', url: (v) => `/rules/${v}/preview`, body: {} },
        { method: 'POST', template: '/rules/{id}/dry-run', url: (v) => `/rules/${v}/dry-run` },
        { method: 'GET', template: '/journey-events/{id}/explain', url: (v) => `/journey-events/${v}/explain` },
        { method: 'DELETE', template: '/templates/{id}', url: (v) => `/templates/${v}` },
        { method: 'GET', template: '/messages/{id}', url: (v) => `/messages/${v}` },
      ];
      // the real row each route's malformed ids are spelled from
      const ids: Record<string, number> = {
        '/locations/{id}': location.id,
        '/loop-types/{id}': loopType.id,
        '/custom-fields/{id}': customField.id,
        '/surveys/{id}': survey.id,
        '/surveys/{id}/question-sets': survey.id,
        '/employees/{id}': employee.id,
        '/staff/{id}': staffMember.id,
        '/guests/{id}': g,
        '/guests/{id}/split': g,
        '/guests/{id}/timeline': g,
        '/guests/{id}/export': g,
        '/guests/{id}/erase': g,
        '/identity/blocklist/{id}': entry.id,
        '/review-questions/{id}': question.id,
        '/competitive-sets/{id}': set.id,
        '/chat/sessions/{id}': chat.id,
        '/chat/sessions/{id}/messages': chat.id,
        '/chat/sessions/{id}/read': chat.id,
        '/chat/sessions/{id}/typing': chat.id,
        '/requests/{id}': request.id,
        '/requests/{id}/messages': request.id,
        '/requests/{id}/read': request.id,
        '/requests/{id}/assignee': request.id,
        '/requests/{id}/notes': request.id,
        '/chat/sessions/{id}/assignee': chat.id,
        '/chat/sessions/{id}/notes': chat.id,
        '/webhooks/{id}': webhook.id,
        '/webhooks/{id}/enable': webhook.id,
        '/webhooks/{id}/disable': webhook.id,
        '/webhooks/{id}/test': webhook.id,
        '/deliveries/{id}': deliveryId,
        '/deliveries/{id}/replay': deliveryId,
        '/loyalty/levels/{id}': level.id,
        '/loyalty/products/{id}': product.id,
        '/loyalty/members/{id}': g,
        '/loyalty/members/{id}/operations': g,
        '/rules/{id}': rule.id,
        '/rules/{id}/enable': rule.id,
        '/rules/{id}/disable': rule.id,
        '/rules/{id}/preview': rule.id,
        '/rules/{id}/dry-run': rule.id,
        '/journey-events/{id}/explain': journeyEvent.id,
        '/templates/{id}': template.id,
        '/messages/{id}': message.id,
      };
      routes = routes.map((r) => ({ ...r, id: ids[r.template] ?? (r.url('X').includes(`/members/X`) ? rival.id : set.id) }));
      reads = [`/locations/${location.id}`, `/surveys/${survey.id}`, `/guests/${g}`, `/competitive-sets/${set.id}`, `/loyalty/members/${g}`];
    });

    it('covers every admin route that takes an id in its path', async () => {
      const doc = (await t.app.inject({ url: '/admin/openapi.json' })).json();
      const documented = Object.entries<any>(doc.paths).flatMap(([p, ops]) =>
        Object.entries<any>(ops)
          .filter(([, op]) => (op.parameters ?? []).some((x: any) => x.in === 'path' && x.schema?.type === 'integer'))
          .map(([method]) => `${method.toUpperCase()} ${p.replace(/^\/v1/, '')}`),
      );
      expect([...new Set(routes.map((r) => `${r.method} ${r.template}`))].sort()).toEqual([...new Set(documented)].sort());
    });

    it('answers every malformed spelling of a real id with a 404 and changes no row', async () => {
      const before = await snapshot(t);
      for (const route of routes as Array<(typeof routes)[number] & { id: number }>) {
        for (const form of integerForms(route.id)) {
          const res = await call(f.adminToken, route.method, route.url(path(form)), route.body);
          expect(res.statusCode, `${route.method} ${route.url(JSON.stringify(form))}: ${res.body}`).toBe(404);
        }
      }
      // An empty id is another path (the collection, where ignoreTrailingSlash leads): never a change.
      for (const route of routes.filter((r) => r.method !== 'GET')) {
        const res = await call(f.adminToken, route.method, route.url(''), route.body);
        expect(res.statusCode, `${route.method} ${route.url('')}: ${res.body}`).toBeGreaterThanOrEqual(400);
      }
      expect(await snapshot(t)).toEqual(before);
      for (const url of reads) expect((await call(f.adminToken, 'GET', url)).statusCode, url).toBe(200);
    });

    it('answers a malformed id or number in a query string with a 400', async () => {
      for (const form of [...integerForms(f.units.X01), '']) {
        const res = await call(f.adminToken, 'GET', `/competitive-sets?locationId=${path(form)}`);
        expect(res.statusCode, `locationId=${JSON.stringify(form)}: ${res.body}`).toBe(400);
        expect(res.json().error.code).toBe('validation_failed');
      }
      for (const query of ['limit=+5', 'limit=0x10', 'offset=1e1', 'offset=01']) {
        expect((await call(f.adminToken, 'GET', `/guests?${query}`)).statusCode, query).toBe(400);
      }
      expect((await call(f.adminToken, 'GET', `/competitive-sets?locationId=${f.units.X01}`)).statusCode).toBe(200);
    });
  });

  describe('Loopon face', () => {
    let ids: { documentId: number; stayId: number };
    beforeAll(async () => {
      const doc = await addDocument(t, f.accountId, { locationId: f.units.X01, answers: answers(f.questions, { nps: 9 }) });
      const stay = await t.app.inject({
        method: 'POST',
        url: `/loopon/public/units/${f.units.X01}/stays`,
        headers: f.client.headers,
        payload: { guest: { name: 'Ada', email: 'ada@example.test' }, checkin: '2026-11-15', checkout: '2026-11-18', status: 'instay' },
      });
      expect(stay.statusCode, stay.body).toBe(200);
      ids = { documentId: doc.document.id, stayId: stay.json().stayId };
    });

    const routes = (): Array<{ method: 'GET' | 'POST'; url: (v: string) => string; id: number; body?: unknown }> => {
      const u = f.units.X01;
      const e = f.evaluationId;
      return [
        { method: 'GET', url: (v) => `/unit/${v}`, id: u },
        { method: 'GET', url: (v) => `/units/${v}`, id: u },
        { method: 'GET', url: (v) => `/units/${v}/evaluations`, id: u },
        { method: 'GET', url: (v) => `/units/${v}/evaluation/scores/nps`, id: u },
        { method: 'GET', url: (v) => `/units/${u}/evaluations/${v}/scores/nps`, id: e },
        { method: 'GET', url: (v) => `/units/${u}/evaluations/${v}/scores/0`, id: e },
        { method: 'GET', url: (v) => `/units/${v}/evaluations/${e}/answerDocuments`, id: u },
        { method: 'GET', url: (v) => `/units/${u}/evaluations/${v}/answerDocuments`, id: e },
        { method: 'GET', url: (v) => `/units/${u}/evaluations/${e}/answerDocuments/${v}`, id: ids.documentId },
        { method: 'GET', url: (v) => `/units/${u}/evaluation/answerDocuments/${v}`, id: ids.documentId },
        { method: 'GET', url: (v) => `/units/${u}/evaluations/${e}/questionSet/${v}`, id: f.questionSetId },
        { method: 'GET', url: (v) => `/units/${u}/evaluation/questionSet/${v}`, id: f.questionSetId },
        { method: 'GET', url: (v) => `/units/${u}/evaluations/${e}/question/${v}`, id: f.questions.nps.id },
        { method: 'GET', url: (v) => `/units/${u}/evaluation/question/${v}`, id: f.questions.nps.id },
        { method: 'GET', url: (v) => `/units/${v}/stays/${ids.stayId}/events`, id: u },
        { method: 'GET', url: (v) => `/units/${u}/stays/${v}/events`, id: ids.stayId },
        { method: 'GET', url: (v) => `/units/${v}/review-questions`, id: u },
        { method: 'GET', url: (v) => `/units/${v}/reviews`, id: u },
        { method: 'GET', url: (v) => `/units/${v}/reputation`, id: u },
        {
          method: 'POST',
          url: (v) => `/units/${v}/stays`,
          id: u,
          body: { guest: { name: 'Bo', email: 'bo@example.test' }, checkin: '2026-11-15', checkout: '2026-11-18', status: 'instay' },
        },
      ];
    };

    it('answers every malformed spelling of a real id with a 404 and changes no row', async () => {
      // the canonical spellings work
      for (const route of routes().filter((r) => r.method === 'GET')) {
        const res = await t.app.inject({ url: `/loopon/public${route.url(String(route.id))}`, headers: f.client.headers });
        expect(res.statusCode, `${route.url(String(route.id))}: ${res.body}`).toBeLessThan(400);
      }
      const before = await snapshot(t);
      for (const route of routes()) {
        for (const form of integerForms(route.id)) {
          const res = await t.app.inject({
            method: route.method,
            url: `/loopon/public${route.url(path(form))}`,
            headers: f.client.headers,
            payload: route.body as any,
          });
          expect(res.statusCode, `${route.method} ${route.url(JSON.stringify(form))}: ${res.body}`).toBe(404);
        }
      }
      expect(await snapshot(t)).toEqual(before);
    });

    it('answers a semantic id not written as Loopon writes it with its documented 400', async () => {
      for (const form of ['00', '+1', '1.0', '1e0', '0x1', ' 1', '-1', '٣']) {
        const res = await t.app.inject({ url: `/loopon/public/units/${f.units.X01}/evaluation/scores/${path(form)}`, headers: f.client.headers });
        expect(res.statusCode, `${JSON.stringify(form)}: ${res.body}`).toBe(400);
        expect(res.json().error).toBe('invalid_semantic_id');
      }
    });
  });

  describe('Loyalty face', () => {
    let access: Awaited<ReturnType<typeof loyaltyAccess>>;
    let ids: { contact: number; operation: number; product: number };
    beforeAll(async () => {
      access = await loyaltyAccess(t, f.accountId);
      const contact = (await access.call('POST', '/contacts/', { name: 'Strict', email: 'strict@example.test' })).json();
      expect((await access.call('POST', `/contacts/${contact.id}/loyalty-sign-in/`, { password: 'secret-1' })).statusCode).toBe(201);
      const operation = (await access.call('POST', '/operations/add-points/', { contact: contact.id, points: 10, point_type: 0 })).json();
      const product = (await adminCall(() => t)(f.adminToken, 'POST', '/loyalty/products', { title: 'Spa', points: 10 })).json();
      ids = { contact: contact.id, operation: operation.id, product: product.id };
    });

    it('answers every malformed spelling of a real id with a 404 (in a path) or a 400 (in a body) and changes no row', async () => {
      const c = ids.contact;
      const routes: Array<{ method: string; url: (v: string) => string; id: number; body?: unknown }> = [
        { method: 'GET', url: (v) => `/contacts/${v}/`, id: c },
        { method: 'PATCH', url: (v) => `/contacts/${v}/`, id: c, body: { name: 'Changed' } },
        { method: 'POST', url: (v) => `/contacts/${v}/loyalty-update-data/`, id: c, body: { points: 99 } },
        { method: 'POST', url: (v) => `/contacts/${v}/loyalty-change-password/`, id: c, body: { new_password: 'changed-1' } },
        { method: 'POST', url: (v) => `/contacts/${v}/loyalty-reset-account/`, id: c },
        { method: 'GET', url: (v) => `/operations/${v}/`, id: ids.operation },
        { method: 'GET', url: (v) => `/products/${v}/`, id: ids.product },
      ];
      for (const route of routes.filter((r) => r.method === 'GET')) expect((await access.call('GET', route.url(String(route.id)))).statusCode).toBe(200);
      const before = await snapshot(t);
      for (const route of routes) {
        for (const form of integerForms(route.id)) {
          const res = await access.call(route.method, route.url(path(form)), route.body);
          expect(res.statusCode, `${route.method} ${route.url(JSON.stringify(form))}: ${res.body}`).toBe(404);
        }
      }
      for (const form of integerForms(c)) {
        const res = await access.call('POST', '/operations/redeem-points/', { contact: form, points: 1 });
        expect(res.statusCode, `contact ${JSON.stringify(form)}: ${res.body}`).toBe(400);
      }
      expect(await snapshot(t)).toEqual(before);
    });
  });

  describe('Loop face', () => {
    let loop: { location: number; loopType: number; guest: string; loopId: string; loopUrl: string; customField: number };
    const lc = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) => loopCall(t, f.loopToken, method, url, body);

    beforeAll(async () => {
      const admin = adminCall(() => t);
      const location = (await admin(f.adminToken, 'POST', '/locations', { title: 'Pool', shortcode: 'POOL' })).json();
      const loopType = (await admin(f.adminToken, 'POST', '/loop-types', { shortcode: 'spa', title: 'Spa' })).json();
      const customField = (await admin(f.adminToken, 'POST', '/custom-fields', { shortcode: 'pillow', title: 'Pillow' })).json();
      const contact = (await lc('POST', 'Contact', { foreignId: 'F-1', firstname: 'Rick', email: 'rick@example.test' })).json();
      const created = await lc('POST', 'loops', {
        location: encodeId('location', location.id),
        loopType: encodeId('looptype', loopType.id),
        customer: contact.id,
        description: 'Towels',
      });
      expect(created.statusCode, created.body).toBe(200);
      loop = {
        location: location.id,
        loopType: loopType.id,
        guest: contact.id,
        loopId: created.json().id,
        loopUrl: created.json().url,
        customField: customField.id,
      };
    });

    /** Spellings of a Loop id that are not the one the face issued: none names a row. */
    const loopForms = (id: string, n: number) => [
      id.toUpperCase(),
      ` ${id}`,
      `${id} `,
      `${id}0`,
      id.slice(0, 23),
      `0${id}`,
      '4f1927a407caf1f0500002733', // the 25-character id of Loop's own examples: not one we issued
      String(n),
      ...integerForms(n),
    ];

    it('answers every other spelling of an id it issued with a 404 and changes no row', async () => {
      const guestKey = (await t.database.db.selectFrom('guest_keys').select('guest_id').where('key', '=', 'F-1').executeTakeFirstOrThrow()).guest_id;
      const location = encodeId('location', loop.location);
      const loopType = encodeId('looptype', loop.loopType);
      const calls: Array<{ what: string; forms: string[]; send: (v: string) => ReturnType<typeof lc> }> = [
        { what: 'DELETE Contact?id=', forms: loopForms(loop.guest, guestKey), send: (v) => lc('DELETE', `Contact?id=${path(v)}`) },
        { what: 'DELETE Contact {id}', forms: loopForms(loop.guest, guestKey), send: (v) => lc('DELETE', 'Contact', { id: v }) },
        { what: 'POST Contact {id}', forms: loopForms(loop.guest, guestKey), send: (v) => lc('POST', 'Contact', { id: v, firstname: 'Changed' }) },
        {
          what: 'POST ContactEvent {contactId}',
          forms: loopForms(loop.guest, guestKey),
          send: (v) => lc('POST', 'ContactEvent', { event: 'checkin', contactId: v }),
        },
        { what: 'GET loops?customer=', forms: loopForms(loop.guest, guestKey), send: (v) => lc('GET', `loops?customer=${path(v)}`) },
        {
          what: 'POST loops {location}',
          forms: loopForms(location, loop.location),
          send: (v) => lc('POST', 'loops', { location: v, loopType, description: 'x' }),
        },
        {
          what: 'POST loops {loopType}',
          forms: loopForms(loopType, loop.loopType),
          send: (v) => lc('POST', 'loops', { location, loopType: v, description: 'x' }),
        },
        {
          what: 'POST loops {customer}',
          forms: loopForms(loop.guest, guestKey),
          send: (v) => lc('POST', 'loops', { location, loopType, customer: v, description: 'x' }),
        },
        {
          what: 'POST responses {location}',
          forms: loopForms(location, loop.location),
          send: (v) => lc('POST', 'responses', { location: v, responses: [{ categoryId: encodeId('question', f.questions.text.id), value: 'x' }] }),
        },
        {
          what: 'GET customfields/{id}',
          forms: loopForms(encodeId('customfield', loop.customField), loop.customField).filter((v) => v.trim() === v),
          send: (v) => lc('GET', `customfields/${path(v)}`),
        },
      ];
      const before = await snapshot(t);
      for (const c of calls) {
        for (const form of c.forms) {
          const res = await c.send(form);
          expect(res.statusCode, `${c.what} ${JSON.stringify(form)}: ${res.body}`).toBe(404);
        }
      }
      // the guest page of a loop, with the signature of the id as issued
      const sig = new URL(loop.loopUrl).searchParams.get('sig')!;
      for (const form of loopForms(loop.loopId, 1).slice(0, 6)) {
        const res = await t.app.inject({ url: `/loop/p/${new URL(loop.loopUrl).pathname.split('/')[3]}/loops/${path(form)}?sig=${sig}` });
        expect(res.statusCode, `loop page ${JSON.stringify(form)}`).toBe(404);
      }
      expect(await snapshot(t)).toEqual(before);
      // the ids as issued still work
      expect((await lc('GET', `loops?customer=${loop.guest}`)).statusCode).toBe(200);
      expect((await t.app.inject({ url: new URL(loop.loopUrl).pathname + new URL(loop.loopUrl).search })).statusCode).toBe(200);
    });
  });
});
