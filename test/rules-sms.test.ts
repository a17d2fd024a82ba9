import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../src/api/loop-v1/ids.js';
import { attachChatSessionStay, ensureChatSession } from '../src/core/chat/chat-sessions.js';
import { startJobWorker, type JobWorker } from '../src/core/jobs/job-worker.js';
import { createRule } from '../src/core/journeys/rules.js';
import { createLocation } from '../src/core/locations/locations.js';
import { saveTemplate } from '../src/core/messaging/templates.js';
import { undeliverable } from '../src/api/admin/routes/messaging.js';
import { createOutboundClient, type OutboundClient } from '../src/core/outbound/http-client.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { jobHandlers } from '../src/server/job-handlers.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loopCall } from './helpers/loop.js';
import { startFakeTwilio, type FakeTwilio } from './helpers/twilio.js';
import { waitUntil } from './helpers/wait.js';

// The SMS channel end to end: a Loop ContactEvent roomready fires an SMS rule whose text reaches a
// local stand-in for Twilio's Messages API (TWILIO_BASE_URL) after the commit, retried when the
// provider fails; Twilio's signed webhooks update the delivery state and bring guest SMS in
// (STOP unsubscribes, text lands in the guest's chat).

const FAST = { delaysMs: [20, 40, 80, 160, 320], laterMs: 500, lifetimeMs: 300_000 };
const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'twilio-auth-token-for-tests';
const FROM = '+15005550006';

/** Twilio's signature as its documentation defines it, written here independently of the server's code. */
function sign(url: string, params: Record<string, string>): string {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((k) => k + params[k])
      .join('');
  return createHmac('sha1', TOKEN).update(data).digest('base64');
}

