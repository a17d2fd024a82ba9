import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../src/api/loop-v1/ids.js';
import { readSurveyLink } from '../src/core/accounts/survey-links.js';
import { createEvaluation } from '../src/core/feedback/evaluations.js';
import { startJobWorker, type JobWorker } from '../src/core/jobs/job-worker.js';
import { createLocation } from '../src/core/locations/locations.js';
import { createLoopType } from '../src/core/locations/loop-types.js';
import { listMessages } from '../src/core/messaging/messages.js';
import { createOutboundClient, type OutboundClient } from '../src/core/outbound/http-client.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { jobHandlers } from '../src/server/job-handlers.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loopCall } from './helpers/loop.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { startSmtpServer, type SmtpReceiver } from './helpers/smtp.js';
import { waitUntil } from './helpers/wait.js';

// The rule actions besides plain e-mail and SMS, end to end through the worker: a survey
// invitation e-mail (to a real SMTP server on loopback) whose link the survey page will accept, a
// webhook signed per Standard Webhooks, a chat message into the guest's chat session, and a
// request opened for staff; and the account's own From and Reply-To on its e-mails.

const FAST = { delaysMs: [20, 40, 80, 160, 320], laterMs: 500, lifetimeMs: 300_000 };

describe.each(dialects())('rule actions on %s', (dialect) => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  let receiver: Receiver;
  let outbound: OutboundClient;
  let worker: JobWorker | undefined;
  const admin = adminCall(() => t);

  beforeAll(async () => {
    smtp = await startSmtpServer();
    receiver = await startReceiver();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url, MAIL_FROM: 'Openstay <mail@openstay.test>', ALLOW_PRIVATE_CALLBACK_URLS: 'true' });
    outbound = createOutboundClient({ allowPrivate: true, timeoutMs: 5_000 });
    worker = startJobWorker({
      db: t.database.db,
      handlers: jobHandlers({ config: t.config, secrets: t.secrets, outbound, retrySchedule: FAST }),
      pollMs: 10,
      leaseMs: 5_000,
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await outbound?.close();
    await receiver?.close();
    await smtp?.close();
    await t?.close();
  });

  /** A new account with a location (time zone UTC) and its tokens. */
  async function hotel() {
    const created = await createTestAccount(t);
    const accountId = created.account.id;
    const loc = await inWriteTransaction(t.database.db, (trx) => createLocation(trx, accountId, { title: { en: 'Sea Hotel' } }));
    const event = (event: string, foreignId: string, fields: Record<string, unknown> = {}) =>
      loopCall(t, created.loopToken, 'POST', 'ContactEvent', {
        event,
        foreignId,
        location: encodeId('location', loc.id),
        firstname: 'Ada',
        lastname: 'Lovelace',
        ...fields,
      });
    const call = (method: string, url: string, payload?: unknown) => admin(created.adminToken, method, url, payload);
    return { ...created, accountId, location: loc, event, call };
  }

  it('a survey invitation e-mail carries a signed survey link for the guest and stay, source poststay on checkout', async () => {
    const h = await hotel();
    const sections = [{ questions: [{ type: 'text' as const, title: { en: 'How was it?' } }] }];
    const survey = await inWriteTransaction(t.database.db, (trx) => createEvaluation(trx, h.accountId, { name: 'After the stay', sections }));
    const template = {
      trigger: 'stay.checked_out',
      subject: 'How was {{ location.name }}?',
      body: '<p>Tell us: <a href="{{ links.survey }}">the survey</a></p>',
    };
    expect((await h.call('PUT', '/templates/after-stay/email/en', template)).statusCode).toBe(200);
    const rule = {
      name: 'after-stay',
      trigger: 'stay.checked_out',
      action: { type: 'survey_invitation', channel: 'email', template: 'after-stay', surveyId: survey.id },
    };
    const created = await h.call('POST', '/rules', rule);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().action).toMatchObject({ type: 'survey_invitation', channel: 'email', surveyId: survey.id, source: null });

    expect((await h.event('checkout', 'stay-1', { email: 'ada.survey@example.com' })).statusCode).toBe(200);
    const mail = (await waitUntil(() => smtp.mails.find((m) => m.to.includes('ada.survey@example.com')), { what: 'the invitation' }))!;
    expect(mail.header('subject')).toBe('How was Sea Hotel?');
    const href = /href="(http:\/\/openstay\.test\/survey\/[^"]+)"/.exec(mail.decoded)?.[1];
    expect(href, mail.decoded).toBeDefined();
    const url = new URL(href!.replace(/&amp;/g, '&'));
    const [, , slug, surveyId] = url.pathname.split('/');
    const link = readSurveyLink(h.account.page_secret, slug, surveyId, Object.fromEntries(url.searchParams));
    const message = (await listMessages(t.database.db, h.accountId))[0];
    expect(link).toEqual({ slug: h.account.slug, surveyId: survey.id, guestId: message.guest_id, stayId: message.stay_id, source: 'poststay' });
    expect(message.stay_id).not.toBeNull();
    // a changed parameter breaks the signature
    url.searchParams.set('source', 'instay');
    expect(readSurveyLink(h.account.page_secret, slug, surveyId, Object.fromEntries(url.searchParams))).toBeUndefined();
  });

  it('a survey invitation needs links.survey in its template and a survey of the account; other messages may not use it', async () => {
    const h = await hotel();
    await h.call('PUT', '/templates/plain/email/en', { trigger: 'stay.checked_out', subject: 'Hi', body: '<p>Hello {{ guest.firstName }}</p>' });
    await h.call('PUT', '/templates/invite/email/en', { trigger: 'stay.checked_out', subject: 'Hi', body: '<p>{{ links.survey }}</p>' });
    const sections = [{ questions: [{ type: 'text' as const, title: { en: 'How was it?' } }] }];
    const survey = await inWriteTransaction(t.database.db, (trx) => createEvaluation(trx, h.accountId, { name: 'S', sections }));
    const rule = (action: Record<string, unknown>) =>
      h.call('POST', '/rules', { name: `r-${Math.random().toString(36).slice(2, 8)}`, trigger: 'stay.checked_out', action });
    const noLink = await rule({ type: 'survey_invitation', channel: 'email', template: 'plain', surveyId: survey.id });
    expect(noLink.statusCode).toBe(400);
    expect(noLink.json().error.message).toContain('does not use links.survey');
    const usesLink = await rule({ type: 'email', template: 'invite' });
    expect(usesLink.statusCode).toBe(400);
    expect(usesLink.json().error.message).toContain('only a survey_invitation action provides it');
    const noSurvey = await rule({ type: 'survey_invitation', channel: 'email', template: 'invite', surveyId: survey.id + 1000 });
    expect(noSurvey.statusCode).toBe(400);
    expect(noSurvey.json().error.message).toContain('must name a survey of the account');
    expect((await rule({ type: 'webhook', webhookId: 999_999 })).json().error.message).toContain('no webhook subscription 999999');
    expect((await rule({ type: 'open_request', loopType: 'nope' })).json().error.message).toContain('loop type');
    expect((await h.call('GET', '/rules')).json().rules.filter((r: { builtin: string | null }) => r.builtin === null)).toEqual([]);
  });

  it('a webhook action posts the event to the subscription, signed per Standard Webhooks', async () => {
    const h = await hotel();
    const sub = await h.call('POST', '/webhooks', { url: `${receiver.url}/rules-${h.accountId}`, events: ['rule.webhook'] });
    expect(sub.statusCode, sub.body).toBe(201);
    const { webhook, secret } = { webhook: sub.json(), secret: sub.json().secret as string };
    const created = await h.call('POST', '/rules', { name: 'tell-crm', trigger: 'stay.checked_in', action: { type: 'webhook', webhookId: webhook.id } });
    expect(created.statusCode, created.body).toBe(201);
    expect((await h.event('checkin', 'hook-1', { email: 'ada.hook@example.com' })).statusCode).toBe(200);
    const request = (await waitUntil(() => receiver.received.find((r) => r.url === `/rules-${h.accountId}`), { what: 'the webhook call' }))!;
    const body = new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as { type: string; data: any };
    expect(body.type).toBe('rule.webhook');
    expect(body.data.rule).toEqual({ id: created.json().id, name: 'tell-crm' });
    expect(body.data.event).toMatchObject({ type: 'stay.checked_in', stayId: expect.any(Number), locationId: h.location.id, guestId: expect.any(Number) });
    // the delivery is in the log like any webhook's
    const deliveries = await h.call('GET', '/deliveries');
    expect(deliveries.statusCode, deliveries.body).toBe(200);
    expect(JSON.stringify(deliveries.json())).toContain('rule.webhook');
  });

  it('a chat message action posts into the guest chat session of the stay (opened for a guest without one)', async () => {
    const h = await hotel();
    expect(
      (await h.call('PUT', '/templates/hello/chat/en', { trigger: 'stay.checked_in', body: 'Welcome {{ guest.firstName }}, write to us here any time.' }))
        .statusCode,
    ).toBe(200);
    const chatSubject = await h.call('PUT', '/templates/bad/chat/en', { trigger: 'stay.checked_in', subject: 'No', body: 'x' });
    expect(chatSubject.statusCode).toBe(400);
    expect((await h.call('POST', '/rules', { name: 'hello', trigger: 'stay.checked_in', action: { type: 'chat', template: 'hello' } })).statusCode).toBe(201);
    expect((await h.event('checkin', 'chat-1', { email: 'ada.chat@example.com' })).statusCode).toBe(200);
    const session = await waitUntil(
      async () => {
        const list = await h.call('GET', '/chat/sessions');
        return list.json().sessions[0];
      },
      { what: 'a chat session with the message' },
    );
    expect(session).toMatchObject({ locationId: h.location.id, stayId: expect.any(Number), expired: false });
    const messages = (await h.call('GET', `/chat/sessions/${session.id}/messages`)).json().messages;
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      author: 'hotel',
      authorName: 'Sea Hotel',
      content: 'Welcome Ada, write to us here any time.',
      contentType: 'text/plain',
    });
    const sent = await waitUntil(async () => (await listMessages(t.database.db, h.accountId, { status: 'sent' }))[0], { what: 'the message marked sent' });
    expect(sent).toMatchObject({ channel: 'chat', recipient: `location:${h.location.id}`, body_text: 'Welcome Ada, write to us here any time.' });
  });

  it('an open_request action opens a request of the type after the commit, visible in /admin/v1/requests', async () => {
    const h = await hotel();
    await createLoopType(t.database.db, h.accountId, 'vip', { en: 'VIP care' });
    const rule = {
      name: 'vip-care',
      trigger: 'stay.checked_in',
      conditions: [{ field: 'guest.vipStatus', op: 'eq', value: 'gold' }],
      action: { type: 'open_request', loopType: 'vip', title: 'Welcome a VIP' },
    };
    const created = await h.call('POST', '/rules', rule);
    expect(created.statusCode, created.body).toBe(201);
    expect((await h.event('checkin', 'vip-1', { email: 'gold@example.com', vipStatus: 'gold' })).statusCode).toBe(200);
    expect((await h.event('checkin', 'plain-1', { email: 'plain@example.com' })).statusCode).toBe(200);
    const requests = await waitUntil(
      async () => {
        const items = (await h.call('GET', '/requests')).json().requests;
        return items?.length ? items : undefined;
      },
      { what: 'the request opened' },
    );
    expect(requests).toHaveLength(1);
    expect(JSON.stringify(requests[0])).toContain('Welcome a VIP');
    expect(JSON.stringify(requests[0])).toContain(`rule:${created.json().id}`);
  });

  it('e-mails carry the account From and Reply-To; the SMTP envelope stays MAIL_FROM; a bad address is a 400', async () => {
    const h = await hotel();
    await h.call('PUT', '/templates/hi/email/en', { trigger: 'stay.checked_in', subject: 'Hi {{ guest.firstName }}', body: '<p>Hello</p>' });
    await h.call('POST', '/rules', { name: 'hi', trigger: 'stay.checked_in', action: { type: 'email', template: 'hi' } });
    const bad = await h.call('PUT', '/messaging/settings', { from: 'Desk <desk@sea.example>\r\nBcc: all@example.com' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('from must be one e-mail address');
    expect((await h.call('PUT', '/messaging/settings', { replyTo: 'not an address' })).statusCode).toBe(400);
    const set = await h.call('PUT', '/messaging/settings', { from: 'Sea Hotel <desk@sea.example>', replyTo: 'frontdesk@sea.example' });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({ quietHours: null, from: 'Sea Hotel <desk@sea.example>', replyTo: 'frontdesk@sea.example' });
    // quiet hours set later keep the sender
    expect((await h.call('PUT', '/messaging/settings', { quietHours: null })).json().from).toBe('Sea Hotel <desk@sea.example>');

    expect((await h.event('checkin', 'from-1', { email: 'ada.from@example.com' })).statusCode).toBe(200);
    const mail = (await waitUntil(() => smtp.mails.find((m) => m.to.includes('ada.from@example.com')), { what: 'the e-mail' }))!;
    expect(mail.header('from')).toBe('Sea Hotel <desk@sea.example>');
    expect(mail.header('reply-to')).toBe('frontdesk@sea.example');
    expect(mail.from).toBe('mail@openstay.test');

    // removed: back to MAIL_FROM and no Reply-To
    expect((await h.call('PUT', '/messaging/settings', { from: null, replyTo: null })).json()).toMatchObject({ from: null, replyTo: null });
    expect((await h.event('checkin', 'from-2', { email: 'ada.from2@example.com' })).statusCode).toBe(200);
    const plain = (await waitUntil(() => smtp.mails.find((m) => m.to.includes('ada.from2@example.com')), { what: 'the second e-mail' }))!;
    expect(plain.header('from')).toBe('Openstay <mail@openstay.test>');
    expect(plain.header('reply-to')).toBeUndefined();
  });
});
