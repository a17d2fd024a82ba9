import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmployee } from '../src/core/accounts/employees.js';
import { createStaff } from '../src/core/accounts/staff.js';
import { findChatSessionByKey } from '../src/core/chat/chat-sessions.js';
import { runAlert } from '../src/core/inbox/escalation.js';
import { startJobWorker, type JobWorker } from '../src/core/jobs/job-worker.js';
import { createLocation } from '../src/core/locations/locations.js';
import { createLoopType } from '../src/core/locations/loop-types.js';
import { createOutboundClient, type OutboundClient } from '../src/core/outbound/http-client.js';
import { jobHandlers } from '../src/server/job-handlers.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loopCall } from './helpers/loop.js';
import { createLooponClient } from './helpers/loopon.js';
import { recordIssuedSecret } from './helpers/secret-log.js';
import { startSmtpServer, type SmtpReceiver } from './helpers/smtp.js';
import { openSocket, type TestSocket } from './helpers/sockets.js';
import { waitUntil } from './helpers/wait.js';

/*
 * A guest left unanswered: after firstNotifyMinutes the assignee, else the staff subscribed to the
 * location, get an e-mail (an SMS for whom has only a mobile); after escalateMinutes the location's
 * managers do. Each step leaves once; an answer before cancels what is still due. A controlled
 * clock (Date only; timers stay real) drives the job worker; e-mails reach a real SMTP server.
 */

const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;

