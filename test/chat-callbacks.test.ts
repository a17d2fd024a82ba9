import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobWorker, type JobWorker } from '../src/core/jobs/job-worker.js';
import { createLocation } from '../src/core/locations/locations.js';
import { createOutboundClient, type OutboundClient } from '../src/core/outbound/http-client.js';
import { jobHandlers } from '../src/server/job-handlers.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { createLooponClient } from './helpers/loopon.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { recordIssuedSecret } from './helpers/secret-log.js';
import { openSocket, type TestSocket } from './helpers/sockets.js';
import { waitUntil } from './helpers/wait.js';

/*
 * A stay's chat events leave the building: the guest's and the hotel's messages and the guest's
 * connect and disconnect reach the stayCallback the API client registered (with its token as
 * registered, through the outbox and a real receiver), typing never does, and a new message is the
 * `chat.message` domain event for webhook subscriptions.
 */
describe.each(dialects())('chat events to stay callbacks and webhooks on %s', (dialect) => {
  let t: TestApp;
  let worker: JobWorker;
  let outbound: OutboundClient;
  let receiver: Receiver;
  let base: string;
  const sockets: TestSocket[] = [];
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
    for (const socket of sockets) await socket.close();
    await worker?.stop();
    await outbound?.close();
    await receiver?.close();
    await t?.close();
  });

  it('delivers the messages, connect and disconnect of a stay to its callback, and new messages to chat.message webhooks', async () => {
    const { account, adminToken } = await createTestAccount(t);
    recordIssuedSecret(adminToken);
    const unit = (await createLocation(t.database.db, account.id, { title: { en: 'Sea Hotel' } })).id;
    const { headers } = await createLooponClient(t, account.id);
    const hook = await admin(adminToken, 'POST', '/webhooks', { url: `${receiver.url}/hooks`, events: ['chat.message'] });
    expect(hook.statusCode, hook.body).toBe(201);

    const registered = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${unit}/stays`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify({
        name: 'Ada Guest',
        email: 'ada@guest.example',
        status: 'instay',
        checkinDate: '2026-03-01',
        checkoutDate: '2099-03-03',
        stayCallback: { url: `${receiver.url}/stay-updates`, auth: 'basic', authToken: 'pms-token-1' },
      }),
    });
    expect(registered.statusCode, registered.body).toBe(200);
    const stay = registered.json();
    const sessionKey: string = stay.chatSession.sessionId;
    recordIssuedSecret(sessionKey);

    const guest = await openSocket(`${base}${new URL(stay.chatSession.wssUrl).pathname}`);
    sockets.push(guest);
    guest.send({ type: 'typingIndicator', typingIndicator: { timeout: 5 } });
    guest.send({ type: 'chatMessage', chatMessage: { localId: 'g-1', contentType: 'text/plain', content: 'Two more towels, please' } });
    const echo = await guest.next((e) => e.chatMessage?.localId === 'g-1', 'the echo');
    guest.send({ type: 'chatMessage', chatMessage: { localId: 'g-2', contentType: 'text/plain', content: 'And soap' } });
    const echo2 = await guest.next((e) => e.chatMessage?.localId === 'g-2', 'the second echo');

    const { sessions } = (await admin(adminToken, 'GET', '/chat/sessions')).json();
    const reply = await admin(adminToken, 'POST', `/chat/sessions/${sessions[0].id}/messages`, { authorName: 'Reception', content: 'On the way!' });
    expect(reply.statusCode, reply.body).toBe(201);
    const read = await admin(adminToken, 'POST', `/chat/sessions/${sessions[0].id}/read`, {});
    expect(read.json().updated).toBe(2);
    await guest.close();

    const callbacks = () => receiver.received.filter((r) => r.url === '/stay-updates').map((r) => ({ ...r, event: JSON.parse(r.body) }));
    await waitUntil(() => callbacks().length >= 7, { what: () => `seven callbacks, got ${JSON.stringify(callbacks().map((c) => c.event.type))}` });
    const types = callbacks().map((c) => c.event.type);
    expect(types.sort()).toEqual(['chatMessage', 'chatMessage', 'chatMessage', 'chatMessage', 'chatMessage', 'guestConnect', 'guestDisconnect']);
    for (const c of callbacks()) {
      expect(c.headers.authorization).toBe('Basic pms-token-1');
      expect(c.event.sessionId).toBe(sessionKey);
    }
    const guestMessage = callbacks().find((c) => c.event.type === 'chatMessage' && c.event.chatMessage?.author === 'guest');
    expect(guestMessage?.event.chatMessage).toMatchObject({ id: echo.chatMessage.id, content: 'Two more towels, please', localId: 'g-1' });
    // the hotel read both guest messages: each goes to the callback again, with `read` set
    const readIds = callbacks()
      .filter((c) => c.event.type === 'chatMessage' && c.event.chatMessage?.read)
      .map((c) => c.event.chatMessage.id)
      .sort((a: number, b: number) => a - b);
    expect(readIds).toEqual([echo.chatMessage.id, echo2.chatMessage.id]);

    const hooks = () => receiver.received.filter((r) => r.url === '/hooks').map((r) => JSON.parse(r.body));
    await waitUntil(() => hooks().length >= 3, { what: () => `three chat.message webhooks, got ${hooks().length}` });
    expect(hooks().map((h) => h.type)).toEqual(['chat.message', 'chat.message', 'chat.message']);
    // Typing is relayed live only: no callback, no webhook.
    expect(receiver.received.some((r) => r.body.includes('typingIndicator'))).toBe(false);
  });
});
