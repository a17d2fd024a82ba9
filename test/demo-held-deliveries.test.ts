import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOPON_SCOPES } from '../src/api/loopon/context.js';
import { createDemoLooponClient } from '../src/core/demo/demo-loopon-client.js';
import { ensureDemoAccount } from '../src/core/demo/seed-demo.js';
import { createLocation } from '../src/core/locations/locations.js';
import { startJobWorker, type JobWorker } from '../src/core/jobs/job-worker.js';
import { createOutboundClient, type OutboundClient } from '../src/core/outbound/http-client.js';
import { isDocumentExampleHost } from '../src/core/outbox/example-hosts.js';
import { jobHandlers } from '../src/server/job-handlers.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { runCli } from './helpers/cli.js';
import { dialects } from './helpers/database.js';
import { createLooponClient } from './helpers/loopon.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { recordIssuedSecret } from './helpers/secret-log.js';
import { openSocket } from './helpers/sockets.js';
import { waitUntil } from './helpers/wait.js';

// The Loopon document's stay example, as the demo's integrator would send it.
const DOCUMENT_STAY = {
  name: 'Simon Finne',
  bookingReference: 'ExampleReference-001',
  email: 'simon.finne@loopon.com',
  mobile: '+46730442480',
  bookingDate: '2017-11-01',
  checkinDate: '2017-11-18',
  checkoutDate: '2099-11-29',
  room: '123',
  status: 'instay',
  stayCallback: { url: 'https://www.wowsify.com/api/stayUpdate', auth: 'basic', authToken: 'ExampleToken' },
};

it('knows the documents` example hosts and their subdomains, and no look-alike', () => {
  for (const url of ['https://www.wowsify.com/api/stayUpdate', 'https://sunnyclear.blazeloop.net/x', 'https://api.loopon.com/', 'https://WOWSIFY.COM./a'])
    expect(isDocumentExampleHost(url), url).toBe(true);
  for (const url of ['https://notwowsify.com/', 'https://wowsify.com.evil.test/', 'http://127.0.0.1:8080/hook', 'not a url'])
    expect(isDocumentExampleHost(url), url).toBe(false);
});

