import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocation } from '../src/core/locations/locations.js';
import { findChatSessionByKey } from '../src/core/chat/chat-sessions.js';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { adminCall } from './helpers/admin.js';
import { createLooponClient } from './helpers/loopon.js';
import { openSocket, type TestSocket } from './helpers/sockets.js';
import { recordIssuedSecret } from './helpers/secret-log.js';

/*
 * The staff side of the guest chat over real sockets: the admin API's sessions, history, hotel
 * messages, mark read and typing reaching the guest's socket, and the staff realtime WebSocket
 * with its single-use, short-lived ticket; sessions never cross accounts.
 */

describe.each(dialects())('staff chat on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  const admin = adminCall(() => t);
  const sockets: TestSocket[] = [];
  let hotel: { accountId: number; adminToken: string; unit: number; headers: Record<string, string> };
  let rival: typeof hotel;

  const newHotel = async () => {
    const { account, adminToken } = await createTestAccount(t);
    recordIssuedSecret(adminToken);
    const unit = (await createLocation(t.database.db, account.id, { title: { en: 'Sea Hotel' } })).id;
    return { accountId: account.id, adminToken, unit, headers: (await createLooponClient(t, account.id)).headers };
  };
  const register = async (h: typeof hotel, body: Record<string, unknown>) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${h.unit}/stays`,
      headers: { ...h.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ status: 'instay', checkinDate: '2026-03-01', checkoutDate: '2099-03-03', ...body }),
    });
    expect(res.statusCode, res.body).toBe(200);
    const stay = res.json();
    const session = await findChatSessionByKey(t.database.db, stay.chatSession.sessionId);
    return { stay, sessionId: session!.id };
  };
  const connect = async (path: string) => {
    const socket = await openSocket(`${base}${path}`);
    sockets.push(socket);
    return socket;
  };
  const guestSocket = (stay: any, query = '') => connect(`${new URL(stay.chatSession.wssUrl).pathname}${query}`);
  const staffSocket = async (h: typeof hotel) => {
    const res = await admin(h.adminToken, 'POST', '/realtime/tickets');
    expect(res.statusCode, res.body).toBe(201);
    const { ticket, url } = res.json();
    recordIssuedSecret(ticket);
    const socket = await connect(`${new URL(url).pathname}${new URL(url).search}`);
    await socket.next((e) => e.type === 'ready', 'the ready event');
    return { socket, ticket, url };
  };
  const say = (content: string, localId: string) => ({ type: 'chatMessage', chatMessage: { localId, contentType: 'text/plain', content } });

  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    hotel = await newHotel();
    rival = await newHotel();
  });
  afterAll(async () => {
    for (const socket of sockets) await socket.close();
    await t?.close();
  });

  it('sends a hotel message that reaches the guest socket live, marks read (the guest sees read set) and relays typing', async () => {
    const { stay, sessionId } = await register(hotel, { name: 'Simon Finne', email: 'simon@example.com' });
    const guest = await guestSocket(stay);
    guest.send(say('Extra pillows, please', 'g-1'));
    const mine = await guest.next((e) => e.chatMessage?.localId === 'g-1');

    const typing = await admin(hotel.adminToken, 'POST', `/chat/sessions/${sessionId}/typing`, { authorName: 'Reception', timeout: 7 });
    expect(typing.statusCode, typing.body).toBe(204);
    const indicator = await guest.next((e) => e.type === 'typingIndicator');
    expect(indicator).toMatchObject({
      sessionId: stay.chatSession.sessionId,
      timeout: 7,
      author: 'hotel',
      authorName: 'Reception',
      typingIndicator: { timeout: 7, author: 'hotel', authorName: 'Reception', authorAvatarUrl: null },
    });

    const sent = await admin(hotel.adminToken, 'POST', `/chat/sessions/${sessionId}/messages`, {
      authorName: 'Reception',
      authorAvatarUrl: 'https://hotel.test/anna.png',
      content: 'On the way!',
      localId: 'console-1',
    });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json()).toMatchObject({ author: 'hotel', authorName: 'Reception', media: 'webchat', content: 'On the way!', sessionId, readAt: null });
    const received = await guest.next((e) => e.chatMessage?.localId === 'console-1', 'the hotel message');
    expect(received.chatMessage).toMatchObject({
      id: sent.json().id,
      author: 'hotel',
      authorName: 'Reception',
      authorAvatarUrl: 'https://hotel.test/anna.png',
      media: 'webchat',
      read: null,
    });

    const read = await admin(hotel.adminToken, 'POST', `/chat/sessions/${sessionId}/read`, {});
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().updated).toBe(1);
    const updated = await guest.next((e) => e.chatMessage?.id === mine.chatMessage.id && e.chatMessage.read !== null, 'the read update');
    expect(updated.chatMessage.localId).toBe('g-1');
    expect(updated.chatMessage.updated).toBe(updated.chatMessage.read);
    expect(updated.created).toBe(mine.created);
    expect((await admin(hotel.adminToken, 'POST', `/chat/sessions/${sessionId}/read`)).json().updated).toBe(0);

    // A device that was away gets the read update on reconnect (it changed after the device's cursor).
    const phone = await guestSocket(stay, '?deviceId=phone');
    await phone.next((e) => e.chatMessage?.localId === 'console-1');
    await phone.close();
    guest.send(say('and a toothbrush', 'g-2'));
    await guest.next((e) => e.chatMessage?.localId === 'g-2');
    await admin(hotel.adminToken, 'POST', `/chat/sessions/${sessionId}/read`, {});
    const back = await guestSocket(stay, '?deviceId=phone');
    const replayed = await back.next((e) => e.chatMessage?.localId === 'g-2' && e.chatMessage.read !== null, 'g-2 read, replayed once');
    expect(back.events.filter((e) => e.chatMessage?.localId === 'g-2')).toEqual([replayed]);
  });

  it('lists sessions with the last message and unread counts, and pages a history', async () => {
    const { stay, sessionId } = await register(hotel, { name: 'Pia Holm', email: 'pia@example.com' });
    const guest = await guestSocket(stay);
    for (let i = 1; i <= 5; i++) guest.send(say(`message ${i}`, `p-${i}`));
    await guest.next((e) => e.chatMessage?.localId === 'p-5');
    const list = await admin(hotel.adminToken, 'GET', '/chat/sessions?limit=10');
    expect(list.statusCode, list.body).toBe(200);
    const first = list.json().sessions[0];
    expect(first).toMatchObject({
      id: sessionId,
      guestName: 'Pia Holm',
      unreadCount: 5,
      expired: false,
      lastMessage: { content: 'message 5', author: 'guest' },
    });
    const unreadOnly = (await admin(hotel.adminToken, 'GET', '/chat/sessions?unread=true')).json().sessions.map((s: any) => s.id);
    expect(unreadOnly).toContain(sessionId);

    const page1 = (await admin(hotel.adminToken, 'GET', `/chat/sessions/${sessionId}/messages?limit=2`)).json();
    expect(page1.messages.map((m: any) => m.localId)).toEqual(['p-4', 'p-5']);
    expect(page1.hasMore).toBe(true);
    const page2 = (await admin(hotel.adminToken, 'GET', `/chat/sessions/${sessionId}/messages?limit=2&before=${page1.messages[0].id}`)).json();
    expect(page2.messages.map((m: any) => m.localId)).toEqual(['p-2', 'p-3']);
    const page3 = (await admin(hotel.adminToken, 'GET', `/chat/sessions/${sessionId}/messages?limit=2&before=${page2.messages[0].id}`)).json();
    expect(page3).toMatchObject({ hasMore: false, messages: [{ localId: 'p-1' }] });
    const caughtUp = (await admin(hotel.adminToken, 'GET', `/chat/sessions/${sessionId}/messages?after=${page3.messages[0].id}&limit=3`)).json();
    expect(caughtUp.messages.map((m: any) => m.localId)).toEqual(['p-2', 'p-3', 'p-4']);

    await admin(hotel.adminToken, 'POST', `/chat/sessions/${sessionId}/read`, { upTo: page2.messages[1].id });
    expect((await admin(hotel.adminToken, 'GET', `/chat/sessions/${sessionId}`)).json().unreadCount).toBe(2);
  });

  it("delivers the account's guest messages to a staff socket opened with a ticket; a ticket works once and expires", async () => {
    const { stay, sessionId } = await register(hotel, { name: 'Live', email: 'live@example.com' });
    const { socket: staff, url } = await staffSocket(hotel);
    const guest = await guestSocket(stay);
    await staff.next((e) => e.type === 'chat.presence' && e.sessionId === sessionId && e.connected === true);
    guest.send(say('hello staff', 's-1'), { type: 'typingIndicator' });
    const live = await staff.next((e) => e.type === 'chat.message' && e.message.localId === 's-1', 'the guest message');
    expect(live).toMatchObject({ sessionId, locationId: hotel.unit, message: { author: 'guest', content: 'hello staff', authorName: 'Live' } });
    await staff.next((e) => e.type === 'chat.typing' && e.typing.author === 'guest');

    // Used once: the same ticket again is closed with 4401; so are unknown, missing and expired tickets.
    const again = await openSocket(`${base}${new URL(url).pathname}${new URL(url).search}`);
    expect(await again.waitClosed()).toEqual({ code: 4401, reason: 'ticket missing, unknown, used or expired' });
    expect((await (await openSocket(`${base}/admin/v1/realtime?ticket=nope`)).waitClosed()).code).toBe(4401);
    expect((await (await openSocket(`${base}/admin/v1/realtime`)).waitClosed()).code).toBe(4401);
    const res = await admin(hotel.adminToken, 'POST', '/realtime/tickets');
    const late = res.json();
    recordIssuedSecret(late.ticket);
    expect(late.expiresAt - Date.now()).toBeLessThanOrEqual(30_000);
    await t.database.db
      .updateTable('realtime_tickets')
      .set({ expires_at: Date.now() - 1 })
      .where('account_id', '=', hotel.accountId)
      .execute();
    expect((await (await openSocket(`${base}/admin/v1/realtime?ticket=${late.ticket}`)).waitClosed()).code).toBe(4401);
    // A ticket needs the admin token.
    expect((await t.app.inject({ method: 'POST', url: '/admin/v1/realtime/tickets' })).statusCode).toBe(401);
    // And the gauge counts the staff socket.
    expect((await t.app.inject({ url: '/metrics' })).body).toMatch(/^openstay_staff_realtime_sockets [1-9]/m);
  });

  it('keeps sessions within their account: admin calls, staff sockets and guest sockets', async () => {
    const mine = await register(hotel, { name: 'Own', email: 'own@example.com' });
    const theirs = await register(rival, { name: 'Other', email: 'other@example.com' });
    for (const [method, path, body] of [
      ['GET', `/chat/sessions/${mine.sessionId}`, undefined],
      ['GET', `/chat/sessions/${mine.sessionId}/messages`, undefined],
      ['POST', `/chat/sessions/${mine.sessionId}/messages`, { authorName: 'Spy', content: 'hi' }],
      ['POST', `/chat/sessions/${mine.sessionId}/read`, {}],
      ['POST', `/chat/sessions/${mine.sessionId}/typing`, { authorName: 'Spy' }],
    ] as const) {
      const res = await admin(rival.adminToken, method, path, body);
      expect(res.statusCode, `${method} ${path}`).toBe(404);
    }
    expect((await admin(rival.adminToken, 'GET', '/chat/sessions')).json().sessions.map((s: any) => s.id)).not.toContain(mine.sessionId);

    const { socket: rivalStaff } = await staffSocket(rival);
    const rivalGuest = await guestSocket(theirs.stay);
    const guest = await guestSocket(mine.stay);
    guest.send(say('private', 'x-1'));
    await guest.next((e) => e.chatMessage?.localId === 'x-1');
    rivalGuest.send(say('theirs', 'y-1'));
    await rivalStaff.next((e) => e.type === 'chat.message' && e.message.localId === 'y-1');
    expect(rivalStaff.events.some((e) => e.message?.localId === 'x-1' || e.sessionId === mine.sessionId)).toBe(false);
    expect(rivalGuest.events.some((e) => e.chatMessage?.localId === 'x-1')).toBe(false);
    expect(guest.events.some((e) => e.chatMessage?.localId === 'y-1')).toBe(false);
  });

  it('refuses bad hotel messages with a 4xx and changes nothing; an expired session is a 409', async () => {
    const { sessionId } = await register(hotel, { name: 'Bad', email: 'bad@example.com' });
    for (const body of [
      { authorName: 'R' },
      { authorName: 'R', content: '   ' },
      { authorName: 'R', contentType: 'image/png' },
      { authorName: 'R', contentType: 'image/png', url: 'javascript:alert(1)' },
      { authorName: 'R', content: 'x', authorAvatarUrl: 'ftp://x' },
      { content: 'no author' },
      { authorName: 'R', content: 'x', author: 'guest' },
    ]) {
      const res = await admin(hotel.adminToken, 'POST', `/chat/sessions/${sessionId}/messages`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await admin(hotel.adminToken, 'POST', `/chat/sessions/${sessionId}/messages`, { authorName: 'R', content: 'y'.repeat(10_001) })).statusCode).toBe(
      413,
    );
    expect((await admin(hotel.adminToken, 'GET', `/chat/sessions/${sessionId}/messages`)).json().messages).toEqual([]);
    const html = await admin(hotel.adminToken, 'POST', `/chat/sessions/${sessionId}/messages`, {
      authorName: 'R',
      contentType: 'text/html',
      content: '<i>ok</i><iframe src="https://evil.test"></iframe>',
    });
    expect(html.json().content).toBe('<i>ok</i>');

    const old = await register(hotel, { name: 'Gone', email: 'gone@example.com', checkinDate: '2020-01-01', checkoutDate: '2020-01-02', status: 'poststay' });
    const expired = await admin(hotel.adminToken, 'POST', `/chat/sessions/${old.sessionId}/messages`, { authorName: 'R', content: 'hello?' });
    expect(expired.statusCode).toBe(409);
    expect((await admin(hotel.adminToken, 'GET', `/chat/sessions/${old.sessionId}`)).json()).toMatchObject({ expired: true, lastMessage: null });
  });

  it('documents the chat and realtime routes in /admin/openapi.json', async () => {
    const doc = (await t.app.inject({ url: '/admin/openapi.json' })).json();
    for (const path of [
      '/v1/chat/sessions',
      '/v1/chat/sessions/{id}/messages',
      '/v1/chat/sessions/{id}/read',
      '/v1/chat/sessions/{id}/typing',
      '/v1/realtime/tickets',
    ]) {
      expect(
        Object.keys(doc.paths).some((p) => p.endsWith(path)),
        path,
      ).toBe(true);
    }
  });
});