describe.each(dialects())('journey rules send SMS through Twilio on %s', (dialect) => {
  let t: TestApp;
  let twilio: FakeTwilio;
  let outbound: OutboundClient;
  let worker: JobWorker | undefined;
  let token: string;
  let adminToken: string;
  let accountId: number;
  let locationId: number;
  let location: string;

  beforeAll(async () => {
    twilio = await startFakeTwilio();
    t = await createTestApp(dialect, { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_FROM: FROM, TWILIO_BASE_URL: twilio.url });
    outbound = createOutboundClient({ allowPrivate: true });
    const created = await createTestAccount(t);
    token = created.loopToken;
    adminToken = created.adminToken;
    accountId = created.account.id;
    const db = t.database.db;
    const loc = await inWriteTransaction(db, (trx) => createLocation(trx, accountId, { title: { en: 'Grand Hotel' } }));
    locationId = loc.id;
    location = encodeId('location', loc.id);
    await inWriteTransaction(db, async (trx) => {
      await saveTemplate(trx, accountId, {
        name: 'room-ready',
        channel: 'sms',
        language: 'en',
        trigger: 'stay.room_readied',
        body: 'Hi {{ guest.firstName }}, room {{ stay.room }} at {{ location.name }} is ready & waiting.',
      });
      await createRule(trx, accountId, {
        name: 'room-ready',
        trigger: 'stay.room_readied',
        conditions: { all: [{ field: 'guest.hasMobile', op: 'eq', value: true }] },
        action: { type: 'sms', template: 'room-ready', fallbackLanguage: 'en' },
      });
    });
    worker = startJobWorker({ db, handlers: jobHandlers({ config: t.config, secrets: t.secrets, outbound, retrySchedule: FAST }), pollMs: 10, leaseMs: 5_000 });
  });
  afterAll(async () => {
    await worker?.stop();
    await outbound?.close();
    await twilio?.close();
    await t?.close();
  });

  const roomReady = (foreignId: string, mobile: string) =>
    loopCall(t, token, 'POST', 'ContactEvent', { event: 'roomready', foreignId, location, firstname: 'Ada', room: '305', mobile });
  const messageTo = (mobile: string) =>
    t.database.db.selectFrom('messages').selectAll().where('account_id', '=', accountId).where('recipient', '=', mobile).executeTakeFirst();
  const smsTo = (mobile: string) => twilio.requests.filter((r) => r.form.To === mobile);
  const hook = (path: string, params: Record<string, string>, signature = sign(`${t.config.publicUrl}${path}`, params)) =>
    t.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      payload: new URLSearchParams(params).toString(),
    });
  const suppression = (mobile: string) =>
    t.database.db
      .selectFrom('message_suppressions')
      .select('reason')
      .where('account_id', '=', accountId)
      .where('channel', '=', 'sms')
      .where('address', '=', mobile)
      .executeTakeFirst();

  it('a roomready sends the SMS with To, From, Body and Basic auth to the Messages API', async () => {
    const res = await roomReady('sms-1', '+46701234501');
    expect(res.statusCode, res.body).toBe(200);
    const sms = (await waitUntil(() => smsTo('+46701234501')[0], { what: 'the SMS at Twilio' }))!;
    expect(sms.method).toBe('POST');
    expect(sms.url).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(sms.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sms.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(sms.form.From).toBe(FROM);
    expect(sms.form.Body).toBe('Hi Ada, room 305 at Grand Hotel is ready & waiting.');
    expect(sms.form.StatusCallback).toBe('http://openstay.test/hooks/twilio/status');
    const message = await waitUntil(async () => ((await messageTo('+46701234501'))?.status === 'sent' ? messageTo('+46701234501') : undefined));
    expect(message).toMatchObject({ channel: 'sms', status: 'sent', body_text: sms.form.Body, delivery_status: 'queued', attempts: 1 });
    expect(message!.provider_id).toMatch(/^SM[0-9]{32}$/);
    // A resent roomready of the same stay sends nothing more.
    expect((await roomReady('sms-1', '+46701234501')).statusCode).toBe(200);
    expect(await t.database.db.selectFrom('messages').select('id').where('recipient', '=', '+46701234501').execute()).toHaveLength(1);
  });

  it('a provider that fails gets the SMS on retry, on the e-mail schedule', async () => {
    twilio.answer({ status: 503 }, { status: 500 });
    expect((await roomReady('sms-2', '+46701234502')).statusCode).toBe(200);
    const message = await waitUntil(async () => ((await messageTo('+46701234502'))?.status === 'sent' ? messageTo('+46701234502') : undefined), {
      what: 'the SMS sent on its third attempt',
    });
    expect(message!.attempts).toBe(3);
    expect(smsTo('+46701234502')).toHaveLength(3);
    expect(smsTo('+46701234502').every((r) => r.form.Body === 'Hi Ada, room 305 at Grand Hotel is ready & waiting.')).toBe(true);
  });

  it('an invalid number (400, Twilio error 21211) fails the SMS and suppresses the number for SMS', async () => {
    twilio.answer({ status: 400, code: 21211 });
    expect((await roomReady('sms-3', '+46701234503')).statusCode).toBe(200);
    const message = await waitUntil(async () => ((await messageTo('+46701234503'))?.status === 'failed' ? messageTo('+46701234503') : undefined));
    expect(message!.last_error).toContain('21211');
    expect(smsTo('+46701234503')).toHaveLength(1);
    expect(await suppression('+46701234503')).toEqual({ reason: 'refused' });
    // Another stay of the same number queues nothing.
    expect((await roomReady('sms-3b', '+46701234503')).statusCode).toBe(200);
    const rows = await t.database.db.selectFrom('messages').select('id').where('recipient', '=', '+46701234503').execute();
    expect(rows).toHaveLength(1);
  });

  it('a status callback with a valid signature updates the delivery state; an invalid one is a 403', async () => {
    expect((await roomReady('sms-4', '+46701234504')).statusCode).toBe(200);
    const sent = await waitUntil(async () => ((await messageTo('+46701234504'))?.status === 'sent' ? messageTo('+46701234504') : undefined));
    const params = { MessageSid: sent!.provider_id!, MessageStatus: 'delivered', AccountSid: SID, To: '+46701234504', From: FROM };
    const forged = await hook('/hooks/twilio/status', params, sign('http://elsewhere.test/hooks/twilio/status', params));
    expect(forged.statusCode).toBe(403);
    expect((await hook('/hooks/twilio/status', params, '')).statusCode).toBe(403);
    expect((await messageTo('+46701234504'))!.delivery_status).toBe('queued');
    const res = await hook('/hooks/twilio/status', params);
    expect(res.statusCode, res.body).toBe(204);
    expect((await messageTo('+46701234504'))!.delivery_status).toBe('delivered');
    // A late `sent` does not take the state back.
    expect((await hook('/hooks/twilio/status', { ...params, MessageStatus: 'sent' })).statusCode).toBe(204);
    expect((await messageTo('+46701234504'))!.delivery_status).toBe('delivered');
    const admin = await t.app.inject({ method: 'GET', url: `/admin/v1/messages/${sent!.id}`, headers: { authorization: `Bearer ${adminToken}` } });
    expect(admin.statusCode, admin.body).toBe(200);
    expect(admin.json()).toMatchObject({ channel: 'sms', status: 'sent', deliveryStatus: 'delivered', text: sent!.body_text });
  });

  it('an inbound STOP unsubscribes the number, START resubscribes it; a forged one changes nothing', async () => {
    expect((await roomReady('sms-5', '+46701234505')).statusCode).toBe(200);
    await waitUntil(async () => (await messageTo('+46701234505'))?.status === 'sent');
    const stop = { MessageSid: 'SMinbound0001', From: '+46701234505', To: FROM, Body: 'Stop' };
    expect((await hook('/hooks/twilio/inbound', stop, 'bad')).statusCode).toBe(403);
    expect(await suppression('+46701234505')).toBeUndefined();
    const res = await hook('/hooks/twilio/inbound', stop);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(await suppression('+46701234505')).toEqual({ reason: 'unsubscribed' });
    expect((await hook('/hooks/twilio/inbound', { ...stop, MessageSid: 'SMinbound0002', Body: 'START' })).statusCode).toBe(200);
    expect(await suppression('+46701234505')).toBeUndefined();
  });

  it("an inbound text becomes a guest chat message of the guest's latest stay with a chat session", async () => {
    expect((await roomReady('sms-6', '+46701234506')).statusCode).toBe(200);
    const message = await waitUntil(() => messageTo('+46701234506'));
    const db = t.database.db;
    const session = await inWriteTransaction(db, async (trx) => {
      const s = await ensureChatSession(trx, accountId, message!.guest_id, locationId, 'en');
      return attachChatSessionStay(trx, s, { stayId: message!.stay_id!, status: 'instay', checkoutDate: null });
    });
    const res = await hook('/hooks/twilio/inbound', { MessageSid: 'SMinbound0003', From: '+46701234506', To: FROM, Body: 'Could we get two more towels?' });
    expect(res.statusCode, res.body).toBe(200);
    const events = await db.selectFrom('chat_events').selectAll().where('account_id', '=', accountId).where('session_id', '=', session.id).execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'chatMessage', author: 'guest', stay_id: message!.stay_id });
    expect(JSON.parse(events[0].payload)).toMatchObject({
      content: 'Could we get two more towels?',
      contentType: 'text/plain',
      media: 'sms',
      localId: 'SMinbound0003',
    });
    // A number no guest has is answered and kept nowhere.
    const stranger = await hook('/hooks/twilio/inbound', { MessageSid: 'SMinbound0004', From: '+46709999999', To: FROM, Body: 'hello?' });
    expect(stranger.statusCode).toBe(200);
    expect(await db.selectFrom('chat_events').select('id').where('account_id', '=', accountId).execute()).toHaveLength(1);
  });

  it('an SMS template has no subject, and an SMS rule needs an SMS template in its fallback language', async () => {
    const admin = (method: 'PUT' | 'POST', url: string, body: unknown) =>
      t.app.inject({ method, url: `/admin/v1${url}`, headers: { authorization: `Bearer ${adminToken}` }, payload: body as object });
    const withSubject = await admin('PUT', '/templates/reminder/sms/en', { trigger: 'stay.checked_in', subject: 'Hi', body: 'Hello' });
    expect(withSubject.statusCode).toBe(400);
    expect(withSubject.json().error.message).toContain('an SMS template has no subject');
    const badVariable = await admin('PUT', '/templates/reminder/sms/en', { trigger: 'stay.checked_in', body: 'Hello {{ guest.secret }}' });
    expect(badVariable.statusCode).toBe(400);
    const rule = await admin('POST', '/rules', { name: 'no-sms', trigger: 'stay.checked_in', action: { type: 'sms', template: 'nothing' } });
    expect(rule.statusCode).toBe(400);
    expect(rule.json().error.message).toContain('has no SMS template in the fallback language en');
  });

  it('preview renders the SMS text for a guest, and dry-run says whom it would text', async () => {
    const auth = { authorization: `Bearer ${adminToken}` };
    const sent = await waitUntil(() => messageTo('+46701234501'));
    const rule = (await t.app.inject({ method: 'GET', url: '/admin/v1/rules', headers: auth }))
      .json()
      .rules.find((r: { name: string }) => r.name === 'room-ready');
    expect(rule.action.type).toBe('sms');
    const preview = await t.app.inject({ method: 'POST', url: `/admin/v1/rules/${rule.id}/preview`, headers: auth, payload: { guestId: sent!.guest_id } });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({
      to: '+46701234501',
      language: 'en',
      subject: '',
      html: '',
      text: 'Hi Ada, room 305 at Grand Hotel is ready & waiting.',
    });
    const dry = await t.app.inject({ method: 'POST', url: `/admin/v1/rules/${rule.id}/dry-run?limit=100`, headers: auth });
    expect(dry.statusCode, dry.body).toBe(200);
    const reasons = dry.json().results.map((r: { reason: string }) => r.reason);
    expect(reasons).toContainEqual(expect.stringMatching(/^already fired for this stay/));
  });

  it('without the Twilio variables a queued SMS says why it waits', () => {
    const queued = { status: 'queued', channel: 'sms' };
    expect(undeliverable(queued, { smtpUrl: 'smtp://x', twilio: undefined })).toMatch(/^TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set/);
    expect(undeliverable(queued, { smtpUrl: undefined, twilio: t.config.twilio })).toBeNull();
  });
});

