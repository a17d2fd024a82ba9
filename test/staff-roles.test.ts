import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocation } from '../src/core/locations/locations.js';
import { createLoopType } from '../src/core/locations/loop-types.js';
import { ensureChatSession } from '../src/core/chat/chat-sessions.js';
import { PERMISSIONS, grantOf } from '../src/api/admin/permissions.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loopCall } from './helpers/loop.js';
import { recordIssuedSecret } from './helpers/secret-log.js';
import { openSocket, type TestSocket } from './helpers/sockets.js';
import { type Session, sessionCall, signInSession, staffWithPassword } from './helpers/staff.js';

/*
 * Roles and locations through the admin API: an analyst reads and never writes; an agent works
 * the inbox of their own locations only (list, detail, guest and the realtime socket), replies
 * and closes as their Loop permissions allow; a manager cannot touch an owner; every write is an
 * audit entry naming who made it.
 */

const PASSWORD = 'staff password 123';

describe.each(dialects())('staff roles on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  let adminToken: string;
  let loopToken: string;
  let accountId: number;
  let locA: number;
  let locB: number;
  const sockets: TestSocket[] = [];
  const admin = adminCall(() => t);
  const call = sessionCall(() => t.app);
  const sessions: Record<string, Session> = {};
  const ids: Record<string, number> = {};

  const session = async (name: string, input: { role: any; permissions?: string[]; locationIds?: number[] }) => {
    const email = `${name}-${dialect}@hotel.test`;
    const staff = await staffWithPassword(t.database.db, accountId, { email, name, ...input }, PASSWORD);
    ids[name] = staff.id;
    sessions[name] = await signInSession(t.app, email, PASSWORD);
    recordIssuedSecret(sessions[name].cookie.split('=')[1]);
    return sessions[name];
  };
  const openRequest = async (location: string, description: string, email: string) => {
    const res = await loopCall(t, loopToken, 'POST', 'loops', { location, loopType: 'housekeeping', description, user: { name: 'Guest', email } });
    expect(res.statusCode, res.body).toBe(200);
    const list = await admin(adminToken, 'GET', '/requests');
    return (list.json().requests as any[]).find((r) => r.description === description);
  };
  const socketOf = async (s: Session) => {
    const res = await call(s, 'POST', '/realtime/tickets');
    expect(res.statusCode, res.body).toBe(201);
    const { url, ticket } = res.json();
    recordIssuedSecret(ticket);
    const socket = await openSocket(`${base}${new URL(url).pathname}${new URL(url).search}`);
    sockets.push(socket);
    await socket.next((e) => e.type === 'ready', 'the ready event');
    return socket;
  };

  beforeAll(async () => {
    t = await createTestApp(dialect, { ALLOW_PRIVATE_CALLBACK_URLS: 'true' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const created = await createTestAccount(t);
    ({ adminToken, loopToken } = created);
    accountId = created.account.id;
    recordIssuedSecret(adminToken);
    locA = (await createLocation(t.database.db, accountId, { title: { en: 'Sea' }, shortcode: 'sea' })).id;
    locB = (await createLocation(t.database.db, accountId, { title: { en: 'Hill' }, shortcode: 'hill' })).id;
    await createLoopType(t.database.db, accountId, 'housekeeping', { en: 'Housekeeping' });
    const hook = await admin(adminToken, 'POST', '/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['request.updated'] });
    expect(hook.statusCode, hook.body).toBe(201);
    await session('owner', { role: 'owner' });
    await session('manager', { role: 'manager' });
    await session('analyst', { role: 'analyst' });
    await session('agent', { role: 'agent', permissions: ['comment'], locationIds: [locA] });
    await session('closer', { role: 'agent', permissions: ['comment', 'close'], locationIds: [locA] });
    await session('nowhere', { role: 'agent', permissions: ['comment', 'close'] });
  });
  afterAll(async () => {
    for (const socket of sockets) await socket.close();
    await t?.close();
  });

  it('the permission table: one row decides each call, a catch-all refuses what no row grants', () => {
    expect(PERMISSIONS.at(-1)?.[0]).toBe('* *');
    expect(grantOf('analyst', 'GET', '/webhooks')).toBe(true);
    expect(grantOf('analyst', 'POST', '/webhooks')).toBe(false);
    expect(grantOf('agent', 'GET', '/webhooks')).toBe(false);
    expect(grantOf('agent', 'GET', '/inbox')).toBe(true);
    expect(grantOf('agent', 'GET', '/inbox/settings')).toBe(false);
    expect(grantOf('agent', 'POST', '/requests/:id/messages')).toBe('comment');
    expect(grantOf('manager', 'DELETE', '/staff/:id')).toBe(true);
    expect(grantOf('analyst', 'GET', '/audit')).toBe(false);
  });

  it('an analyst reads data and never writes', async () => {
    const analyst = sessions.analyst;
    for (const path of ['/requests', '/locations', '/webhooks', '/guests', '/surveys']) {
      const res = await call(analyst, 'GET', path);
      expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
    }
    const write = await call(analyst, 'POST', '/locations', { title: 'Roof', shortcode: 'roof' });
    expect(write.statusCode).toBe(403);
    expect(write.json().error.code).toBe('forbidden');
    expect((await call(analyst, 'POST', '/staff', { email: `x-${dialect}@hotel.test`, role: 'agent' })).statusCode).toBe(403);
    expect((await call(analyst, 'GET', '/audit')).statusCode).toBe(403);
    // Nothing was made.
    expect((await admin(adminToken, 'GET', '/locations')).body).not.toContain('roof');
  });

  it('an agent sees only the requests and guests of their locations: list, detail, guest and socket', async () => {
    const agentSocket = await socketOf(sessions.agent);
    const ownerSocket = await socketOf(sessions.owner);
    const hill = await openRequest('hill', `Hill towels ${dialect}`, `hill-${dialect}@example.test`);
    const sea = await openRequest('sea', `Sea towels ${dialect}`, `sea-${dialect}@example.test`);

    const list = await call(sessions.agent, 'GET', '/requests');
    expect(list.statusCode).toBe(200);
    const shown = (list.json().requests as any[]).map((r) => r.id);
    expect(shown).toContain(sea.id);
    expect(shown).not.toContain(hill.id);
    expect((await call(sessions.agent, 'GET', `/requests/${sea.id}`)).statusCode).toBe(200);
    const hidden = await call(sessions.agent, 'GET', `/requests/${hill.id}`);
    expect(hidden.statusCode).toBe(404);
    expect((await call(sessions.agent, 'POST', `/requests/${hill.id}/messages`, { message: 'hello' })).statusCode).toBe(404);
    expect((await call(sessions.agent, 'GET', `/guests/${hill.guestId}`)).statusCode).toBe(404);
    // the inbox's notes, assignee and read mark: another location's request is as unknown
    expect((await call(sessions.agent, 'GET', `/requests/${hill.id}/notes`)).statusCode).toBe(404);
    expect((await call(sessions.agent, 'POST', `/requests/${hill.id}/notes`, { text: 'psst', authorName: 'Agent' })).statusCode).toBe(404);
    expect((await call(sessions.agent, 'PUT', `/requests/${hill.id}/assignee`, { employeeId: null })).statusCode).toBe(404);
    expect((await call(sessions.agent, 'POST', `/requests/${hill.id}/read`)).statusCode).toBe(404);
    expect((await admin(adminToken, 'GET', `/requests/${hill.id}/notes`)).json().notes).toEqual([]);
    const note = await call(sessions.agent, 'POST', `/requests/${sea.id}/notes`, { text: 'Gold member', authorName: 'Agent' });
    expect(note.statusCode, note.body).toBe(201);
    expect((await call(sessions.agent, 'GET', `/guests/${sea.guestId}`)).statusCode).toBe(200);
    const guests = (await call(sessions.agent, 'GET', '/guests?limit=200')).json().guests.map((g: any) => g.id);
    expect(guests).toContain(sea.guestId);
    expect(guests).not.toContain(hill.guestId);
    // The inbox and its thread tools: only the agent's locations (others answer 404 as the request does).
    const inbox = (await call(sessions.agent, 'GET', '/inbox?kind=request&limit=200')).json().items.map((i: any) => i.id);
    expect(inbox).toContain(sea.id);
    expect(inbox).not.toContain(hill.id);
    expect((await call(sessions.agent, 'GET', `/inbox?locationId=${locB}`)).json().items).toEqual([]);
    for (const [method, path, body] of [
      ['GET', `/requests/${hill.id}/notes`, undefined],
      ['POST', `/requests/${hill.id}/notes`, { text: 'seen?' }],
      ['GET', `/requests/${hill.id}/assignee`, undefined],
      ['POST', `/requests/${hill.id}/read`, {}],
    ] as const) {
      expect((await call(sessions.agent, method, path, body)).statusCode, `${method} ${path}`).toBe(404);
    }
    expect((await call(sessions.agent, 'POST', `/requests/${sea.id}/notes`, { text: 'Towels on the way' })).statusCode).toBe(201);
    expect((await call(sessions.agent, 'POST', `/requests/${sea.id}/read`, {})).statusCode).toBe(200);
    expect((await call(sessions.nowhere, 'GET', '/inbox')).json().items).toEqual([]);
    // The manager sees both; an agent with no location sees none.
    expect((await call(sessions.manager, 'GET', `/requests/${hill.id}`)).statusCode).toBe(200);
    expect((await call(sessions.manager, 'GET', '/inbox?kind=request&limit=200')).json().items.map((i: any) => i.id)).toContain(hill.id);
    expect((await call(sessions.nowhere, 'GET', '/requests')).json().requests).toEqual([]);
    expect((await call(sessions.nowhere, 'GET', `/requests/${sea.id}`)).statusCode).toBe(404);
    // the inbox lists the same: the agent's locations only, every one for a manager, none for an agent of none
    const inboxOf = async (who: Session) => {
      const res = await call(who, 'GET', '/inbox?kind=request');
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().items as any[]).map((i) => i.id);
    };
    expect(await inboxOf(sessions.agent)).toContain(sea.id);
    expect(await inboxOf(sessions.agent)).not.toContain(hill.id);
    expect(await inboxOf(sessions.manager)).toEqual(expect.arrayContaining([sea.id, hill.id]));
    expect(await inboxOf(sessions.nowhere)).toEqual([]);

    // The socket: the owner hears both (hill first); by the time the agent hears of sea, it would have heard of hill.
    await ownerSocket.next((e) => e.type === 'request.opened' && e.request.id === hill.id, 'hill on the owner socket');
    await agentSocket.next((e) => e.type === 'request.opened' && e.request.id === sea.id, 'sea on the agent socket');
    const reply = await call(sessions.owner, 'POST', `/requests/${hill.id}/messages`, { message: 'On its way' });
    expect(reply.statusCode, reply.body).toBe(201);
    await ownerSocket.next((e) => e.type === 'request.updated' && e.request.id === hill.id, 'the hill update on the owner socket');
    const seaReply = await call(sessions.agent, 'POST', `/requests/${sea.id}/messages`, { message: 'Coming' });
    expect(seaReply.statusCode, seaReply.body).toBe(201);
    await agentSocket.next((e) => e.type === 'request.updated' && e.request.id === sea.id, 'the sea update on the agent socket');
    expect(agentSocket.events.filter((e) => e.request?.id === hill.id)).toEqual([]);
  });

  it('an agent sees and answers only the chats of their locations; the socket carries only theirs', async () => {
    const agentSocket = await socketOf(sessions.agent);
    const hillGuest = (await admin(adminToken, 'POST', '/guests', { email: `chat-hill-${dialect}@example.test`, locationId: locB })).json().guest.id;
    const seaGuest = (await admin(adminToken, 'POST', '/guests', { email: `chat-sea-${dialect}@example.test`, locationId: locA })).json().guest.id;
    const hill = await ensureChatSession(t.database.db, accountId, hillGuest, locB, 'en');
    const sea = await ensureChatSession(t.database.db, accountId, seaGuest, locA, 'en');
    const hello = { authorName: 'Reception', contentType: 'text/plain', content: 'Welcome' };
    expect((await call(sessions.owner, 'POST', `/chat/sessions/${hill.id}/messages`, hello)).statusCode).toBe(201);
    expect((await call(sessions.owner, 'POST', `/chat/sessions/${sea.id}/messages`, hello)).statusCode).toBe(201);
    await agentSocket.next((e) => e.type === 'chat.message' && e.sessionId === sea.id, 'the sea chat message on the agent socket');
    expect(agentSocket.events.filter((e) => e.sessionId === hill.id)).toEqual([]);

    const listed = (await call(sessions.agent, 'GET', '/chat/sessions')).json().sessions.map((x: any) => x.id);
    expect(listed).toContain(sea.id);
    expect(listed).not.toContain(hill.id);
    const inbox = (await call(sessions.agent, 'GET', '/inbox?kind=chat')).json().items.map((x: any) => x.id);
    expect(inbox).toContain(sea.id);
    expect(inbox).not.toContain(hill.id);
    expect((await call(sessions.agent, 'GET', `/chat/sessions/${hill.id}`)).statusCode).toBe(404);
    expect((await call(sessions.agent, 'GET', `/chat/sessions/${hill.id}/messages`)).statusCode).toBe(404);
    expect((await call(sessions.agent, 'POST', `/chat/sessions/${hill.id}/messages`, hello)).statusCode).toBe(404);
    expect((await call(sessions.agent, 'POST', `/chat/sessions/${sea.id}/messages`, hello)).statusCode).toBe(201);
    expect((await call(sessions.analyst, 'POST', `/chat/sessions/${sea.id}/messages`, hello)).statusCode).toBe(403);
    // Nothing was written to the hidden session by the refused calls.
    const hillMessages = (await admin(adminToken, 'GET', `/chat/sessions/${hill.id}/messages`)).json().messages;
    expect(hillMessages).toHaveLength(1);
  });

  it('an agent replies and closes as their Loop permissions allow; other areas are refused', async () => {
    const sea = await openRequest('sea', `Sea pillow ${dialect}`, `pillow-${dialect}@example.test`);
    const reply = await call(sessions.agent, 'POST', `/requests/${sea.id}/messages`, { message: 'Right away' });
    expect(reply.statusCode, reply.body).toBe(201);
    // The reply names the staff member.
    expect(reply.json().activities.at(-1).person).toMatchObject({ kind: 'employee', name: 'agent' });
    expect((await call(sessions.agent, 'PATCH', `/requests/${sea.id}`, { viewed: true })).statusCode).toBe(200);
    const close = await call(sessions.agent, 'PATCH', `/requests/${sea.id}`, { state: 'closed' });
    expect(close.statusCode).toBe(403);
    expect(close.json().error.code).toBe('forbidden');
    const closed = await call(sessions.closer, 'PATCH', `/requests/${sea.id}`, { state: 'closed' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().state).toBe('closed');
    expect((await call(sessions.agent, 'GET', '/webhooks')).statusCode).toBe(403);
    expect((await call(sessions.agent, 'GET', '/staff')).statusCode).toBe(403);
    expect((await call(sessions.agent, 'POST', '/guests', { email: `new-${dialect}@example.test` })).statusCode).toBe(403);
  });

  it('a manager manages staff but no owner; an owner does', async () => {
    const mgr = sessions.manager;
    const asOwner = await call(mgr, 'POST', '/staff', { email: `boss-${dialect}@hotel.test`, role: 'owner' });
    expect(asOwner.statusCode).toBe(403);
    expect((await call(mgr, 'PATCH', `/staff/${ids.owner}`, { name: 'Renamed' })).statusCode).toBe(403);
    expect((await call(mgr, 'DELETE', `/staff/${ids.owner}`)).statusCode).toBe(403);
    expect((await call(mgr, 'PATCH', `/staff/${ids.agent}`, { role: 'owner' })).statusCode).toBe(403);
    const invited = await call(mgr, 'POST', '/staff', { email: `desk-${dialect}@hotel.test`, name: 'Desk', role: 'agent', locationIds: [locB] });
    expect(invited.statusCode, invited.body).toBe(201);
    const patched = await call(mgr, 'PATCH', `/staff/${invited.json().id}`, { permissions: ['comment', 'close'] });
    expect(patched.json()).toMatchObject({ role: 'agent', permissions: ['comment', 'close'], locationIds: [locB] });
    const taken = await call(sessions.owner, 'POST', '/staff', { email: `DESK-${dialect}@hotel.test`, role: 'agent' });
    expect(taken.statusCode).toBe(409);
    const bad = await call(sessions.owner, 'POST', '/staff', { email: `odd-${dialect}@hotel.test`, role: 'agent', locationIds: [999999] });
    expect(bad.statusCode).toBe(400);
    const list = (await call(mgr, 'GET', '/staff')).json().staff.map((s: any) => s.email);
    expect(list).toContain(`desk-${dialect}@hotel.test`);
    expect((await call(sessions.owner, 'DELETE', `/staff/${invited.json().id}`)).statusCode).toBe(204);
    expect((await call(mgr, 'GET', `/staff/${invited.json().id}`)).statusCode).toBe(404);
  });

  it('records every write with who made it, readable in GET /audit', async () => {
    const sea = await openRequest('sea', `Sea audit ${dialect}`, `audit-${dialect}@example.test`);
    const reply = await call(sessions.agent, 'POST', `/requests/${sea.id}/messages`, { message: 'Audited reply' });
    expect(reply.statusCode).toBe(201);
    const location = await admin(adminToken, 'POST', '/locations', { title: 'Annex', shortcode: `annex-${dialect}` });
    expect(location.statusCode, location.body).toBe(201);

    const page = await call(sessions.owner, 'GET', '/audit?limit=200');
    expect(page.statusCode, page.body).toBe(200);
    const items = page.json().items as any[];
    expect(items[0]).toMatchObject({
      actor: { type: 'admin', id: null, name: 'admin token' },
      action: 'locations.create',
      entity: 'locations',
      entityId: String(location.json().id),
    });
    expect(items).toContainEqual(
      expect.objectContaining({
        actor: { type: 'staff', id: String(ids.agent), name: 'agent' },
        action: 'requests.messages.create',
        entity: 'requests',
        entityId: String(sea.id),
        summary: expect.stringContaining(`POST /admin/v1/requests/${sea.id}/messages`),
      }),
    );
    // Sign-ins are entries too; refused calls are not.
    expect(items).toContainEqual(expect.objectContaining({ actor: expect.objectContaining({ id: String(ids.analyst) }), action: 'session.create' }));
    expect(items.filter((i) => i.actor.id === String(ids.analyst) && i.action !== 'session.create')).toEqual([]);

    const mine = (await call(sessions.manager, 'GET', `/audit?staffId=${ids.agent}&limit=1`)).json();
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0].actor.id).toBe(String(ids.agent));
    expect(mine.next).toBe(mine.items[0].id);
    const older = (await call(sessions.manager, 'GET', `/audit?staffId=${ids.agent}&before=${mine.next}`)).json();
    expect(older.items.every((i: any) => i.id < mine.next && i.actor.id === String(ids.agent))).toBe(true);

    // The domain event of the reply (its webhook delivery) carries the staff member as its actor.
    const deliveries = await t.database.db
      .selectFrom('deliveries')
      .select('actor')
      .where('account_id', '=', accountId)
      .where('actor', '=', `staff:${ids.agent}`)
      .execute();
    expect(deliveries.length).toBeGreaterThan(0);
  });
});
