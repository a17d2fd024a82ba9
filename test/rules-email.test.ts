import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../src/api/loop-v1/ids.js';
import { startJobWorker, type JobWorker } from '../src/core/jobs/job-worker.js';
import { createRule } from '../src/core/journeys/rules.js';
import { createLocation } from '../src/core/locations/locations.js';
import { listMessages } from '../src/core/messaging/messages.js';
import { saveTemplate } from '../src/core/messaging/templates.js';
import { createOutboundClient, type OutboundClient } from '../src/core/outbound/http-client.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { jobHandlers } from '../src/server/job-handlers.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loopCall } from './helpers/loop.js';
import { startSmtpServer, type SmtpReceiver } from './helpers/smtp.js';
import { waitUntil } from './helpers/wait.js';

// Journey rules end to end: a Loop ContactEvent checkin fires the account's welcome rule, whose
// e-mail (a strict LiquidJS template in the guest's language, English as fallback) reaches a real
// SMTP server on loopback after the commit, once per stay, with List-Unsubscribe one-click.

/** Quick retries: an SMTP server that is down is tried again within milliseconds. */
const FAST = { delaysMs: [20, 40, 80, 160, 320], laterMs: 500, lifetimeMs: 300_000 };

const WELCOME_EN = {
  subject: 'Welcome to {{ location.name }}, {{ guest.firstName }}',
  body: '<p>Hello {{ guest.firstName }} {{ guest.lastName }}, welcome! Your room is {{ stay.room | default: "being prepared" }}.</p><p><a href="{{ links.unsubscribe }}">Stop these e-mails</a></p>',
};
const WELCOME_SV = {
  subject: 'Välkommen till {{ location.name }}, {{ guest.firstName }}',
  body: '<p>Hej {{ guest.firstName }}, välkommen!</p>',
};