describe.each(dialects())('SMS without the Twilio variables on %s', (dialect) => {
  let t: TestApp;
  let twilio: FakeTwilio;
  let outbound: OutboundClient;
  const workers: JobWorker[] = [];

  beforeAll(async () => {
    twilio = await startFakeTwilio();
    t = await createTestApp(dialect);
    outbound = createOutboundClient({ allowPrivate: true });
  });
  afterAll(async () => {
    for (const w of workers) await w.stop();
    await outbound?.close();
    await twilio?.close();
    await t?.close();
  });

  it('stay queued, shown as undeliverable, and leave once a worker with them runs', async () => {
    const db = t.database.db;
    const { account, adminToken, loopToken } = await createTestAccount(t);
    const loc = await inWriteTransaction(db, (trx) => createLocation(trx, account.id, { title: { en: 'Grand Hotel' } }));
    await inWriteTransaction(db, async (trx) => {
      await saveTemplate(trx, account.id, {
        name: 'ready',
        channel: 'sms',
        language: 'en',
        trigger: 'stay.room_readied',
        body: 'Room {{ stay.room }} is ready.',
      });
      await createRule(trx, account.id, { name: 'ready', trigger: 'stay.room_readied', action: { type: 'sms', template: 'ready' } });
    });
    workers.push(startJobWorker({ db, handlers: jobHandlers({ config: t.config, secrets: t.secrets, outbound, retrySchedule: FAST }), pollMs: 10 }));
    const res = await loopCall(t, loopToken, 'POST', 'ContactEvent', {
      event: 'roomready',
      foreignId: 'nosms-1',
      location: encodeId('location', loc.id),
      room: '12',
      mobile: '+46701230001',
    });
    expect(res.statusCode, res.body).toBe(200);
    const list = await t.app.inject({ method: 'GET', url: '/admin/v1/messages?status=queued', headers: { authorization: `Bearer ${adminToken}` } });
    expect(list.statusCode, list.body).toBe(200);
    const [queued] = list.json().messages;
    expect(queued).toMatchObject({ channel: 'sms', recipient: '+46701230001', status: 'queued', attempts: 0 });
    expect(queued.undeliverable).toMatch(/^TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set/);
    // The worker without them leaves the SMS alone; one with them sends it.
    const withTwilio = { ...t.config, twilio: { accountSid: SID, authToken: TOKEN, from: FROM, baseUrl: twilio.url } };
    workers.push(startJobWorker({ db, handlers: jobHandlers({ config: withTwilio, secrets: t.secrets, outbound, retrySchedule: FAST }), pollMs: 10 }));
    const sms = await waitUntil(() => twilio.requests[0], { what: 'the SMS sent by the worker with the Twilio settings' });
    expect(sms!.form).toMatchObject({ To: '+46701230001', From: FROM, Body: 'Room 12 is ready.' });
  });
});
