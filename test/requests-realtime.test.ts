import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocation } from '../src/core/locations/locations.js';
import { createLoopType } from '../src/core/locations/loop-types.js';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { adminCall } from './helpers/admin.js';
import { openSocket, type TestSocket } from './helpers/sockets.js';
import { recordIssuedSecret } from './helpers/secret-log.js';
import { loopCall } from './helpers/loop.js';
import { presentEventData } from '../src/api/admin/event-payloads.js';

/*
 * Guest requests (loops) as staff see them: opened through the Loop v1 face, closed, reopened,
 * answered and viewed through the admin API, moved by a guest merge. Each change reaches the
 * account's staff realtime sockets (request.opened, request.updated, in the admin API's shape)
 * and is a domain event for webhooks, with the actor; nothing crosses accounts.
 */

describe.each(dialects())('guest requests for staff on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  const admin = adminCall(() => t);
  const sockets: TestSocket[] = [];
  type Hotel = { accountId: number; adminToken: string; loopToken: string; staff: TestSocket };
  let hotel: Hotel;
  let rival: Hotel;

  const staffSocket = async (adminToken: string) => {
    const res = await admin(adminToken, 'POST', '/realtime/tickets');
    expect(res.statusCode, res.body).toBe(201);
    const { ticket, url } = res.json();
    recordIssuedSecret(ticket);
    const socket = await openSocket(`${base}${new URL(url).pathname}${new URL(url).search}`);
    sockets.push(socket);
    await socket.next((e) => e.type === 'ready', 'the ready event');
    return socket;
  };
  const newHotel = async (): Promise<Hotel> => {
    const { account, adminToken, loopToken } = await createTestAccount(t);
    recordIssuedSecret(adminToken);
    await createLocation(t.database.db, account.id, { title: { en: 'Sea Hotel' }, shortcode: 'sea' });
    await createLoopType(t.database.db, account.id, 'housekeeping', { en: 'Housekeeping' });
    const hook = await admin(adminToken, 'POST', '/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['request.opened', 'request.updated'] });
    expect(hook.statusCode, hook.body).toBe(201);
    return { accountId: account.id, adminToken, loopToken, staff: await staffSocket(adminToken) };
  };
  /** Opens a loop through the Loop v1 face; returns its admin id once the staff socket heard of it. */
  const openRequest = async (h: Hotel, description: string, user?: Record<string, string>) => {
    const res = await loopCall(t, h.loopToken, 'POST', 'loops', { location: 'sea', loopType: 'housekeeping', description, user });
    expect(res.statusCode, res.body).toBe(200);
    const opened = await h.staff.next((e) => e.type === 'request.opened' && e.request.description === description, `request.opened "${description}"`);
    return opened.request;
  };
  const webhookEvents = async (h: Hotel, eventType: string) => {
    const res = await admin(h.adminToken, 'GET', '/deliveries?limit=200');
    return (res.json().deliveries as any[]).filter((d) => d.eventType === eventType);
  };

  beforeAll(async () => {
    t = await createTestApp(dialect, { ALLOW_PRIVATE_CALLBACK_URLS: 'true' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    hotel = await newHotel();
    rival = await newHotel();
  });
  afterAll(async () => {
    for (const socket of sockets) await socket.close();
    await t?.close();
  });

  it('a request opened on the Loop face reaches the staff socket in the admin shape, and GET shows the same', async () => {
    const request = await openRequest(hotel, 'Two more towels, please', { name: 'Ada Lind', email: 'ada-req@example.test' });
    expect(request).toMatchObject({
      id: expect.any(Number),
      state: 'open',
      description: 'Two more towels, please',
      guestId: expect.any(Number),
      unread: true,
      activities: [{ type: 'open', person: { kind: 'customer', name: 'Ada Lind' } }],
    });
    const got = await admin(hotel.adminToken, 'GET', `/requests/${request.id}`);
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json()).toEqual(request);
    const listed = await admin(hotel.adminToken, 'GET', '/requests?state=open');
    expect(listed.json().requests.map((r: any) => r.id)).toContain(request.id);
    expect(await webhookEvents(hotel, 'request.opened')).toEqual(
      expect.arrayContaining([expect.objectContaining({ actor: 'api-token:loop', requestId: expect.any(String) })]),
    );
    // The webhook's `data` is the request as GET shows it (what the delivery job sends).
    const delivery = (await webhookEvents(hotel, 'request.opened')).find((d) => d.actor === 'api-token:loop');
    const row = await t.database.db.selectFrom('deliveries').select('payload').where('id', '=', delivery.id).executeTakeFirstOrThrow();
    const stored = JSON.parse(row.payload);
    expect(stored.subjects).toEqual({ requestId: request.id, guestId: request.guestId });
    expect(presentEventData('request.opened', stored.data)).toEqual(got.json());
    // Another account neither hears of it nor sees it.
    expect(rival.staff.events.some((e) => e.type?.startsWith('request.'))).toBe(false);
    expect((await admin(rival.adminToken, 'GET', `/requests/${request.id}`)).statusCode).toBe(404);
    expect((await admin(rival.adminToken, 'PATCH', `/requests/${request.id}`, { state: 'closed' })).statusCode).toBe(404);
  });

  it('closing, answering, viewing and reopening are each request.updated, live and as a webhook event with the actor', async () => {
    const request = await openRequest(hotel, 'The safe does not open');
    const updated = (pred: (r: any) => boolean, what: string) =>
      hotel.staff.next((e) => e.type === 'request.updated' && e.request.id === request.id && pred(e.request), what);

    const message = await admin(hotel.adminToken, 'POST', `/requests/${request.id}/messages`, { message: 'On our way', authorName: 'Reception' });
    expect(message.statusCode, message.body).toBe(201);
    const { request: answered } = await updated((r) => r.activities.some((a: any) => a.type === 'message'), 'the message');
    expect(answered.activities.at(-1)).toMatchObject({ type: 'message', data: { message: 'On our way' }, person: { kind: 'employee', name: 'Reception' } });

    const closed = await admin(hotel.adminToken, 'PATCH', `/requests/${request.id}`, { state: 'closed' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ state: 'closed' });
    await updated((r) => r.state === 'closed', 'the close');

    const viewed = await admin(hotel.adminToken, 'PATCH', `/requests/${request.id}`, { viewed: true });
    expect(viewed.json()).toMatchObject({ unread: false, lastViewedAt: expect.any(Number) });
    await updated((r) => r.unread === false, 'the view');

    const reopened = await admin(hotel.adminToken, 'PATCH', `/requests/${request.id}`, { state: 'open' });
    expect(reopened.json().activities.map((a: any) => a.type)).toEqual(['open', 'message', 'close', 'reopen']);
    await updated((r) => r.state === 'open' && r.activities.length === 4, 'the reopen');

    const events = (await webhookEvents(hotel, 'request.updated')).filter((d) => d.actor === 'admin');
    expect(events.length).toBeGreaterThanOrEqual(4);
  });

  it('refuses a bad change with a 400 and changes nothing', async () => {
    const request = await openRequest(hotel, 'Wake-up call at six');
    const before = (await admin(hotel.adminToken, 'GET', `/requests/${request.id}`)).json();
    for (const body of [{}, { state: 'done' }, { viewed: false }, { state: 'closed', extra: 1 }]) {
      expect((await admin(hotel.adminToken, 'PATCH', `/requests/${request.id}`, body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await admin(hotel.adminToken, 'POST', `/requests/${request.id}/messages`, { message: '   ' })).statusCode).toBe(400);
    expect((await admin(hotel.adminToken, 'GET', `/requests/${request.id}`)).json()).toEqual(before);
    expect((await admin(hotel.adminToken, 'GET', '/requests/999999')).statusCode).toBe(404);
  });

  it('a guest merge that moves a request is request.updated with the survivor as its guest', async () => {
    const request = await openRequest(hotel, 'Late checkout?', { name: 'Bo Ek', email: 'bo-one@example.test' });
    const survivor = await admin(hotel.adminToken, 'POST', '/guests', { email: 'bo-two@example.test', firstName: 'Bo' });
    expect(survivor.statusCode, survivor.body).toBe(201);
    const survivorId = survivor.json().guest.id;
    const merged = await admin(hotel.adminToken, 'POST', '/guests/merge', { survivorId, otherId: request.guestId });
    expect(merged.statusCode, merged.body).toBe(200);
    await hotel.staff.next((e) => e.type === 'request.updated' && e.request.id === request.id && e.request.guestId === survivorId, 'the moved request');
  });
});
