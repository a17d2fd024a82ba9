import { writeContext } from '../src/core/shared/write-context.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../src/api/loop-v1/ids.js';
import { createLocation } from '../src/core/locations/locations.js';
import { registerStay } from '../src/core/stays/register-stay.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loopCall } from './helpers/loop.js';

// The admin API of journey rules, templates and messages, on a server without SMTP_URL: messages
// stay queued and say why; preview, dry-run and explain change nothing.

describe.each(dialects())('admin API: rules, templates and messages on %s', (dialect) => {
  let t: TestApp;
  let adminToken: string;
  let loopToken: string;
  let accountId: number;
  let locationId: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const created = await createTestAccount(t);
    ({ adminToken, loopToken } = created);
    accountId = created.account.id;
    locationId = (await inWriteTransaction(t.database.db, (trx) => createLocation(trx, accountId, { title: { en: 'Seaside' } }))).id;
  });
  afterAll(async () => t?.close());

  const admin = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url: `/admin/v1${url}`,
      headers: { authorization: `Bearer ${adminToken}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const checkin = (foreignId: string, fields: Record<string, unknown> = {}) =>
    loopCall(t, loopToken, 'POST', 'ContactEvent', { event: 'checkin', foreignId, location: encodeId('location', locationId), firstname: 'Ada', ...fields });
  const template = (language: string, body: Record<string, unknown>) =>
    admin('PUT', `/templates/welcome/email/${language}`, { trigger: 'stay.checked_in', ...body });

  it('templates: saved per name, channel and language; a variable the trigger lacks is a 400 naming it', async () => {
    const refused = await template('en', { subject: 'Hi {{ guest.firstName }}', body: '<p>{{ guest.favouriteColour }}</p>' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('"guest.favouriteColour"');
    expect((await admin('PUT', '/templates/welcome/fax/en', { trigger: 'stay.checked_in', body: 'x' })).statusCode).toBe(400);
    const en = await template('en', { subject: 'Welcome {{ guest.firstName }}', body: '<p>Welcome to {{ location.name }}</p>' });
    expect(en.statusCode, en.body).toBe(200);
    expect(en.json()).toMatchObject({ name: 'welcome', channel: 'email', language: 'en', validForMinutes: 1440 });
    expect((await template('sv', { subject: 'Välkommen {{ guest.firstName }}', body: '<p>Välkommen till {{ location.name }}</p>' })).statusCode).toBe(200);
    const list = (await admin('GET', '/templates?name=welcome')).json().templates;
    expect(list.map((x: { language: string }) => x.language)).toEqual(['en', 'sv']);
  });

  it('rules: create, list, replace, disable and enable; bad input is a 400, a taken name a 409', async () => {
    const body = { name: 'welcome', trigger: 'stay.checked_in', action: { type: 'email', template: 'welcome' } };
    const created = await admin('POST', '/rules', body);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: 'welcome', enabled: true, conditions: { all: [] }, action: { fallbackLanguage: 'en' } });
    expect((await admin('POST', '/rules', body)).statusCode).toBe(409);
    expect((await admin('POST', '/rules', { ...body, name: 'x', action: { type: 'email', template: 'nope' } })).json().error.message).toMatch(
      /no e-mail template/,
    );
    expect((await admin('POST', '/rules', { ...body, name: 'x', trigger: 'stay.flew' })).statusCode).toBe(400);
    expect((await admin('POST', '/rules', { ...body, name: 'x', surprise: 1 })).statusCode).toBe(400);
    const vip = await admin('POST', '/rules', { ...body, name: 'vip', conditions: [{ field: 'guest.vipStatus', op: 'eq', value: 'gold' }], enabled: false });
    expect(vip.json()).toMatchObject({ enabled: false });
    const id = vip.json().id;
    const replaced = await admin('PUT', `/rules/${id}`, {
      ...body,
      name: 'vip',
      conditions: { any: [{ field: 'guest.vipStatus', op: 'in', value: ['gold', 'platinum'] }] },
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ enabled: false, conditions: { any: [{ field: 'guest.vipStatus', op: 'in', value: ['gold', 'platinum'] }] } });
    expect((await admin('POST', `/rules/${id}/enable`)).json().enabled).toBe(true);
    expect((await admin('POST', `/rules/${id}/disable`)).json().enabled).toBe(false);
    expect((await admin('GET', '/rules')).json().rules.map((r: { name: string }) => r.name)).toEqual(['welcome', 'vip']);
    expect((await admin('POST', '/rules/999999/enable')).statusCode).toBe(404);
  });

  it('without SMTP_URL a message stays queued and says why; a resent checkin queues nothing more', async () => {
    expect((await checkin('q-1', { email: 'q1@example.com', language: 'sv' })).statusCode).toBe(200);
    expect((await checkin('q-1', { email: 'q1@example.com' })).statusCode).toBe(200);
    const messages = (await admin('GET', '/messages?status=queued')).json().messages;
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ recipient: 'q1@example.com', language: 'sv', status: 'queued', attempts: 0, template: 'welcome', channel: 'email' });
    expect(messages[0].undeliverable).toMatch(/SMTP_URL is not set/);
    const one = await admin('GET', `/messages/${messages[0].id}`);
    expect(one.json()).toMatchObject({ id: messages[0].id, html: null, text: null });
    expect((await admin('GET', '/messages/99999999')).statusCode).toBe(404);
    expect((await admin('GET', '/messages?status=lost')).statusCode).toBe(400);
  });

  it('a stay that moves to instay (Loopon) is a checkin, once per stay', async () => {
    const register = (status: 'prestay' | 'instay' | 'poststay') =>
      inWriteTransaction(t.database.db, (trx) =>
        registerStay(
          writeContext(trx, accountId),
          locationId,
          { status, name: 'Per Holm', email: 'per@example.com', language: 'sv', bookingReference: 'LP-1' },
          'loopon',
        ),
      );
    await register('prestay');
    await register('instay');
    await register('poststay');
    await register('instay');
    const messages = (await admin('GET', '/messages')).json().messages.filter((m: { recipient: string }) => m.recipient === 'per@example.com');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ language: 'sv' });
  });

  it('preview renders a rule for a guest without sending; dry-run and explain say what fires and why', async () => {
    const rules = (await admin('GET', '/rules')).json().rules;
    const welcome = rules.find((r: { name: string }) => r.name === 'welcome');
    const vip = rules.find((r: { name: string }) => r.name === 'vip');
    const [message] = (await admin('GET', '/messages')).json().messages.filter((m: { recipient: string }) => m.recipient === 'q1@example.com');
    const preview = await admin('POST', `/rules/${welcome.id}/preview`, { guestId: message.guestId });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({ to: 'q1@example.com', language: 'sv', subject: 'Välkommen Ada' });
    expect(preview.json().text).toContain('Välkommen till Seaside');
    expect(preview.json().html).toContain('<p>Välkommen till Seaside</p>');
    expect((await admin('POST', `/rules/${welcome.id}/preview`, { guestId: message.guestId, language: 'fr' })).json()).toMatchObject({
      language: 'en',
      subject: 'Welcome Ada',
    });
    expect((await admin('POST', `/rules/${welcome.id}/preview`, { guestId: 99999999 })).statusCode).toBe(404);
    const before = (await admin('GET', '/messages')).json().messages.length;

    const dry = await admin('POST', `/rules/${welcome.id}/dry-run?limit=100`);
    expect(dry.statusCode, dry.body).toBe(200);
    const forQ1 = dry.json().results.filter((r: { guestId: number }) => r.guestId === message.guestId);
    expect(forQ1.map((r: { reason: string }) => r.reason)).toEqual([
      expect.stringMatching(/^already fired for this stay/),
      expect.stringMatching(/^already fired for this stay/),
    ]);
    const vipRes = await admin('POST', `/rules/${vip.id}/dry-run`);
    expect(vipRes.statusCode, vipRes.body).toBe(200);
    const vipDry = vipRes.json().results;
    const vipQ1 = vipDry.find((r: { guestId: number }) => r.guestId === message.guestId);
    expect(vipQ1).toMatchObject({ wouldFire: false, reason: 'its conditions do not hold' });
    expect(vipQ1.tests).toEqual([{ field: 'guest.vipStatus', op: 'in', value: ['gold', 'platinum'], actual: null, held: false }]);

    const events = await t.database.db.selectFrom('journey_events').select(['id', 'type']).where('guest_id', '=', message.guestId).orderBy('id').execute();
    const explained = await admin('GET', `/journey-events/${events[0].id}/explain`);
    expect(explained.statusCode, explained.body).toBe(200);
    expect(explained.json().event).toMatchObject({ id: events[0].id, type: 'stay.checked_in', countsAs: ['stay.checked_in'] });
    const byName = Object.fromEntries(explained.json().rules.map((r: { name: string }) => [r.name, r]));
    expect(byName.welcome).toMatchObject({ fired: true, outcome: 'queued', messageId: message.id });
    expect(byName.vip).toMatchObject({ fired: false, reason: expect.stringMatching(/^its conditions do not hold \(now\): guest.vipStatus in/) });
    const again = (await admin('GET', `/journey-events/${events[1].id}/explain`)).json();
    expect(again.rules.find((r: { name: string }) => r.name === 'welcome').reason).toMatch(/already fired for this stay \(event \d+\)/);
    expect((await admin('GET', '/journey-events/99999999/explain')).statusCode).toBe(404);
    expect((await admin('GET', '/messages')).json().messages.length).toBe(before);
  });

  it('staff mark an address suppressed, list it, and lift it', async () => {
    const marked = await admin('POST', '/messaging/suppressions', { channel: 'email', address: ' Marked@Example.com ' });
    expect(marked.statusCode, marked.body).toBe(200);
    expect(marked.json()).toEqual({ channel: 'email', address: 'marked@example.com' });
    expect((await admin('POST', '/messaging/suppressions', { channel: 'sms', address: 'x@y.z' })).statusCode).toBe(400);
    const sms = await admin('POST', '/messaging/suppressions', { channel: 'sms', address: '+46 70-123 45 67' });
    expect(sms.statusCode, sms.body).toBe(200);
    expect(sms.json()).toEqual({ channel: 'sms', address: '+46701234567' });
    expect((await admin('DELETE', '/messaging/suppressions?channel=sms&address=%2B46701234567')).statusCode).toBe(204);
    await checkin('marked-1', { email: 'marked@example.com' });
    expect((await admin('GET', '/messages')).json().messages.some((m: { recipient: string }) => m.recipient === 'marked@example.com')).toBe(false);
    const list = (await admin('GET', '/messaging/suppressions')).json().suppressions;
    expect(list).toContainEqual({ channel: 'email', address: 'marked@example.com', reason: 'manual', createdAt: expect.any(Number) });
    expect((await admin('DELETE', '/messaging/suppressions?channel=email&address=marked%40example.com')).statusCode).toBe(204);
    expect((await admin('DELETE', '/messaging/suppressions?channel=email&address=marked%40example.com')).statusCode).toBe(404);
    await checkin('marked-2', { email: 'marked@example.com' });
    expect((await admin('GET', '/messages')).json().messages.some((m: { recipient: string }) => m.recipient === 'marked@example.com')).toBe(true);
  });

  it('a disabled rule fires nothing, and the OpenAPI document describes the routes', async () => {
    const rules = (await admin('GET', '/rules')).json().rules;
    const welcome = rules.find((r: { name: string }) => r.name === 'welcome');
    await admin('POST', `/rules/${welcome.id}/disable`);
    await checkin('off-1', { email: 'off@example.com' });
    expect((await admin('GET', '/messages')).json().messages.some((m: { recipient: string }) => m.recipient === 'off@example.com')).toBe(false);
    const doc = (await t.app.inject({ url: '/admin/openapi.json' })).json();
    for (const path of [
      '/v1/rules',
      '/v1/rules/{id}',
      '/v1/rules/{id}/dry-run',
      '/v1/rules/{id}/preview',
      '/v1/journey-events/{id}/explain',
      '/v1/templates/{name}/{channel}/{language}',
      '/v1/messages',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });
});
