import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeId } from '../src/api/loop-v1/ids.js';
import { startJobWorker, type JobWorker } from '../src/core/jobs/job-worker.js';
import { createLocation } from '../src/core/locations/locations.js';
import { createMailer } from '../src/core/messaging/mailer.js';
import { attemptMessage } from '../src/core/messaging/send-message.js';
import { afterQuietHours, dueAt } from '../src/core/messaging/timing.js';
import { createOutboundClient, type OutboundClient } from '../src/core/outbound/http-client.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { jobHandlers } from '../src/server/job-handlers.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loopCall } from './helpers/loop.js';
import { startSmtpServer, type SmtpReceiver } from './helpers/smtp.js';
import { waitUntil } from './helpers/wait.js';

// When rule messages leave: after a delay, at a local time in the location's time zone (Luxon),
// out of quiet hours, across the daylight-saving changes of Europe/Stockholm (29 March and 25
// October 2026); a controlled clock (Date only: timers stay real) drives the worker.

const at = (iso: string) => Date.parse(iso);
const STOCKHOLM = 'Europe/Stockholm';

describe('due times across daylight-saving changes', () => {
  const base = { now: 0, quiet: null };
  it('a local time the day after is that wall-clock time, whatever the offset did overnight', () => {
    // 28 March 15:00 CET (+01) -> 29 March 09:00 CEST (+02)
    expect(dueAt({ type: 'local_time', time: '09:00', daysAfter: 1 }, { ...base, eventAt: at('2026-03-28T14:00:00Z'), zone: STOCKHOLM })).toBe(
      at('2026-03-29T07:00:00Z'),
    );
    // 24 October 15:00 CEST -> 25 October 09:00 CET
    expect(dueAt({ type: 'local_time', time: '09:00', daysAfter: 1 }, { ...base, eventAt: at('2026-10-24T13:00:00Z'), zone: STOCKHOLM })).toBe(
      at('2026-10-25T08:00:00Z'),
    );
    // 02:30 does not exist on 29 March in Stockholm: it moves forward to 03:30 CEST
    expect(dueAt({ type: 'local_time', time: '02:30', daysAfter: 1 }, { ...base, eventAt: at('2026-03-28T14:00:00Z'), zone: STOCKHOLM })).toBe(
      at('2026-03-29T01:30:00Z'),
    );
    // the same day, and a zone that is unknown or missing is UTC
    expect(dueAt({ type: 'local_time', time: '18:00', daysAfter: 0 }, { ...base, eventAt: at('2026-06-01T10:00:00Z'), zone: 'Mars/Olympus' })).toBe(
      at('2026-06-01T18:00:00Z'),
    );
    expect(dueAt({ type: 'local_time', time: '18:00', daysAfter: 0 }, { ...base, eventAt: at('2026-06-01T10:00:00Z'), zone: null })).toBe(
      at('2026-06-01T18:00:00Z'),
    );
  });

  it('a delay is elapsed time: 24 hours across the spring change is 16:00 local after 15:00 the day before', () => {
    expect(dueAt({ type: 'delay', minutes: 24 * 60 }, { ...base, eventAt: at('2026-03-28T14:00:00Z'), zone: STOCKHOLM })).toBe(at('2026-03-29T14:00:00Z'));
    expect(dueAt({ type: 'delay', minutes: 120 }, { ...base, eventAt: at('2026-06-01T10:00:00Z'), zone: STOCKHOLM })).toBe(at('2026-06-01T12:00:00Z'));
  });

  it('never before now; immediate is now', () => {
    const now = at('2026-06-05T10:00:00Z');
    expect(dueAt({ type: 'delay', minutes: 60 }, { now, quiet: null, eventAt: at('2026-06-01T10:00:00Z'), zone: STOCKHOLM })).toBe(now);
    expect(dueAt({ type: 'immediate' }, { now, quiet: null, eventAt: 0, zone: STOCKHOLM })).toBe(now);
  });

  it('quiet hours move a message to their end, over midnight and across the spring change', () => {
    const quiet = { start: '21:00', end: '08:00' };
    // 22:30 CET on 28 March -> 08:00 CEST on 29 March
    expect(afterQuietHours(at('2026-03-28T21:30:00Z'), quiet, STOCKHOLM)).toBe(at('2026-03-29T06:00:00Z'));
    // 06:00 CEST -> 08:00 CEST the same morning
    expect(afterQuietHours(at('2026-06-01T04:00:00Z'), quiet, STOCKHOLM)).toBe(at('2026-06-01T06:00:00Z'));
    // noon: unchanged; quiet hours within one day
    expect(afterQuietHours(at('2026-06-01T10:00:00Z'), quiet, STOCKHOLM)).toBe(at('2026-06-01T10:00:00Z'));
    expect(afterQuietHours(at('2026-06-01T11:30:00Z'), { start: '13:00', end: '15:00' }, STOCKHOLM)).toBe(at('2026-06-01T13:00:00Z'));
    expect(afterQuietHours(at('2026-06-01T11:30:00Z'), null, STOCKHOLM)).toBe(at('2026-06-01T11:30:00Z'));
  });
});