describe.each(dialects())('the demo holds its deliveries to the documents` example hosts on %s', (dialect) => {
  let t: TestApp;
  let worker: JobWorker;
  let outbound: OutboundClient;
  let receiver: Receiver;
  let base: string;
  const admin = adminCall(() => t);

  beforeAll(async () => {
    t = await createTestApp(dialect, { ALLOW_PRIVATE_CALLBACK_URLS: 'true' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    outbound = createOutboundClient({ allowPrivate: true, timeoutMs: 5_000 });
    receiver = await startReceiver();
    worker = startJobWorker({ db: t.database.db, handlers: jobHandlers({ config: t.config, secrets: t.secrets, outbound }), pollMs: 10, leaseMs: 5_000 });
  });
  afterAll(async () => {
    await worker?.stop();
    await outbound?.close();
    await receiver?.close();
    await t?.close();
  });

  /** Registers the stay, then a guest connects, writes and leaves: three callback events. */
  async function chatOnStay(unit: number | string, headers: Record<string, string>, callbackUrl: string) {
    const registered = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${unit}/stays`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ ...DOCUMENT_STAY, stayCallback: { ...DOCUMENT_STAY.stayCallback, url: callbackUrl } }),
    });
    expect(registered.statusCode, registered.body).toBe(200);
    const stay = registered.json();
    recordIssuedSecret(stay.chatSession.sessionId);
    const guest = await openSocket(`${base}${new URL(stay.chatSession.wssUrl).pathname}`);
    guest.send({ type: 'chatMessage', chatMessage: { localId: 'g-1', contentType: 'text/plain', content: 'Two more towels, please' } });
    await guest.next((e) => e.chatMessage?.localId === 'g-1', 'the echo');
    await guest.close();
  }

  it('records the demo stay callback to www.wowsify.com as held, never sent, in the admin API and `openstay delivery list`', async () => {
    const demo = await ensureDemoAccount(t.database.db);
    recordIssuedSecret(demo.adminToken);
    const { clientId, clientSecret } = await createDemoLooponClient(t.database.db, demo.account.id, demo.looponUnits, LOOPON_SCOPES);
    const token = await t.app.inject({
      method: 'POST',
      url: '/loopon/oauth2/token',
      payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: LOOPON_SCOPES.join(' ') },
    });
    const bearer = { authorization: `Bearer ${token.json().access_token}` };
    // A webhook of the demo to a host of its own is sent as usual: the worker runs.
    const hook = await admin(demo.adminToken, 'POST', '/webhooks', { url: `${receiver.url}/hooks`, events: ['chat.message'] });
    expect(hook.statusCode, hook.body).toBe(201);

    await chatOnStay(1204, bearer, DOCUMENT_STAY.stayCallback.url);

    const list = async (status: string) => (await admin(demo.adminToken, 'GET', `/deliveries?status=${status}`)).json().deliveries;
    let seen = '';
    await waitUntil(
      async () => {
        const [held, delivered] = [await list('held'), await list('delivered')];
        seen = JSON.stringify({ held, delivered: delivered.length });
        return held.length === 3 && delivered.length >= 1;
      },
      { what: () => `3 held callbacks and a delivered webhook, got ${seen}` },
    );
    const held = await list('held');
    expect(held.map((d: any) => d.eventType).sort()).toEqual(['chatMessage', 'guestConnect', 'guestDisconnect']);
    for (const d of held) {
      expect(d).toMatchObject({ status: 'held', url: DOCUMENT_STAY.stayCallback.url, attempts: 0 });
      expect(d.lastError).toMatch(/demo account sends no guest data to www\.wowsify\.com/);
      const replay = await admin(demo.adminToken, 'POST', `/deliveries/${d.id}/replay`, {});
      expect(replay.statusCode, replay.body).toBe(409);
    }
    expect(receiver.received.filter((r) => r.url === '/hooks').length).toBeGreaterThanOrEqual(1);
    const attempts = await t.database.db
      .selectFrom('delivery_attempts')
      .select('delivery_id')
      .where(
        'delivery_id',
        'in',
        held.map((d: any) => d.id),
      )
      .execute();
    expect(attempts).toEqual([]);

    const cli = await runCli(['delivery', 'list', '--account', 'demo', '--status', 'held', '--json'], { DATABASE_URL: t.database.url });
    expect(cli.code, cli.stderr).toBe(0);
    const printed = JSON.parse(cli.stdout);
    expect(printed.deliveries.map((d: any) => d.id).sort()).toEqual(held.map((d: any) => d.id).sort());
    expect(printed.deliveries.every((d: any) => d.status === 'held')).toBe(true);
  });

  it('holds the demo welcome e-mail to the documents` example address rs@abc.com, and queues one to another domain', async () => {
    const demo = await ensureDemoAccount(t.database.db);
    recordIssuedSecret(demo.adminToken);
    recordIssuedSecret(demo.loopToken);
    const checkin = (foreignId: string, email: string) =>
      t.app.inject({
        method: 'POST',
        url: `/loop/api/v1/ContactEvent?authToken=${demo.loopToken}`,
        payload: { event: 'checkin', foreignId, firstname: 'Rick', lastname: 'Sanchez', email },
      });
    expect((await checkin('abc123', 'rs@abc.com')).statusCode).toBe(200);
    expect((await checkin('held-2', 'morty@hotel-guest.test')).statusCode).toBe(200);
    const messages = (await admin(demo.adminToken, 'GET', '/messages')).json().messages as any[];
    const held = messages.filter((m) => m.recipient === 'rs@abc.com');
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ status: 'held', attempts: 0 });
    expect(held[0].lastError).toMatch(/demo account sends no guest data to abc\.com/);
    expect(messages.find((m) => m.recipient === 'morty@hotel-guest.test')).toMatchObject({ status: 'queued' });
    expect((await admin(demo.adminToken, 'GET', '/messages?status=held')).json().messages.map((m: any) => m.recipient)).toEqual(['rs@abc.com']);
    // No job will ever send it.
    const jobs = await t.database.db.selectFrom('jobs').select('payload').where('account_id', '=', demo.account.id).execute();
    expect(jobs.filter((j) => JSON.parse(j.payload).messageId === held[0].id)).toEqual([]);
  });

  it('sends another account`s callback to the same host as usual (only the demo holds)', async () => {
    const { account, adminToken } = await createTestAccount(t);
    recordIssuedSecret(adminToken);
    const unit = (await createLocation(t.database.db, account.id, { title: { en: 'Sea Hotel' } })).id;
    const { headers } = await createLooponClient(t, account.id);
    // The callback of another account is pending (and then retried: the sandbox reaches no outside host).
    await chatOnStay(unit, headers, DOCUMENT_STAY.stayCallback.url);
    const { deliveries } = (await admin(adminToken, 'GET', '/deliveries')).json();
    expect(deliveries.length).toBeGreaterThanOrEqual(1);
    expect(deliveries.every((d: any) => d.status !== 'held')).toBe(true);
  });
});
