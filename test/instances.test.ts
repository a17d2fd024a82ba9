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
import { sql } from 'kysely';
import { createLoopType } from '../src/core/locations/loop-types.js';
import { findChatSessionByKey } from '../src/core/chat/chat-sessions.js';
import { postChatMessage } from '../src/core/chat/chat-messages.js';
import { readChatMessageInput } from '../src/core/chat/chat-message-input.js';
import { openLoop } from '../src/core/requests/loops.js';
import { writeContext } from '../src/core/shared/write-context.js';

// Two server processes on one PostgreSQL database: the chat crosses from one to the other.
describe.skipIf(!process.env.TEST_DATABASE_URL)('two instances on one PostgreSQL database (the only dialect with several server processes)', () => {
  let t: TestDatabase;
  const children: ChildProcess[] = [];
  const sockets: TestSocket[] = [];
  let a: { baseUrl: string };
  let b: { baseUrl: string };
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    const env = { DATABASE_URL: t.url };
    const [first, second] = await Promise.all([startServer(env), startServer(env)]);
    children.push(first.child, second.child);
    a = first;
    b = second;
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

  /** An account with a Loopon client, a Loop token, a unit (shortcode "sea") and a loop type, and a chat session on A with a staff socket on B. */
  async function hotelAcross(slug: string) {
    const { account, adminToken, loopToken } = await createAccountWithCredentials(t.db, slug, slug);
    recordIssuedSecret(adminToken);
    recordIssuedSecret(loopToken);
    const unit = (await createLocation(t.db, account.id, { title: { en: 'Sea Hotel' }, shortcode: 'sea' })).id;
    await createLoopType(t.db, account.id, 'housekeeping', { en: 'Housekeeping' });
    const { client, clientSecret } = await createOauthClient(t.db, account.id, { scopes: [...LOOPON_SCOPES], unitIds: null }, LOOPON_SCOPES);
    const { accessToken } = await grantClientCredentials(t.db, client.client_id, clientSecret, undefined, LOOPON_SCOPES);
    recordIssuedSecret(accessToken);
    const registered = await fetch(`${a.baseUrl}/loopon/public/units/${unit}/stays`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bo Guest', status: 'instay', checkinDate: '2026-03-01', checkoutDate: '2099-03-03' }),
    });
    expect(registered.status).toBe(200);
    const stay = (await registered.json()) as { chatSession: { sessionId: string; wssUrl: string } };
    recordIssuedSecret(stay.chatSession.sessionId);
    const guest = await openSocket(`${a.baseUrl.replace('http', 'ws')}${new URL(stay.chatSession.wssUrl).pathname}`);
    sockets.push(guest);
    const adminOn = (base: string) => (method: string, path: string, body?: unknown) =>
      fetch(`${base}/admin/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const ticket = (await (await adminOn(b.baseUrl)('POST', '/realtime/tickets')).json()) as { ticket: string; url: string };
    recordIssuedSecret(ticket.ticket);
    const staff = await openSocket(`${b.baseUrl.replace('http', 'ws')}${new URL(ticket.url).pathname}${new URL(ticket.url).search}`);
    sockets.push(staff);
    await staff.next((e) => e.type === 'ready', 'the staff socket ready');
    const session = (await findChatSessionByKey(t.db, stay.chatSession.sessionId))!;
    return { accountId: account.id, loopToken, guest, staff, session, adminOnA: adminOn(a.baseUrl), adminOnB: adminOn(b.baseUrl) };
  }

  it('a request opened or changed through A reaches the staff socket on B', async () => {
    const h = await hotelAcross('requests-across');
    const opened = await fetch(`${a.baseUrl}/loop/api/v1/loops?authToken=${h.loopToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ location: 'sea', loopType: 'housekeeping', description: 'The kettle is broken' }),
    });
    expect(opened.status).toBe(200);
    const live = await h.staff.next((e) => e.type === 'request.opened', 'request.opened on instance B');
    expect(live.request).toMatchObject({ state: 'open', description: 'The kettle is broken', activities: [{ type: 'open' }] });
    const closed = await h.adminOnA('PATCH', `/requests/${live.request.id}`, { state: 'closed' });
    expect(closed.status).toBe(200);
    const update = await h.staff.next((e) => e.type === 'request.updated' && e.request.state === 'closed', 'request.updated on instance B');
    expect(update.request.id).toBe(live.request.id);
  });

  it('after the LISTEN connections drop, each instance catches up from the tables: guest and staff sockets get what they missed, once', async () => {
    const h = await hotelAcross('gap-across');
    // Before the gap, the hub works as usual (and remembers what it delivered).
    h.guest.send({ type: 'chatMessage', chatMessage: { localId: 'before-1', contentType: 'text/plain', content: 'Hello' } });
    await h.staff.next((e) => e.type === 'chat.message' && e.message.localId === 'before-1', 'the message before the gap');

    // What a lost notice leaves behind: changes committed that no instance heard of. They are
    // written here without a notice, then the notice connections are killed.
    const ctx = (trx: Parameters<typeof writeContext>[0]) => writeContext(trx, h.accountId, 'system');
    const hotelAuthor = { author: 'hotel' as const, authorName: 'Night desk', authorAvatarUrl: null, media: 'webchat' as const };
    const guestAuthor = { author: 'guest' as const, authorName: 'Bo Guest', authorAvatarUrl: null, media: 'appchat' as const };
    const message = (localId: string, content: string) => readChatMessageInput({ contentType: 'text/plain', content, localId });
    await t.db.transaction().execute(async (trx) => {
      await postChatMessage(ctx(trx), h.session, hotelAuthor, message('gap-hotel', 'Your taxi is here'));
      await postChatMessage(ctx(trx), h.session, guestAuthor, message('gap-guest', 'Coming down'));
      const location = (await trx.selectFrom('locations').select('id').where('account_id', '=', h.accountId).executeTakeFirstOrThrow()).id;
      await openLoop(ctx(trx), { locationId: location, description: 'Opened during the gap' });
    });
    const killed = await sql<{ pid: number }>`
      select pg_terminate_backend(pid) as pid from pg_stat_activity
      where application_name = 'openstay notices' and datname = current_database()`.execute(t.db);
    expect(killed.rows.length).toBe(2); // one LISTEN connection per instance

    // A (the guest's instance) and B (the staff's) reconnect with backoff and read the tables.
    const hotelMessage = await h.guest.next((e) => e.chatMessage?.localId === 'gap-hotel', 'the hotel message written in the gap, on A');
    expect(hotelMessage.chatMessage).toMatchObject({ author: 'hotel', content: 'Your taxi is here' });
    await h.staff.next((e) => e.type === 'chat.message' && e.message.localId === 'gap-guest', 'the guest message written in the gap, on B');
    await h.staff.next((e) => e.type === 'request.opened' && e.request.description === 'Opened during the gap', 'the request opened in the gap, on B');
    // And the instances hear each other again.
    const after = await h.adminOnB('POST', `/chat/sessions/${h.session.id}/messages`, { authorName: 'Reception', content: 'Safe travels', localId: 'after-1' });
    expect(after.status).toBe(201);
    await h.guest.next((e) => e.chatMessage?.localId === 'after-1', 'a message after the reconnect');
    // Nothing came twice: what was delivered before the gap is not delivered again by the catch-up.
    const count = (socket: TestSocket, pred: (e: any) => boolean) => socket.events.filter(pred).length;
    expect(count(h.guest, (e) => e.chatMessage?.localId === 'gap-hotel')).toBe(1);
    expect(count(h.guest, (e) => e.chatMessage?.localId === 'before-1')).toBe(1);
    expect(count(h.staff, (e) => e.type === 'chat.message' && e.message.localId === 'before-1')).toBe(1);
    expect(count(h.staff, (e) => e.type === 'chat.message' && e.message.localId === 'gap-guest')).toBe(1);
    expect(count(h.staff, (e) => e.type === 'request.opened')).toBe(1);
  });
});