describe.each(dialects())('timed rule messages on %s', (dialect) => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  let outbound: OutboundClient;
  let worker: JobWorker | undefined;

  beforeAll(async () => {
    vi.setSystemTime(at('2026-03-28T14:00:00Z'));
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url });
    outbound = createOutboundClient({ allowPrivate: true });
    worker = startJobWorker({ db: t.database.db, handlers: jobHandlers({ config: t.config, secrets: t.secrets, outbound }), pollMs: 10, leaseMs: 5_000 });
  });
  afterAll(async () => {
    await worker?.stop();
    await outbound?.close();
    await smtp?.close();
    await t?.close();
    vi.useRealTimers();
  });

  /** An account with a Stockholm location, an English template for `trigger` and one rule. */
  async function account(trigger: string, timing: unknown) {
    const { account: acc, adminToken, loopToken } = await createTestAccount(t);
    const loc = await inWriteTransaction(t.database.db, (trx) => createLocation(trx, acc.id, { title: { en: 'Nordic' }, timezone: STOCKHOLM }));
    const admin = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
      t.app.inject({
        method,
        url: `/admin/v1${url}`,
        headers: { authorization: `Bearer ${adminToken}` },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
    const saved = await admin('PUT', '/templates/note/email/en', { trigger, subject: 'Note for {{ guest.firstName }}', body: '<p>{{ event.type }}</p>' });
    expect(saved.statusCode, saved.body).toBe(200);
    const rule = await admin('POST', '/rules', { name: 'timed', trigger, action: { type: 'email', template: 'note', timing } });
    expect(rule.statusCode, rule.body).toBe(201);
    const event = (word: string, foreignId: string, email: string) =>
      loopCall(t, loopToken, 'POST', 'ContactEvent', { event: word, foreignId, location: encodeId('location', loc.id), firstname: 'Eva', email });
    const messages = async () =>
      (await admin('GET', '/messages')).json().messages as Array<{ id: number; recipient: string; status: string; dueAt: number; lastError: string | null }>;
    return { admin, event, messages, ruleId: rule.json().id as number };
  }
  const mailTo = (address: string) => smtp.mails.find((m) => m.to.includes(address));

  it('"09:00 the day after checkout" waits for that local time across the spring change, then sends', async () => {
    vi.setSystemTime(at('2026-03-28T14:00:00Z'));
    const a = await account('stay.checked_out', { type: 'local_time', time: '09:00', daysAfter: 1 });
    expect((await a.event('checkout', 'co-1', 'morning@example.com')).statusCode).toBe(200);
    const [queued] = await a.messages();
    expect(queued).toMatchObject({ status: 'queued', dueAt: at('2026-03-29T07:00:00Z') });
    // An immediate message of another account leaves meanwhile; this one stays queued.
    const other = await account('stay.checked_out', { type: 'immediate' });
    await other.event('checkout', 'co-2', 'now@example.com');
    await waitUntil(() => mailTo('now@example.com'), { what: 'the immediate e-mail' });
    expect(mailTo('morning@example.com')).toBeUndefined();
    expect((await a.messages())[0].status).toBe('queued');
    vi.setSystemTime(at('2026-03-29T07:00:01Z'));
    const mail = await waitUntil(() => mailTo('morning@example.com'), { what: 'the e-mail at 09:00 local' });
    expect(mail!.header('subject')).toBe('Note for Eva');
  });

  it('quiet hours hold an immediate message until they end', async () => {
    vi.setSystemTime(at('2026-03-28T21:30:00Z')); // 22:30 in Stockholm
    const a = await account('stay.checked_in', undefined);
    const set = await a.admin('PUT', '/messaging/settings', { quietHours: { start: '21:00', end: '08:00' } });
    expect(set.statusCode, set.body).toBe(200);
    expect((await a.admin('PUT', '/messaging/settings', { quietHours: { start: '25:00', end: '08:00' } })).statusCode).toBe(400);
    await a.event('checkin', 'late-1', 'late@example.com');
    expect((await a.messages())[0]).toMatchObject({ status: 'queued', dueAt: at('2026-03-29T06:00:00Z') });
    vi.setSystemTime(at('2026-03-29T06:00:01Z'));
    await waitUntil(() => mailTo('late@example.com'), { what: 'the e-mail after quiet hours' });
  });

  it('disabling a rule cancels its delayed messages and says so', async () => {
    vi.setSystemTime(at('2026-06-01T10:00:00Z'));
    const a = await account('stay.checked_out', { type: 'delay', minutes: 120 });
    await a.event('checkout', 'd-1', 'delayed@example.com');
    expect((await a.messages())[0]).toMatchObject({ status: 'queued', dueAt: at('2026-06-01T12:00:00Z') });
    expect((await a.admin('POST', `/rules/${a.ruleId}/disable`)).statusCode).toBe(200);
    const [cancelled] = await a.messages();
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.lastError).toMatch(/rule "timed" was disabled before the message was due/);
    vi.setSystemTime(at('2026-06-01T12:00:01Z'));
    const other = await account('stay.checked_out', { type: 'immediate' });
    await other.event('checkout', 'd-2', 'after-cancel@example.com');
    await waitUntil(() => mailTo('after-cancel@example.com'), { what: 'a later e-mail' });
    expect(mailTo('delayed@example.com')).toBeUndefined();
  });

  it('a message that could not leave within its template validity is marked expired, not sent late', async () => {
    vi.setSystemTime(at('2026-06-02T10:00:00Z'));
    const a = await account('stay.checked_out', { type: 'delay', minutes: 30 });
    const saved = await a.admin('PUT', '/templates/note/email/en', { trigger: 'stay.checked_out', subject: 'x', body: '<p>x</p>', validForMinutes: 60 });
    expect(saved.statusCode).toBe(200);
    await a.event('checkout', 'x-1', 'expired@example.com');
    const [queued] = await a.messages();
    expect(queued.dueAt).toBe(at('2026-06-02T10:30:00Z'));
    const row = await t.database.db.selectFrom('messages').select(['account_id', 'expires_at']).where('id', '=', queued.id).executeTakeFirstOrThrow();
    expect(Number(row.expires_at)).toBe(at('2026-06-02T11:30:00Z'));
    // The worker was down all along: the first attempt comes after the validity ended.
    const deps = { mailer: createMailer(smtp.url), from: 'a@b.test', publicUrl: 'http://openstay.test' };
    expect(await attemptMessage(t.database.db, deps, row.account_id, queued.id, at('2026-06-02T11:30:01Z'))).toEqual({ outcome: 'expired' });
    const [expired] = await a.messages();
    expect(expired).toMatchObject({ status: 'expired', lastError: 'it could not leave within the validity of its template' });
    expect(mailTo('expired@example.com')).toBeUndefined();
  });
});
