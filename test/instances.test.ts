import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountWithCredentials } from '../src/core/accounts/provision.js';
import { createOauthClient, grantClientCredentials } from '../src/core/accounts/oauth.js';
import { createLocation } from '../src/core/locations/locations.js';
import { LOOPON_SCOPES } from '../src/api/loopon/context.js';
import { exited, startServer } from './helpers/cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { recordIssuedSecret } from './helpers/secret-log.js';
import { openSocket, type TestSocket } from './helpers/sockets.js';

// Two server processes on one PostgreSQL database: the chat crosses from one to the other.
describe.skipIf(!process.env.TEST_DATABASE_URL)('two instances on one PostgreSQL database (the only dialect with several server processes)', () => {
  let t: TestDatabase;
  const children: ChildProcess[] = [];
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    for (const socket of sockets) await socket.close();
    // All at once: each takes a moment to shut down cleanly.
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => exited(child)));
    await t?.destroy();
  });

  it('a guest on instance A gets a hotel message sent through B, and staff on B see the guest write on A', async () => {
    const { account, adminToken } = await createAccountWithCredentials(t.db, 'two-instances', 'Two instances');
    const unit = (await createLocation(t.db, account.id, { title: { en: 'Sea Hotel' } })).id;
    const { client, clientSecret } = await createOauthClient(t.db, account.id, { scopes: [...LOOPON_SCOPES], unitIds: null }, LOOPON_SCOPES);
    const { accessToken } = await grantClientCredentials(t.db, client.client_id, clientSecret, undefined, LOOPON_SCOPES);
    recordIssuedSecret(accessToken);
    const env = { DATABASE_URL: t.url };
    const a = await startServer(env);
    const b = await startServer(env);
    children.push(a.child, b.child);

    const registered = await fetch(`${a.baseUrl}/loopon/public/units/${unit}/stays`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada Guest', status: 'instay', checkinDate: '2026-03-01', checkoutDate: '2099-03-03' }),
    });
    expect(registered.status).toBe(200);
    const stay = (await registered.json()) as { chatSession: { sessionId: string; wssUrl: string } };
    recordIssuedSecret(stay.chatSession.sessionId);
    const guest = await openSocket(`${a.baseUrl.replace('http', 'ws')}${new URL(stay.chatSession.wssUrl).pathname}`);
    sockets.push(guest);

    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${b.baseUrl}/admin/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const ticket = (await (await admin('POST', '/realtime/tickets')).json()) as { ticket: string; url: string };
    recordIssuedSecret(ticket.ticket);
    const staff = await openSocket(`${b.baseUrl.replace('http', 'ws')}${new URL(ticket.url).pathname}${new URL(ticket.url).search}`);
    sockets.push(staff);
    await staff.next((e) => e.type === 'ready', 'the staff socket ready');
    guest.send({ type: 'chatMessage', chatMessage: { localId: 'a-1', contentType: 'text/plain', content: 'Two more towels, please' } });
    const live = await staff.next((e) => e.type === 'chat.message' && e.message.localId === 'a-1', 'the guest message on instance B');
    expect(live.message).toMatchObject({ author: 'guest', content: 'Two more towels, please' });

    const { sessions } = (await (await admin('GET', '/chat/sessions')).json()) as { sessions: Array<{ id: number }> };
    const sent = await admin('POST', `/chat/sessions/${sessions[0].id}/messages`, { authorName: 'Reception', content: 'On the way!', localId: 'b-1' });
    expect(sent.status).toBe(201);
    const received = await guest.next((e) => e.chatMessage?.localId === 'b-1', 'the hotel message from instance B');
    expect(received.chatMessage).toMatchObject({ author: 'hotel', authorName: 'Reception', content: 'On the way!' });
    // Each instance delivered once: the guest's echo came from A, not again from B's notice.
    expect(guest.events.filter((e) => e.chatMessage?.localId === 'a-1')).toHaveLength(1);
    expect(guest.events.filter((e) => e.chatMessage?.localId === 'b-1')).toHaveLength(1);
  });
});