describe.each(dialects())('unanswered-guest alerts on %s', (dialect) => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  let outbound: OutboundClient;
  let worker: JobWorker | undefined;
  let base: string;
  const admin = adminCall(() => t);
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    vi.setSystemTime(at('2026-06-01T10:00:00Z'));
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url, MAIL_FROM: 'Openstay <inbox@hotel.test>', PUBLIC_URL: 'http://console.test' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    outbound = createOutboundClient({ allowPrivate: true });
    worker = startJobWorker({ db: t.database.db, handlers: jobHandlers({ config: t.config, secrets: t.secrets, outbound }), pollMs: 10, leaseMs: 5_000 });
  });
  afterAll(async () => {
    for (const socket of sockets) await socket.close();
    await worker?.stop();
    await outbound?.close();
    await smtp?.close();
    await t?.close();
    vi.useRealTimers();
  });

  /** An account with two hotels and their staff: an agent, a manager (role) and an SMS-only agent at Sea; an agent with the close permission at Lake. */
  async function hotel() {
    const { account, adminToken, loopToken } = await createTestAccount(t);
    recordIssuedSecret(adminToken);
    const db = t.database.db;
    const n = account.id;
    const sea = (await createLocation(db, n, { title: { en: 'Sea Hotel' }, shortcode: 'sea' })).id;
    const lake = (await createLocation(db, n, { title: { en: 'Lake Hotel' }, shortcode: 'lake' })).id;
    await createLoopType(db, n, 'housekeeping', { en: 'Housekeeping' });
    const email = (who: string) => `${who}-${n}@hotel.test`;
    const anna = await createEmployee(db, n, { username: 'anna', name: 'Anna', email: email('anna'), permissions: ['comment'], locationIds: [sea] });
    await createStaff(db, n, { name: 'Carl', email: email('carl'), role: 'manager', permissions: ['comment', 'close'], locationIds: [sea] }, 'admin');
    await createEmployee(db, n, { username: 'eve', name: 'Eve', sms: '+46701234567', locationIds: [sea] });
    await createEmployee(db, n, { username: 'dora', name: 'Dora', email: email('dora'), permissions: ['close'], locationIds: [lake] });
    const headers = (await createLooponClient(t, n)).headers;
    return { accountId: n, adminToken, loopToken, sea, lake, anna: anna.id, email, headers };
  }
  type Hotel = Awaited<ReturnType<typeof hotel>>;

  const guestWrites = async (h: Hotel, content: string) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${h.sea}/stays`,
      headers: { ...h.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ status: 'instay', checkinDate: '2026-05-30', checkoutDate: '2099-06-03', name: 'Lina Berg' }),
    });
    expect(res.statusCode, res.body).toBe(200);
    const stay = res.json();
    const sessionId = (await findChatSessionByKey(t.database.db, stay.chatSession.sessionId))!.id;
    const guest = await openSocket(`${base}${new URL(stay.chatSession.wssUrl).pathname}`);
    sockets.push(guest);
    guest.send({ type: 'chatMessage', chatMessage: { localId: 'g-1', contentType: 'text/plain', content } });
    await guest.next((e) => e.chatMessage?.localId === 'g-1', 'the stored message');
    return sessionId;
  };
  const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));
  /** The alert jobs of a conversation, once none of them is queued or running. */
  const settledAlerts = (accountId: number, id: number, kind: 'chat' | 'request') =>
    waitUntil(
      async () => {
        const jobs = await t.database.db.selectFrom('jobs').selectAll().where('account_id', '=', accountId).where('kind', '=', 'inbox.alert').execute();
        const mine = jobs.filter((j) => JSON.parse(j.payload).id === id && JSON.parse(j.payload).kind === kind);
        return mine.every((j) => j.status === 'succeeded') ? mine.map((j) => JSON.parse(j.payload).step as number) : undefined;
      },
      { what: 'the alert jobs to finish' },
    );
  const smsQueued = async (accountId: number) =>
    (await t.database.db.selectFrom('messages').selectAll().where('account_id', '=', accountId).where('channel', '=', 'sms').execute()).length;

  it('notifies the on-duty staff after the first delay and escalates to the managers after the second, each once', async () => {
    const since = at('2026-06-01T10:00:00Z');
    vi.setSystemTime(since);
    const h = await hotel();
    const sessionId = await guestWrites(h, 'Is the pool open?');

    vi.setSystemTime(since + 10 * MIN + 1_000);
    await waitUntil(() => mailsTo(h.email('anna')).length === 1 && mailsTo(h.email('carl')).length === 1, { what: 'the first notices' });
    const [notice] = mailsTo(h.email('anna'));
    expect(notice.header('subject')).toBe('a guest has waited 10 minutes at Sea Hotel');
    expect(notice.decoded).toContain('Lina Berg has waited 10 minutes for an answer to a chat message at Sea Hotel');
    expect(notice.decoded).toContain(`http://console.test/inbox/chats/${sessionId}`);
    expect(mailsTo(h.email('dora'))).toEqual([]);
    expect(await smsQueued(h.accountId)).toBe(1);
    expect(smtp.mails.some((m) => m.header('subject')?.startsWith('Escalated'))).toBe(false);

    vi.setSystemTime(since + 30 * MIN + 1_000);
    await waitUntil(() => mailsTo(h.email('carl')).length === 2, { what: 'the escalation to the manager' });
    expect(mailsTo(h.email('carl'))[1].header('subject')).toBe('Escalated: a guest has waited 30 minutes at Sea Hotel');
    expect(await settledAlerts(h.accountId, sessionId, 'chat')).toEqual([1, 2]);
    expect(mailsTo(h.email('anna'))).toHaveLength(1);
    expect(await smsQueued(h.accountId)).toBe(1);

    // a job that runs again (a lost lease, a second worker) sends nothing again
    const deps = { publicUrl: 'http://console.test' };
    for (const step of [1, 2] as const) expect(await runAlert(t.database.db, deps, h.accountId, { kind: 'chat', id: sessionId, since, step })).toBe(0);
    expect(mailsTo(h.email('carl'))).toHaveLength(2);
  });

  it('tells only the assignee first, with the delays the account set', async () => {
    const since = at('2026-06-02T10:00:00Z');
    vi.setSystemTime(since);
    const h = await hotel();
    expect((await admin(h.adminToken, 'PATCH', '/inbox/settings', { firstNotifyMinutes: 2, escalateMinutes: 5 })).statusCode).toBe(200);
    const res = await loopCall(t, h.loopToken, 'POST', 'loops', { location: 'sea', loopType: 'housekeeping', description: 'Broken lamp' });
    expect(res.statusCode, res.body).toBe(200);
    const [request] = (await admin(h.adminToken, 'GET', '/requests')).json().requests;
    expect((await admin(h.adminToken, 'PUT', `/requests/${request.id}/assignee`, { employeeId: h.anna })).statusCode).toBe(200);

    vi.setSystemTime(since + 2 * MIN + 1_000);
    await waitUntil(() => mailsTo(h.email('anna')).length === 1, { what: "the assignee's notice" });
    expect(mailsTo(h.email('anna'))[0].decoded).toContain('A guest has waited 2 minutes for an answer to a request at Sea Hotel');
    expect(mailsTo(h.email('anna'))[0].decoded).toContain(`http://console.test/inbox/requests/${request.id}`);
    vi.setSystemTime(since + 5 * MIN + 1_000);
    await waitUntil(() => mailsTo(h.email('carl')).length === 1, { what: 'the escalation' });
    expect(await settledAlerts(h.accountId, request.id, 'request')).toEqual([1, 2]);
    expect(mailsTo(h.email('anna'))).toHaveLength(1);
    expect(await smsQueued(h.accountId)).toBe(0);
  });

  it('an answer before the delay cancels the notice; a later guest message starts a new wait', async () => {
    const since = at('2026-06-03T10:00:00Z');
    vi.setSystemTime(since);
    const h = await hotel();
    const sessionId = await guestWrites(h, 'Late checkout?');
    vi.setSystemTime(since + 5 * MIN);
    const reply = await admin(h.adminToken, 'POST', `/chat/sessions/${sessionId}/messages`, { authorName: 'Reception', content: 'Yes, until 14:00' });
    expect(reply.statusCode).toBe(201);

    vi.setSystemTime(since + 31 * MIN);
    expect(await settledAlerts(h.accountId, sessionId, 'chat')).toEqual([1]);
    expect(smtp.mails.filter((m) => m.to.some((to) => to.endsWith(`-${h.accountId}@hotel.test`)))).toEqual([]);

    // a request closed before its delay is answered too
    const res = await loopCall(t, h.loopToken, 'POST', 'loops', { location: 'lake', loopType: 'housekeeping', description: 'Towels' });
    expect(res.statusCode).toBe(200);
    const [request] = (await admin(h.adminToken, 'GET', '/requests')).json().requests;
    expect((await admin(h.adminToken, 'PATCH', `/requests/${request.id}`, { state: 'closed' })).statusCode).toBe(200);
    vi.setSystemTime(since + 45 * MIN);
    expect(await settledAlerts(h.accountId, request.id, 'request')).toEqual([1]);
    expect(mailsTo(h.email('dora'))).toEqual([]);

    // the guest writes again: a new wait, and its notice leaves after the delay
    const guest = sockets[sockets.length - 1];
    guest.send({ type: 'chatMessage', chatMessage: { localId: 'g-2', contentType: 'text/plain', content: 'And breakfast?' } });
    await guest.next((e) => e.chatMessage?.localId === 'g-2', 'the second message');
    // a third message while the guest waits changes nothing: the wait runs from the second
    vi.setSystemTime(since + 50 * MIN);
    guest.send({ type: 'chatMessage', chatMessage: { localId: 'g-3', contentType: 'text/plain', content: 'With eggs?' } });
    await guest.next((e) => e.chatMessage?.localId === 'g-3', 'the third message');
    const alertsSince = async () =>
      (await t.database.db.selectFrom('jobs').select('payload').where('account_id', '=', h.accountId).where('kind', '=', 'inbox.alert').execute())
        .map((j) => JSON.parse(j.payload))
        .filter((p) => p.kind === 'chat' && p.id === sessionId)
        .map((p) => p.since - since);
    expect((await alertsSince()).sort((a, b) => a - b)).toEqual([0, 45 * MIN]);
    vi.setSystemTime(since + 56 * MIN);
    await waitUntil(() => mailsTo(h.email('anna')).length === 1, { what: 'the notice of the new wait' });
    expect(mailsTo(h.email('anna'))[0].header('subject')).toBe('a guest has waited 11 minutes at Sea Hotel');
  });
});