describe.each(dialects())('journey rules send e-mail on %s', (dialect) => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  let outbound: OutboundClient;
  let worker: JobWorker | undefined;
  let token: string;
  let adminToken: string;
  let accountId: number;
  let location: string;
  let locationRowId: number;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url, MAIL_FROM: 'Hotel Test <stay@hotel.test>' });
    outbound = createOutboundClient({ allowPrivate: true });
    const created = await createTestAccount(t);
    token = created.loopToken;
    adminToken = created.adminToken;
    accountId = created.account.id;
    const db = t.database.db;
    const loc = await inWriteTransaction(db, (trx) => createLocation(trx, accountId, { title: { en: 'Grand Hotel', sv: 'Grand Hotell' } }));
    location = encodeId('location', loc.id);
    locationRowId = loc.id;
    await inWriteTransaction(db, async (trx) => {
      await saveTemplate(trx, accountId, { name: 'welcome', channel: 'email', language: 'en', trigger: 'stay.checked_in', ...WELCOME_EN });
      await saveTemplate(trx, accountId, { name: 'welcome', channel: 'email', language: 'sv', trigger: 'stay.checked_in', ...WELCOME_SV });
      await createRule(trx, accountId, { name: 'welcome', trigger: 'stay.checked_in', action: { type: 'email', template: 'welcome', fallbackLanguage: 'en' } });
    });
    worker = startJobWorker({ db, handlers: jobHandlers({ config: t.config, secrets: t.secrets, outbound, retrySchedule: FAST }), pollMs: 10, leaseMs: 5_000 });
  });
  afterAll(async () => {
    await worker?.stop();
    await outbound?.close();
    await smtp?.close();
    await t?.close();
  });

  const checkin = (foreignId: string, fields: Record<string, unknown> = {}) =>
    loopCall(t, token, 'POST', 'ContactEvent', { event: 'checkin', foreignId, location, firstname: 'Ada', lastname: 'Lovelace', ...fields });
  const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));
  const arrived = (address: string) => waitUntil(() => mailsTo(address)[0], { what: `an e-mail to ${address}` });

  it('a checkin sends the welcome e-mail in the guest language, HTML with a text part and one-click unsubscribe', async () => {
    const res = await checkin('sv-1', { email: 'ada.sv@example.com', language: 'sv' });
    expect(res.statusCode, res.body).toBe(200);
    const mail = await arrived('ada.sv@example.com');
    expect(mail.header('subject')).toBe('Välkommen till Grand Hotell, Ada');
    expect(mail.header('from')).toBe('Hotel Test <stay@hotel.test>');
    expect(mail.decoded).toContain('Hej Ada, välkommen!');
    expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(mail.raw).toMatch(/Content-Type: text\/plain/i);
    expect(mail.raw).toMatch(/Content-Type: text\/html/i);
    const unsubscribe = mail.header('list-unsubscribe');
    expect(unsubscribe).toMatch(/^<http:\/\/openstay\.test\/unsubscribe\/[A-Za-z0-9_-]+>/);
    expect(mail.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    // the SMTP server has it: its status is recorded just after
    const message = await waitUntil(async () => (await listMessages(t.database.db, accountId, { status: 'sent' }))[0], { what: 'the sent message' });
    expect(message).toMatchObject({ recipient: 'ada.sv@example.com', language: 'sv', status: 'sent', attempts: 1 });
    expect(message.body_text).toContain('Hej Ada, välkommen!');
    expect(message.body_text).toContain(`Unsubscribe: ${unsubscribe!.slice(1, -1)}`);
  });

  it('an unknown language falls back to the rule fallback language, with the links rendered', async () => {
    await checkin('de-1', { email: 'ada.de@example.com', language: 'de', room: '214' });
    const mail = await arrived('ada.de@example.com');
    expect(mail.header('subject')).toBe('Welcome to Grand Hotel, Ada');
    expect(mail.decoded).toContain('Hello Ada Lovelace, welcome! Your room is 214.');
    const link = mail.header('list-unsubscribe')!.slice(1, -1);
    // the template's own link and the text part both name our unsubscribe page
    expect(mail.decoded).toContain(`href="${link}"`);
    expect(mail.decoded).toContain(`Stop these e-mails (${link})`);
  });

  it("a location renamed through the admin API is the next e-mail's location.name (the rules engine's cached location is dropped)", async () => {
    await checkin('before-rename', { email: 'before.rename@example.com', language: 'en' });
    expect((await arrived('before.rename@example.com')).header('subject')).toBe('Welcome to Grand Hotel, Ada');
    const rename = (title: Record<string, string>) =>
      t.app.inject({ method: 'PATCH', url: `/admin/v1/locations/${locationRowId}`, headers: { authorization: `Bearer ${adminToken}` }, payload: { title } });
    const renamed = await rename({ en: 'Harbour House', sv: 'Hamnhuset' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    try {
      await checkin('after-rename', { email: 'after.rename@example.com', language: 'en' });
      expect((await arrived('after.rename@example.com')).header('subject')).toBe('Welcome to Harbour House, Ada');
    } finally {
      expect((await rename({ en: 'Grand Hotel', sv: 'Grand Hotell' })).statusCode).toBe(200);
    }
  });

  it('a resent checkin sends nothing more', async () => {
    await checkin('again-1', { email: 'again@example.com', language: 'en' });
    await arrived('again@example.com');
    expect((await checkin('again-1', { email: 'again@example.com' })).statusCode).toBe(200);
    expect((await checkin('again-1')).statusCode).toBe(200);
    // A later guest's e-mail has arrived: the resent checkins were handled before it.
    await checkin('later-1', { email: 'later@example.com' });
    await arrived('later@example.com');
    expect(mailsTo('again@example.com')).toHaveLength(1);
    const messages = await listMessages(t.database.db, accountId);
    expect(messages.filter((m) => m.recipient === 'again@example.com')).toHaveLength(1);
  });

  it('checkins that arrive together each welcome their guest once, a stay checked in twice at once included', async () => {
    // On SQLite these share a group commit: their firings are written by one statement (fire-rules.ts).
    const guests = ['burst-1', 'burst-2', 'burst-3', 'burst-4'];
    const answers = await Promise.all([
      ...guests.map((g) => checkin(g, { email: `${g}@example.com`, language: g === 'burst-2' ? 'sv' : 'en' })),
      checkin('burst-1', { email: 'burst-1@example.com' }),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    // Acknowledged means the messages are there, queued with their firings.
    const messages = (await listMessages(t.database.db, accountId)).filter((m) => m.recipient.startsWith('burst-'));
    expect(messages.map((m) => m.recipient).sort()).toEqual(guests.map((g) => `${g}@example.com`));
    for (const g of guests) await arrived(`${g}@example.com`);
    expect(mailsTo('burst-2@example.com')[0].header('subject')).toBe('Välkommen till Grand Hotell, Ada');
    await checkin('burst-after', { email: 'burst-after@example.com' });
    await arrived('burst-after@example.com');
    expect(mailsTo('burst-1@example.com')).toHaveLength(1);
    const firings = await t.database.db
      .selectFrom('rule_firings')
      .select(['dedupe_key', 'journey_event_id'])
      .where('account_id', '=', accountId)
      .where(
        'dedupe_key',
        'in',
        messages.map((m) => `stay:${m.stay_id}`),
      )
      .execute();
    expect(firings).toHaveLength(4);
    expect(firings.every((f) => f.journey_event_id !== null)).toBe(true);
  });

  it('one-click unsubscribe stops further e-mails to the address', async () => {
    await checkin('unsub-1', { email: 'unsub@example.com' });
    const mail = await arrived('unsub@example.com');
    const link = new URL(mail.header('list-unsubscribe')!.slice(1, -1));
    const page = await t.app.inject({ method: 'GET', url: link.pathname });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('u***@example.com');
    // GET changes nothing: mail scanners open links
    const oneClick = await t.app.inject({
      method: 'POST',
      url: link.pathname,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode, oneClick.body).toBe(200);
    expect(oneClick.body).toContain('unsubscribed');
    expect((await t.app.inject({ method: 'POST', url: '/unsubscribe/not-a-real-token-at-all' })).statusCode).toBe(404);
    // a new stay of the same guest: the rule fires but queues nothing for a suppressed address
    await checkin('unsub-2', { email: 'unsub@example.com' });
    await checkin('after-unsub', { email: 'after-unsub@example.com' });
    await arrived('after-unsub@example.com');
    expect(mailsTo('unsub@example.com')).toHaveLength(1);
    const firings = await t.database.db
      .selectFrom('rule_firings')
      .select('outcome')
      .where('account_id', '=', accountId)
      .orderBy('id', 'desc')
      .limit(2)
      .execute();
    expect(firings[1].outcome).toMatch(/^skipped: the email address is suppressed \(unsubscribed\)/);
  });

  it('an address the SMTP server refuses for good (5xx) fails its message and gets no more', async () => {
    smtp.refuseNext(550);
    await checkin('refused-1', { email: 'refused@example.com' });
    const failed = await waitUntil(
      async () => (await listMessages(t.database.db, accountId, { status: 'failed' })).find((m) => m.recipient === 'refused@example.com'),
      { what: 'the refused message' },
    );
    expect(failed!.last_error).toMatch(/550|mailbox unavailable/);
    expect(failed!.attempts).toBe(1);
    await checkin('refused-2', { email: 'refused@example.com' });
    await checkin('after-refused', { email: 'after-refused@example.com' });
    await arrived('after-refused@example.com');
    expect(mailsTo('refused@example.com')).toHaveLength(0);
    const firing = await t.database.db
      .selectFrom('rule_firings')
      .select('outcome')
      .where('account_id', '=', accountId)
      .orderBy('id', 'desc')
      .limit(2)
      .execute();
    expect(firing[1].outcome).toBe('skipped: the email address is suppressed (refused)');
  });

  it('an SMTP server that is down when the event arrives gets the message once it is back', async () => {
    const port = smtp.port;
    const before = smtp.mails;
    await smtp.close();
    await checkin('down-1', { email: 'down@example.com' });
    const failed = await waitUntil(
      async () => {
        const [m] = (await listMessages(t.database.db, accountId, { status: 'queued' })).filter((x) => x.recipient === 'down@example.com');
        return m && m.attempts >= 2 ? m : undefined;
      },
      { what: 'two failed attempts' },
    );
    expect(failed!.last_error).toMatch(/ECONNREFUSED|connect/i);
    smtp = await startSmtpServer(port);
    const mail = await arrived('down@example.com');
    expect(mail.header('subject')).toBe('Welcome to Grand Hotel, Ada');
    expect(before.some((m) => m.to.includes('down@example.com'))).toBe(false);
    const sent = await waitUntil(
      async () => (await listMessages(t.database.db, accountId, { status: 'sent' })).find((x) => x.recipient === 'down@example.com'),
      { what: 'the message recorded as sent' },
    );
    expect(sent!.attempts).toBeGreaterThanOrEqual(3);
  });
});
