import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../src/api/loop-v1/ids.js';
import { ensureDemoAccount } from '../src/core/demo/seed-demo.js';
import { startJobWorker, type JobWorker } from '../src/core/jobs/job-worker.js';
import { listRules } from '../src/core/journeys/rules.js';
import { listTemplates } from '../src/core/messaging/templates.js';
import { createOutboundClient, type OutboundClient } from '../src/core/outbound/http-client.js';
import { jobHandlers } from '../src/server/job-handlers.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loopCall } from './helpers/loop.js';
import { startSmtpServer, type SmtpReceiver } from './helpers/smtp.js';
import { startFakeTwilio, type FakeTwilio } from './helpers/twilio.js';
import { waitUntil } from './helpers/wait.js';

// `openstay demo` gives the demo account a welcome e-mail rule on checkin (English and Swedish
// templates, English the fallback) and a room-ready SMS rule on roomready for guests with a mobile:
// with SMTP_URL and the Twilio variables set, Loop ContactEvents send them.
describe.each(dialects())('the demo welcome rule on %s', (dialect) => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  let twilio: FakeTwilio;
  let outbound: OutboundClient;
  let worker: JobWorker | undefined;
  let demo: Awaited<ReturnType<typeof ensureDemoAccount>>;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    twilio = await startFakeTwilio();
    t = await createTestApp(dialect, {
      SMTP_URL: smtp.url,
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'demo-token',
      TWILIO_FROM: '+15005550006',
      TWILIO_BASE_URL: twilio.url,
    });
    await ensureDemoAccount(t.database.db);
    demo = await ensureDemoAccount(t.database.db); // a refresh adds nothing twice
    outbound = createOutboundClient({ allowPrivate: true });
    worker = startJobWorker({ db: t.database.db, handlers: jobHandlers({ config: t.config, secrets: t.secrets, outbound }), pollMs: 10 });
  });
  afterAll(async () => {
    await worker?.stop();
    await outbound?.close();
    await smtp?.close();
    await twilio?.close();
    await t?.close();
  });

  it('holds one welcome rule with English and Swedish templates, and nothing was sent while seeding', async () => {
    const rules = await listRules(t.database.db, demo.account.id);
    expect(rules.map((r) => [r.name, r.trigger, r.action.type, r.enabled, 'fallbackLanguage' in r.action && r.action.fallbackLanguage]).sort()).toEqual([
      ['Survey response follow-up', 'feedback.received', 'open_request', true, false],
      ['room-ready', 'stay.room_readied', 'sms', true, 'en'],
      ['welcome', 'stay.checked_in', 'email', true, 'en'],
    ]);
    expect(rules.find((r) => r.name === 'room-ready')!.conditions).toEqual({ all: [{ field: 'guest.hasMobile', op: 'eq', value: true }] });
    expect((await listTemplates(t.database.db, demo.account.id)).map((x) => [x.name, x.channel, x.language])).toEqual([
      ['room-ready', 'sms', 'en'],
      ['welcome', 'email', 'en'],
      ['welcome', 'email', 'sv'],
    ]);
    expect(await t.database.db.selectFrom('messages').select('id').where('account_id', '=', demo.account.id).execute()).toEqual([]);
  });

  it('a ContactEvent checkin sends the welcome e-mail in Swedish, or English for another language', async () => {
    const location = encodeId('location', demo.ids.locations['1200']);
    const send = (foreignId: string, fields: Record<string, unknown>) =>
      loopCall(t, demo.loopToken, 'POST', 'ContactEvent', { event: 'checkin', foreignId, location, firstname: 'Greta', room: '305', ...fields });
    expect((await send('demo-sv', { email: 'greta@example.com', language: 'sv' })).statusCode).toBe(200);
    expect((await send('demo-fr', { email: 'gaston@example.com', language: 'fr', firstname: 'Gaston' })).statusCode).toBe(200);
    const sv = await waitUntil(() => smtp.mails.find((m) => m.to.includes('greta@example.com')), { what: 'the Swedish welcome' });
    expect(sv!.header('subject')).toMatch(/^Välkommen till .+, Greta$/);
    expect(sv!.decoded).toContain('Ditt rum är 305.');
    const fr = await waitUntil(() => smtp.mails.find((m) => m.to.includes('gaston@example.com')), { what: 'the English welcome' });
    expect(fr!.header('subject')).toMatch(/^Welcome to .+, Gaston$/);
  });

  it('a ContactEvent roomready texts a guest with a mobile number, in English, and no one without', async () => {
    const location = encodeId('location', demo.ids.locations['1200']);
    const send = (foreignId: string, fields: Record<string, unknown>) =>
      loopCall(t, demo.loopToken, 'POST', 'ContactEvent', { event: 'roomready', foreignId, location, firstname: 'Greta', room: '412', ...fields });
    expect((await send('demo-sms', { mobile: '+46701112233', language: 'sv' })).statusCode).toBe(200);
    expect((await send('demo-nosms', { email: 'nomobile@example.com' })).statusCode).toBe(200);
    const sms = await waitUntil(() => twilio.requests.find((r) => r.form.To === '+46701112233'), { what: 'the room-ready SMS' });
    expect(sms!.form.Body).toMatch(/^Hi Greta, your room 412 at .+ is ready\. Welcome! Reply STOP to opt out\.$/);
    expect(twilio.requests).toHaveLength(1);
  });
});
