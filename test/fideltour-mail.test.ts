import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobWorker, type JobWorker } from '../src/core/jobs/job-worker.js';
import { createRule } from '../src/core/journeys/rules.js';
import { listMessages } from '../src/core/messaging/messages.js';
import { saveTemplate } from '../src/core/messaging/templates.js';
import { dispatchCacheNotice } from '../src/db/cache-notices.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { suppressAddress } from '../src/core/messaging/suppressions.js';
import { createOutboundClient, type OutboundClient } from '../src/core/outbound/http-client.js';
import { hashToken } from '../src/core/shared/tokens.js';
import { jobHandlers } from '../src/server/job-handlers.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loyaltyAccess } from './helpers/fideltour.js';
import { startSmtpServer, type SmtpReceiver } from './helpers/smtp.js';
import { waitUntil } from './helpers/wait.js';

// The loyalty programme's e-mails end to end: queued through the messaging module's templates
// (seeded in English and Spanish) in the transaction of the sign-in or reset request, sent by the
// job worker to a real SMTP server on loopback; the reset link opens our page, which sets the
// password once, before it expires.

const FAST = { delaysMs: [20, 40, 80, 160, 320], laterMs: 500, lifetimeMs: 300_000 };
const PUBLIC = 'http://openstay.test';

describe.each(dialects())('Fideltour loyalty e-mails on %s', (dialect) => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  let outbound: OutboundClient;
  let worker: JobWorker | undefined;
  let accountId: number;
  let adminToken: string;
  const admin = adminCall(() => t);
  let a: Awaited<ReturnType<typeof loyaltyAccess>>;
  let n = 0;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url, MAIL_FROM: 'Hotel Test <club@hotel.test>' });
    outbound = createOutboundClient({ allowPrivate: true });
    const created = await createTestAccount(t);
    accountId = created.account.id;
    adminToken = created.adminToken;
    a = await loyaltyAccess(t, accountId);
    worker = startJobWorker({
      db: t.database.db,
      handlers: jobHandlers({ config: t.config, secrets: t.secrets, outbound, retrySchedule: FAST }),
      pollMs: 10,
      leaseMs: 5_000,
    });
  });
  afterAll(async () => {
    // The rule and template caches are per process and keyed by account id, which the next
    // dialect's database reuses: drop them, as a process serving one database never needs to.
    dispatchCacheNotice({ topic: 'journey-rules' });
    dispatchCacheNotice({ topic: 'messaging' });
    await worker?.stop();
    await outbound?.close();
    await smtp?.close();
    await t?.close();
  });

  const newContact = async (fields: Record<string, unknown> = {}) => {
    const res = await a.call('POST', '/contacts/', { name: 'Lucía', surname: `M${++n}`, email: `mail${n}-${dialect}@example.com`, ...fields });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: number; email: string };
  };
  const enrol = async (fields: Record<string, unknown> = {}, opts: Record<string, unknown> = {}) => {
    const c = await newContact(fields);
    const res = await a.call('POST', `/contacts/${c.id}/loyalty-sign-in/`, {
      password: 'first-pass',
      send_activation_email: false,
      send_welcome_email: false,
      ...opts,
    });
    expect(res.statusCode, res.body).toBe(201);
    return c;
  };
  const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));
  const arrived = async (address: string, count = 1) =>
    (await waitUntil(() => (mailsTo(address).length >= count ? mailsTo(address) : undefined), { what: `${count} e-mail(s) to ${address}` }))!;
  const login = (email: string, password: string) => a.call('POST', '/contacts/loyalty-login/', { email, password });
  const resetLinkOf = (decoded: string) => {
    const match = /http:\/\/openstay\.test(\/fideltour\/portal\/reset\/[A-Za-z0-9]+)/.exec(decoded);
    expect(match, decoded).not.toBeNull();
    return match![1];
  };
  const form = (payload: Record<string, string>, headers: Record<string, string> = {}) => ({
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(payload).toString(),
  });
  const formTokenOf = (html: string) => /name="form_token" value="([A-Za-z0-9]+)"/.exec(html)?.[1] ?? '';
  const askReset = async (email: string) => {
    const res = await a.call('POST', '/contacts/loyalty-reset-password/', { email });
    expect(res.statusCode, res.body).toBe(200);
  };

  it('sign-in with send_activation_email sends the activation e-mail in the member language (Spanish), and the welcome one', async () => {
    const c = await newContact({ language: 'es' });
    const res = await a.call('POST', `/contacts/${c.id}/loyalty-sign-in/`, { password: 'first-pass', send_activation_email: true, send_welcome_email: true });
    expect(res.statusCode, res.body).toBe(201);
    const mails = await arrived(c.email, 2);
    // (the test's header decoding leaves a space where two encoded words meet: compared without spaces)
    const subjects = mails.map((m) => m.header('subject')?.replace(/\s/g, '')).sort();
    expect(subjects).toEqual(['Activatucuentadefidelización', 'Bienvenidoanuestroprogramadefidelización']);
    const activation = mails.find((m) => m.header('subject')?.startsWith('Activa tu cuenta'))!;
    expect(activation.decoded).toContain(`Accedes con ${c.email}`);
    expect(activation.header('from')).toBe('Hotel Test <club@hotel.test>');
    const sent = await waitUntil(
      async () => {
        const rows = (await listMessages(t.database.db, accountId, { guestId: c.id })).filter((m) => m.status === 'sent');
        return rows.length === 2 ? rows : undefined;
      },
      { what: 'both messages recorded as sent' },
    );
    expect(sent!.map((m) => [m.template, m.language, m.transactional, m.subject]).sort()).toEqual([
      ['loyalty-activation', 'es', 1, 'Activa tu cuenta de fidelización'],
      ['loyalty-welcome', 'es', 1, 'Bienvenido a nuestro programa de fidelización'],
    ]);
  });

  it('falls back to English for a language without templates, and sends nothing unless asked', async () => {
    const c = await newContact({ language: 'de' });
    await a.call('POST', `/contacts/${c.id}/loyalty-sign-in/`, { password: 'first-pass', send_activation_email: true });
    const [mail] = await arrived(c.email);
    expect(mail.header('subject')).toBe('Activate your loyalty membership');
    const quiet = await enrol({ language: 'es' });
    // a later e-mail has arrived: the quiet sign-in was committed before it and queued nothing
    const later = await newContact();
    await a.call('POST', `/contacts/${later.id}/loyalty-sign-in/`, { password: 'first-pass', send_welcome_email: true });
    await arrived(later.email);
    expect(mailsTo(quiet.email)).toEqual([]);
    expect(await listMessages(t.database.db, accountId, { guestId: quiet.id })).toEqual([]);
  });

  it('a failed sign-in (already enrolled) queues no e-mail: the message is written in its transaction', async () => {
    const c = await enrol();
    const res = await a.call('POST', `/contacts/${c.id}/loyalty-sign-in/`, { password: 'other-pass', send_activation_email: true });
    expect(res.statusCode).toBe(409);
    expect(await listMessages(t.database.db, accountId, { guestId: c.id })).toEqual([]);
  });

  it('reset-password e-mails a link; the page sets the password once; login works with the new one', async () => {
    const c = await enrol({ language: 'es' });
    await askReset(c.email);
    const [mail] = await arrived(c.email);
    expect(mail.header('subject')).toBe('Restablece tu contraseña');
    const path = resetLinkOf(mail.decoded);

    const page = await t.app.inject({ method: 'GET', url: path });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).toContain('<html lang="es">');
    expect(page.body).toContain('Elige una contraseña nueva');
    expect(page.body).not.toMatch(/<script/i);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain('form-action');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain(`action="${PUBLIC}${path}"`);
    const formToken = formTokenOf(page.body);
    expect(formToken).toMatch(/^[A-Za-z0-9]{43}$/);

    // a forged form (no form token, or another site's) changes nothing
    expect((await t.app.inject({ method: 'POST', url: path, ...form({ password: 'forged-pass', password_confirm: 'forged-pass' }) })).statusCode).toBe(403);
    const crossSite = await t.app.inject({
      method: 'POST',
      url: path,
      ...form(
        { form_token: formToken, password: 'forged-pass', password_confirm: 'forged-pass' },
        { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      ),
    });
    expect(crossSite.statusCode).toBe(403);
    // a password too short or not confirmed: the form again, nothing changed
    const short = await t.app.inject({ method: 'POST', url: path, ...form({ form_token: formToken, password: 'abc', password_confirm: 'abc' }) });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('entre 6 y 128');
    expect((await login(c.email, 'first-pass')).statusCode).toBe(200);

    const fresh = formTokenOf(short.body);
    const done = await t.app.inject({
      method: 'POST',
      url: path,
      ...form({ form_token: fresh, password: 'nueva-clave-1', password_confirm: 'nueva-clave-1' }, { origin: 'null', 'sec-fetch-site': 'same-origin' }),
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.body).toContain('Tu contraseña ha cambiado');
    expect((await login(c.email, 'nueva-clave-1')).statusCode).toBe(200);
    expect((await login(c.email, 'first-pass')).statusCode).toBe(400);

    // second use refused, by GET and by POST
    const again = await t.app.inject({ method: 'GET', url: path });
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('ya se ha usado');
    const replay = await t.app.inject({ method: 'POST', url: path, ...form({ form_token: fresh, password: 'third-pass', password_confirm: 'third-pass' }) });
    expect(replay.statusCode).toBe(410);
    expect((await login(c.email, 'nueva-clave-1')).statusCode).toBe(200);
  });

  it('an expired link is refused and changes nothing; an unknown one is a 404', async () => {
    const c = await enrol();
    await askReset(c.email);
    const [mail] = await arrived(c.email);
    expect(mail.header('subject')).toBe('Reset your password');
    const path = resetLinkOf(mail.decoded);
    const formToken = formTokenOf((await t.app.inject({ method: 'GET', url: path })).body);
    const token = path.split('/').pop()!;
    await t.database.db
      .updateTable('loyalty_reset_tokens')
      .set({ expires_at: Date.now() - 1 })
      .where('token_hash', '=', hashToken(token))
      .execute();
    const page = await t.app.inject({ method: 'GET', url: path });
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('expired');
    const post = await t.app.inject({
      method: 'POST',
      url: path,
      ...form({ form_token: formToken, password: 'late-pass-1', password_confirm: 'late-pass-1' }),
    });
    expect(post.statusCode).toBe(410);
    expect((await login(c.email, 'first-pass')).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/fideltour/portal/reset/NotARealTokenNotARealTokenNotARealToken123' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/fideltour/portal/reset/%3Cscript%3E' })).statusCode).toBe(404);
  });

  it('a reset e-mail is transactional: sent after a marketing unsubscribe, not to an address refused for good', async () => {
    const c = await enrol();
    await suppressAddress(t.database.db, accountId, 'email', c.email, 'unsubscribed');
    await askReset(c.email);
    const [mail] = await arrived(c.email);
    expect(mail.header('subject')).toBe('Reset your password');

    const refused = await enrol();
    await suppressAddress(t.database.db, accountId, 'email', refused.email, 'refused');
    await askReset(refused.email);
    const after = await enrol();
    await askReset(after.email);
    await arrived(after.email);
    expect(mailsTo(refused.email)).toEqual([]);
    expect(await listMessages(t.database.db, accountId, { guestId: refused.id })).toEqual([]);
  });

  it('a rule on loyalty.points_added e-mails the member, with the points in its template; once per operation', async () => {
    await inWriteTransaction(t.database.db, async (trx) => {
      await saveTemplate(trx, accountId, {
        name: 'points-earned',
        channel: 'email',
        language: 'en',
        trigger: 'loyalty.points_added',
        subject: 'You earned {{ loyalty.points }} points',
        body: '<p>{{ guest.firstName }}, {{ loyalty.points }} points for {{ loyalty.concept }}.</p>',
      });
      await createRule(trx, accountId, { name: 'points earned', trigger: 'loyalty.points_added', action: { type: 'email', template: 'points-earned' } });
    });
    const c = await enrol();
    const add = await a.call('POST', '/operations/add-points/', { contact: c.id, concept: 'Stay 42', points: 120, point_type: 0 });
    expect(add.statusCode, add.body).toBe(201);
    const [mail] = await arrived(c.email);
    expect(mail.header('subject')).toBe('You earned 120 points');
    expect(mail.decoded).toContain('Lucía, 120 points for Stay 42.');
    // a refused redemption fires nothing; a template for another trigger's variables is refused
    expect((await a.call('POST', '/operations/redeem-points/', { contact: c.id, concept: 'too much', points: 99_999 })).statusCode).toBe(400);
    await expect(
      saveTemplate(t.database.db, accountId, {
        name: 'bad',
        channel: 'email',
        language: 'en',
        trigger: 'loyalty.points_added',
        subject: 'x',
        body: '{{ stay.room }}',
      }),
    ).rejects.toThrow(/stay.room/);
    const firings = await t.database.db.selectFrom('rule_firings').select(['dedupe_key', 'journey_event_id']).where('account_id', '=', accountId).execute();
    expect(firings).toHaveLength(1);
    expect(firings[0]).toMatchObject({ journey_event_id: null });
    expect(firings[0].dedupe_key).toMatch(/^loyalty:op:\d+$/);
  });

  it('a rule adds loyalty points: on enrolment the member gets them once, through a job after the commit', async () => {
    await inWriteTransaction(t.database.db, (trx) =>
      createRule(trx, accountId, {
        name: 'welcome points',
        trigger: 'loyalty.enrolled',
        action: { type: 'add_loyalty_points', points: 100, concept: 'Welcome gift' },
      }),
    );
    const c = await enrol();
    const member = await waitUntil(
      async () => {
        const res = (await a.call('GET', `/contacts/${c.id}/`)).json() as { points: number; level_points: number };
        return res.points > 0 ? res : undefined;
      },
      { what: 'the welcome points' },
    );
    expect(member).toMatchObject({ points: 100, level_points: 100 });
    const ops = (await a.call('GET', `/operations/?contact=${c.id}`)).json() as { results: { points: number; concept: string }[] };
    expect(ops.results.map((o) => [o.points, o.concept])).toEqual([[100, 'Welcome gift']]);
    // the job is done once: its retry (progress saved with the points) adds nothing
    const job = await waitUntil(
      () =>
        t.database.db
          .selectFrom('jobs')
          .selectAll()
          .where('account_id', '=', accountId)
          .where('kind', '=', 'loyalty.rule_points')
          .where('status', '=', 'succeeded')
          .executeTakeFirst(),
      { what: 'the points job done' },
    );
    expect(JSON.parse(String(job!.progress))).toMatchObject({ done: true, outcome: expect.stringMatching(/^added: operation \d+$/) });
    // a rule adding points on loyalty.points_added would fire itself for ever: refused
    await expect(
      createRule(t.database.db, accountId, { name: 'loop', trigger: 'loyalty.points_added', action: { type: 'add_loyalty_points', points: 1 } }),
    ).rejects.toThrow(/cannot add loyalty points/);
    await expect(
      createRule(t.database.db, accountId, { name: 'bad points', trigger: 'loyalty.enrolled', action: { type: 'add_loyalty_points', points: 0 } }),
    ).rejects.toThrow(/action.points/);
  });

  it('the admin API takes and shows add_loyalty_points rules and refuses bad ones with a 400', async () => {
    const ok = await admin(adminToken, 'POST', '/rules', {
      name: 'checkout points',
      trigger: 'stay.checked_out',
      action: { type: 'add_loyalty_points', points: 25, concept: 'Stay', pointType: 2 },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().action).toMatchObject({ type: 'add_loyalty_points', points: 25, concept: 'Stay', pointType: 2 });
    const listed = (await admin(adminToken, 'GET', '/rules')).json().rules as { name: string; action: { type: string } }[];
    expect(listed.find((r) => r.name === 'checkout points')?.action.type).toBe('add_loyalty_points');
    for (const action of [
      { type: 'add_loyalty_points', points: -5 },
      { type: 'add_loyalty_points', points: 5, template: 'welcome' },
      { type: 'add_loyalty_points' },
      { type: 'sms', template: 'x' },
    ]) {
      const bad = await admin(adminToken, 'POST', '/rules', { name: `bad ${JSON.stringify(action).length}`, trigger: 'loyalty.enrolled', action });
      expect(bad.statusCode, bad.body).toBe(400);
    }
    const loop = await admin(adminToken, 'POST', '/rules', {
      name: 'loop',
      trigger: 'loyalty.points_added',
      action: { type: 'add_loyalty_points', points: 1 },
    });
    expect(loop.statusCode).toBe(400);
    expect(loop.body).toContain('cannot add loyalty points');
  });
});
