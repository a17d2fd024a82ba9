import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChatSessionByKey } from '../src/core/chat/chat-sessions.js';
import { createEmployee } from '../src/core/accounts/employees.js';
import { createLocation } from '../src/core/locations/locations.js';
import { createLoopType } from '../src/core/locations/loop-types.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loopCall } from './helpers/loop.js';
import { createLooponClient } from './helpers/loopon.js';
import { recordIssuedSecret } from './helpers/secret-log.js';
import { openSocket, type TestSocket } from './helpers/sockets.js';

/*
 * The staff inbox over the admin API: requests and chats in one list with filters, assignment,
 * per-staff read state (and the account-wide one for the admin token), internal notes that no
 * guest ever sees, close and reopen, the alert settings, and the staff socket hearing each change.
 */

describe.each(dialects())('the inbox API on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  const admin = adminCall(() => t);
  const sockets: TestSocket[] = [];
  let h: {
    accountId: number;
    token: string;
    loopToken: string;
    sea: number;
    lake: number;
    anna: number;
    bo: number;
    headers: Record<string, string>;
  };
  let staff: TestSocket;

  const connect = async (path: string) => {
    const socket = await openSocket(`${base}${path}`);
    sockets.push(socket);
    return socket;
  };
  const staffSocket = async (token: string) => {
    const res = await admin(token, 'POST', '/realtime/tickets');
    const { ticket, url } = res.json();
    recordIssuedSecret(ticket);
    const socket = await connect(`${new URL(url).pathname}${new URL(url).search}`);
    await socket.next((e) => e.type === 'ready', 'ready');
    return socket;
  };
  /** A Loopon stay at `unit` with its chat session; the guest's socket connected. */
  const guestChat = async (unit: number, name: string) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${unit}/stays`,
      headers: { ...h.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ status: 'instay', checkinDate: '2026-03-01', checkoutDate: '2099-03-03', name }),
    });
    expect(res.statusCode, res.body).toBe(200);
    const stay = res.json();
    const session = await findChatSessionByKey(t.database.db, stay.chatSession.sessionId);
    const guest = await connect(new URL(stay.chatSession.wssUrl).pathname);
    return { sessionId: session!.id, guest };
  };
  const say = (content: string, localId: string) => ({ type: 'chatMessage', chatMessage: { localId, contentType: 'text/plain', content } });
  const openRequest = async (shortcode: string, description: string) => {
    const res = await loopCall(t, h.loopToken, 'POST', 'loops', { location: shortcode, loopType: 'housekeeping', description, user: { name: 'Ada Lind' } });
    expect(res.statusCode, res.body).toBe(200);
    const opened = await staff.next((e) => e.type === 'request.opened' && e.request.description === description, 'request.opened');
    return { id: opened.request.id as number, url: res.json().url as string };
  };
  const inbox = async (query = '') => {
    const res = await admin(h.token, 'GET', `/inbox${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as any[];
  };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const { account, adminToken, loopToken } = await createTestAccount(t);
    recordIssuedSecret(adminToken);
    const db = t.database.db;
    const sea = (await createLocation(db, account.id, { title: { en: 'Sea Hotel' }, shortcode: 'sea' })).id;
    const lake = (await createLocation(db, account.id, { title: { en: 'Lake Hotel' }, shortcode: 'lake' })).id;
    await createLoopType(db, account.id, 'housekeeping', { en: 'Housekeeping' });
    const anna = (await createEmployee(db, account.id, { username: 'anna', name: 'Anna', email: 'anna@hotel.test', locationIds: [sea] })).id;
    const bo = (await createEmployee(db, account.id, { username: 'bo', name: 'Bo', email: 'bo@hotel.test', locationIds: [sea] })).id;
    h = { accountId: account.id, token: adminToken, loopToken, sea, lake, anna, bo, headers: (await createLooponClient(t, account.id)).headers };
    staff = await staffSocket(adminToken);
  });
  afterAll(async () => {
    for (const socket of sockets) await socket.close();
    await t?.close();
  });

  it('lists requests and chats together, last activity first, filtered by location, kind, status and unread', async () => {
    const request = await openRequest('sea', 'Two more towels');
    const { sessionId, guest } = await guestChat(h.lake, 'Lina Berg');
    guest.send(say('Is the sauna open?', 'g-1'));
    const live = await staff.next((e) => e.type === 'chat.message' && e.message.localId === 'g-1', 'the guest message');
    expect(live).toMatchObject({ sessionId, locationId: h.lake });

    const items = await inbox();
    expect(items.map((i) => `${i.kind}:${i.id}`).slice(0, 2)).toEqual([`chat:${sessionId}`, `request:${request.id}`]);
    expect(items[0]).toMatchObject({ guestName: 'Lina Berg', preview: 'Is the sauna open?', status: 'open', unread: true, unreadCount: 1, assigneeId: null });
    expect(items[0].awaitingSince).toEqual(expect.any(Number));
    expect(items[1]).toMatchObject({ title: 'Two more towels', guestName: 'Ada Lind', unread: true, unreadCount: 1, locationId: h.sea });

    expect((await inbox(`?locationId=${h.sea}`)).map((i) => i.kind)).toEqual(['request']);
    expect((await inbox('?kind=chat')).map((i) => i.id)).toEqual([sessionId]);
    expect(await inbox('?status=closed')).toEqual([]);

    // the admin token reads account-wide: the chat marked read is read for everyone without a staff member
    expect((await admin(h.token, 'POST', `/chat/sessions/${sessionId}/read`, {})).statusCode).toBe(200);
    expect((await inbox('?unread=true')).map((i) => i.kind)).toEqual(['request']);
  });

  it('keeps read state per staff member: what Anna read stays unread for Bo, and the socket says who read', async () => {
    const { sessionId, guest } = await guestChat(h.sea, 'Per Staff');
    guest.send(say('Hello?', 'p-1'), say('Anyone?', 'p-2'));
    await staff.next((e) => e.type === 'chat.message' && e.message.localId === 'p-2', 'the second message');
    const forAnna = async () => (await inbox(`?staffId=${h.anna}&kind=chat`)).find((i) => i.id === sessionId);
    const forBo = async () => (await inbox(`?staffId=${h.bo}&kind=chat`)).find((i) => i.id === sessionId);
    expect(await forAnna()).toMatchObject({ unread: true, unreadCount: 2 });

    const read = await admin(h.token, 'POST', `/chat/sessions/${sessionId}/read`, { staffId: h.anna });
    expect(read.statusCode, read.body).toBe(200);
    const heard = await staff.next((e) => e.type === 'inbox.read' && e.thread.id === sessionId && e.staffId === h.anna, 'inbox.read');
    expect(heard).toMatchObject({ thread: { kind: 'chat', id: sessionId }, locationId: h.sea, readAt: expect.any(Number) });
    expect(await forAnna()).toMatchObject({ unread: false, unreadCount: 0 });
    expect(await forBo()).toMatchObject({ unread: true, unreadCount: 2 });

    guest.send(say('Still there?', 'p-3'));
    await staff.next((e) => e.type === 'chat.message' && e.message.localId === 'p-3', 'the third message');
    expect(await forAnna()).toMatchObject({ unread: true, unreadCount: 1 });
    expect((await inbox(`?staffId=${h.anna}&unread=true&kind=chat`)).map((i) => i.id)).toContain(sessionId);

    const request = await openRequest('sea', 'A late checkout');
    const r = await admin(h.token, 'POST', `/requests/${request.id}/read`, { staffId: h.bo });
    expect(r.statusCode, r.body).toBe(200);
    expect((await inbox(`?staffId=${h.bo}&kind=request`)).find((i) => i.id === request.id)).toMatchObject({ unread: false, unreadCount: 0 });
    expect((await inbox(`?staffId=${h.anna}&kind=request`)).find((i) => i.id === request.id)).toMatchObject({ unread: true, unreadCount: 1 });

    expect((await admin(h.token, 'GET', '/inbox?staffId=999999')).statusCode).toBe(400);
    expect((await admin(h.token, 'GET', '/inbox?assignee=me')).statusCode).toBe(400);
    expect((await admin(h.token, 'POST', '/requests/999999/read', {})).statusCode).toBe(404);
  });

  it('assigns a request and a chat to an employee, filters by assignee, and refuses unknown employees or conversations', async () => {
    const request = await openRequest('sea', 'Fix the shower');
    const { sessionId, guest } = await guestChat(h.sea, 'Assign Me');
    guest.send(say('The TV is broken', 'a-1'));
    await staff.next((e) => e.type === 'chat.message' && e.message.localId === 'a-1', 'message');

    const assigned = await admin(h.token, 'PUT', `/requests/${request.id}/assignee`, { employeeId: h.anna });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json()).toEqual({ kind: 'request', id: request.id, assigneeId: h.anna });
    expect(await staff.next((e) => e.type === 'inbox.assigned' && e.thread.id === request.id, 'inbox.assigned')).toMatchObject({
      thread: { kind: 'request' },
      locationId: h.sea,
      assigneeId: h.anna,
    });
    expect((await admin(h.token, 'PUT', `/chat/sessions/${sessionId}/assignee`, { employeeId: h.anna })).statusCode).toBe(200);
    expect((await admin(h.token, 'GET', `/chat/sessions/${sessionId}/assignee`)).json()).toEqual({ kind: 'chat', id: sessionId, assigneeId: h.anna });
    expect((await admin(h.token, 'GET', `/requests/${request.id}/assignee`)).json().assigneeId).toBe(h.anna);
    expect((await admin(h.token, 'GET', '/requests/999999/assignee')).statusCode).toBe(404);

    const annas = await inbox(`?assignee=${h.anna}`);
    expect(annas.map((i) => `${i.kind}:${i.id}`).sort()).toEqual([`chat:${sessionId}`, `request:${request.id}`].sort());
    expect((await inbox(`?assignee=me&staffId=${h.anna}`)).length).toBe(2);
    expect(await inbox(`?assignee=${h.bo}`)).toEqual([]);

    expect((await admin(h.token, 'PUT', `/requests/${request.id}/assignee`, { employeeId: null })).json().assigneeId).toBeNull();
    expect((await inbox(`?assignee=${h.anna}`)).map((i) => i.kind)).toEqual(['chat']);

    const bad = await admin(h.token, 'PUT', `/requests/${request.id}/assignee`, { employeeId: 999999 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/not an employee/);
    expect((await admin(h.token, 'PUT', '/requests/999999/assignee', { employeeId: h.anna })).statusCode).toBe(404);
    expect((await admin(h.token, 'PUT', '/chat/sessions/999999/assignee', { employeeId: h.anna })).statusCode).toBe(404);
    expect((await admin(h.token, 'PUT', `/requests/${request.id}/assignee`, {})).statusCode).toBe(400);

    // another account's employee is not one of this account's
    const other = await createTestAccount(t);
    recordIssuedSecret(other.adminToken);
    const stranger = await createEmployee(t.database.db, other.account.id, { username: 'x' });
    expect((await admin(h.token, 'PUT', `/requests/${request.id}/assignee`, { employeeId: stranger.id })).statusCode).toBe(400);
    expect((await admin(other.adminToken, 'PUT', `/requests/${request.id}/assignee`, { employeeId: stranger.id })).statusCode).toBe(404);
  });

  it('keeps internal notes for staff: listed and live on the staff socket, never on the guest socket, the request or the loop page', async () => {
    const request = await openRequest('sea', 'Noisy neighbours');
    const note = await admin(h.token, 'POST', `/requests/${request.id}/notes`, { text: 'Guest is a VIP, handle gently', staffId: h.anna });
    expect(note.statusCode, note.body).toBe(201);
    expect(note.json()).toMatchObject({ authorId: h.anna, authorName: 'Anna', text: 'Guest is a VIP, handle gently' });
    expect(await staff.next((e) => e.type === 'inbox.note' && e.thread.id === request.id, 'inbox.note')).toMatchObject({
      note: { text: 'Guest is a VIP, handle gently' },
    });
    expect((await admin(h.token, 'GET', `/requests/${request.id}/notes`)).json().notes.map((n: any) => n.text)).toEqual(['Guest is a VIP, handle gently']);

    const shown = await admin(h.token, 'GET', `/requests/${request.id}`);
    expect(shown.body).not.toContain('VIP');
    const page = await t.app.inject({ method: 'GET', url: new URL(request.url).pathname + new URL(request.url).search });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Noisy neighbours');
    expect(page.body).not.toContain('VIP');

    const { sessionId, guest } = await guestChat(h.sea, 'Note Guest');
    guest.send(say('Hi', 'n-1'));
    await guest.next((e) => e.chatMessage?.localId === 'n-1');
    const chatNote = await admin(h.token, 'POST', `/chat/sessions/${sessionId}/notes`, { text: 'Secret staff remark', authorName: 'Night desk' });
    expect(chatNote.statusCode, chatNote.body).toBe(201);
    expect(chatNote.json()).toMatchObject({ authorId: null, authorName: 'Night desk' });
    const reply = await admin(h.token, 'POST', `/chat/sessions/${sessionId}/messages`, { authorName: 'Reception', content: 'Hello!', localId: 'r-1' });
    expect(reply.statusCode).toBe(201);
    await guest.next((e) => e.chatMessage?.localId === 'r-1', 'the reply');
    expect(JSON.stringify(guest.events)).not.toContain('Secret staff remark');
    const history = await admin(h.token, 'GET', `/chat/sessions/${sessionId}/messages`);
    expect(history.body).not.toContain('Secret staff remark');

    expect((await admin(h.token, 'POST', `/requests/${request.id}/notes`, { text: '   ' })).statusCode).toBe(400);
    expect((await admin(h.token, 'POST', `/requests/${request.id}/notes`, { text: 'x'.repeat(4001) })).statusCode).toBe(400);
    expect((await admin(h.token, 'POST', '/chat/sessions/999999/notes', { text: 'x' })).statusCode).toBe(404);
    expect((await admin(h.token, 'GET', '/requests/999999/notes')).statusCode).toBe(404);
  });

  it('closes and reopens a request: it moves between the open and closed lists, and a staff reply ends the wait', async () => {
    const request = await openRequest('lake', 'Where is breakfast?');
    expect((await inbox('?kind=request')).find((i) => i.id === request.id).awaitingSince).toEqual(expect.any(Number));
    const answered = await admin(h.token, 'POST', `/requests/${request.id}/messages`, { message: 'In the garden room' });
    expect(answered.statusCode).toBe(201);
    expect((await inbox('?kind=request')).find((i) => i.id === request.id).awaitingSince).toBeNull();

    expect((await admin(h.token, 'PATCH', `/requests/${request.id}`, { state: 'closed' })).statusCode).toBe(200);
    expect((await inbox('?kind=request')).map((i) => i.id)).not.toContain(request.id);
    expect((await inbox('?kind=request&status=closed')).map((i) => i.id)).toContain(request.id);
    expect((await admin(h.token, 'PATCH', `/requests/${request.id}`, { state: 'open' })).statusCode).toBe(200);
    expect((await inbox('?kind=request')).map((i) => i.id)).toContain(request.id);
    expect((await admin(h.token, 'GET', '/inbox?status=gone')).statusCode).toBe(400);
    expect((await admin(h.token, 'GET', '/inbox?assignee=someone')).statusCode).toBe(400);
  });

  it('reads and changes the alert delays, refusing delays out of order or range', async () => {
    expect((await admin(h.token, 'GET', '/inbox/settings')).json()).toEqual({ firstNotifyMinutes: 10, escalateMinutes: 30 });
    const set = await admin(h.token, 'PATCH', '/inbox/settings', { firstNotifyMinutes: 5 });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({ firstNotifyMinutes: 5, escalateMinutes: 30 });
    for (const bad of [{ firstNotifyMinutes: 30 }, { escalateMinutes: 0 }, { firstNotifyMinutes: 1.5 }, { escalateMinutes: 99999999 }, { other: 1 }]) {
      const res = await admin(h.token, 'PATCH', '/inbox/settings', bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
    }
    expect((await admin(h.token, 'GET', '/inbox/settings')).json()).toEqual({ firstNotifyMinutes: 5, escalateMinutes: 30 });
  });
});
