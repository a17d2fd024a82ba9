import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendChatEvent } from '../src/core/chat/chat-events.js';
import { findChatSessionByKey } from '../src/core/chat/chat-sessions.js';
import { createLocation } from '../src/core/locations/locations.js';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { createLooponClient } from './helpers/loopon.js';

/*
 * GET /units/{unitId}/stays/{stayId}/events (LooponEvents, chronological, paged) and the guest
 * page the Stay's url opens.
 */

describe.each(dialects())('Loopon stay events and guest page on %s', (dialect) => {
  let t: TestApp;
  let accountId: number;
  let unit: number;
  let otherUnit: number;
  let headers: Record<string, string>;
  let stay: any;
  let sessionRowId: number;
  const T0 = Date.UTC(2026, 2, 1, 12, 0, 0, 123);

  const register = async (body: unknown, unitId = unit) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${unitId}/stays`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const events = (query = '', stayId: number | string = stay.stayId, unitId = unit, h = headers) =>
    t.app.inject({ url: `/loopon/public/units/${unitId}/stays/${stayId}/events${query}`, headers: h });

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const db = t.database.db;
    accountId = (await createTestAccount(t)).account.id;
    unit = (await createLocation(db, accountId, { title: { en: 'Sea Hotel Kattegat' } })).id;
    otherUnit = (await createLocation(db, accountId, { title: { en: 'Elsewhere' } })).id;
    headers = (await createLooponClient(t, accountId)).headers;
    stay = await register({
      name: 'Simon Finne',
      email: 'simon@example.com',
      bookingReference: 'EV-1',
      checkinDate: '2026-03-01',
      checkoutDate: '2026-03-03',
      room: '123',
      status: 'instay',
    });
    const session = await findChatSessionByKey(db, stay.chatSession.sessionId);
    sessionRowId = session!.id;
    // Seven events of this stay, appended out of order in time, and one of another stay.
    const kinds = [
      ['guestConnect', { deviceId: 'abc' }],
      ['chatMessage', { localId: 'l-1', author: 'guest', authorName: 'Simon', contentType: 'text/plain', content: 'Hello!', media: 'appchat', read: null }],
      ['typingIndicator', { timeout: 10, authorName: 'Reception' }],
      ['chatMessage', { author: 'hotel', authorName: 'Reception', contentType: 'text/plain', content: 'Welcome!', media: 'appchat' }],
      ['guestDisconnect', {}],
      ['error', { message: 'unknown event type' }],
      ['chatMessage', { author: 'guest', contentType: 'text/plain', content: 'Thanks' }],
    ] as const;
    for (const i of [3, 0, 6, 1, 5, 2, 4]) {
      await appendChatEvent(db, accountId, sessionRowId, stay.stayId, kinds[i][0], { ...kinds[i][1] }, T0 + i * 1000);
    }
    const other = await register({ bookingReference: 'EV-2', email: 'simon@example.com', status: 'prestay' });
    await appendChatEvent(db, accountId, sessionRowId, other.stayId, 'chatMessage', { content: 'not this stay' }, T0 + 500);
  });
  afterAll(async () => t?.close());

  it("lists the stay's LooponEvents oldest first, with the session, ms timestamps and the typed part", async () => {
    const res = await events();
    expect(res.statusCode, res.body).toBe(200);
    const list = res.json();
    expect(list.map((e: any) => e.type)).toEqual([
      'guestConnect',
      'chatMessage',
      'typingIndicator',
      'chatMessage',
      'guestDisconnect',
      'errorMessage',
      'chatMessage',
    ]);
    expect(list.every((e: any) => e.sessionId === stay.chatSession.sessionId)).toBe(true);
    expect(list[0]).toEqual({
      sessionId: stay.chatSession.sessionId,
      created: '2026-03-01T12:00:00.123Z',
      type: 'guestConnect',
      guestConnect: { deviceId: 'abc' },
    });
    expect(list[1].chatMessage).toMatchObject({
      id: expect.any(Number),
      localId: 'l-1',
      author: 'guest',
      content: 'Hello!',
      read: null,
      updated: '2026-03-01T12:00:01.123Z',
    });
    // Stored by earlier versions (typing is relayed live now): nested as the document has it and at
    // the top level as LooponKit decodes it; an error as LooponKit's errorMessage with the document's error part.
    const typing = { timeout: 10, author: 'hotel', authorName: 'Reception', authorAvatarUrl: null };
    expect(list[2]).toEqual({
      sessionId: stay.chatSession.sessionId,
      created: '2026-03-01T12:00:02.123Z',
      type: 'typingIndicator',
      typingIndicator: typing,
      ...typing,
    });
    expect(list[5]).toMatchObject({ type: 'errorMessage', errorMessage: 'unknown event type', error: { message: 'unknown event type' } });
    expect(list[6].created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('pages with pageId (from 0) and pageSize; a page out of bounds is []', async () => {
    const page = async (q: string) => (await events(q)).json().map((e: any) => e.created.slice(17, 19));
    expect(await page('?pageId=0&pageSize=3')).toEqual(['00', '01', '02']);
    expect(await page('?pageId=1&pageSize=3')).toEqual(['03', '04', '05']);
    expect(await page('?pageId=2&pageSize=3')).toEqual(['06']);
    expect(await page('?pageId=3&pageSize=3')).toEqual([]);
    expect(await page('?pageId=1000000&pageSize=500')).toEqual([]);
    expect(await page('?pageSize=2')).toEqual(['00', '01']);
    expect(await page('?pageId=1000001')).toEqual([]);
    expect(await page('?pageSize=501')).toHaveLength(7); // over the maximum of 500: read as 500
    expect(await page('?pageId=&pageSize=')).toHaveLength(7); // empty: the defaults
    for (const q of ['?pageSize=0', '?pageId=-1', '?pageId=x']) expect((await events(q)).statusCode, q).toBe(400);
  });

  it('answers 404 for an unknown stay or one of another unit, and 403 without chat_sessions', async () => {
    expect((await events('', 99999999)).statusCode).toBe(404);
    expect((await events('', 'abc')).statusCode).toBe(404);
    expect((await events('', stay.stayId, otherUnit)).statusCode).toBe(404);
    const stranger = await createTestAccount(t);
    const strangerUnit = (await createLocation(t.database.db, stranger.account.id, { title: { en: 'X' } })).id;
    const strangerHeaders = (await createLooponClient(t, stranger.account.id)).headers;
    expect((await events('', stay.stayId, strangerUnit, strangerHeaders)).statusCode).toBe(404);
    const noChat = await createLooponClient(t, accountId, { scopes: ['basic', 'manage_stays'] });
    expect((await events('', stay.stayId, unit, noChat.headers)).statusCode).toBe(403);
  });

  it("opens the stay's guest page from its url; an unknown or expired token is a 404", async () => {
    const path = new URL(stay.url).pathname;
    const res = await t.app.inject({ url: path });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('Sea Hotel Kattegat');
    expect(res.body).toContain('Hello Simon Finne');
    expect(res.body).toContain('2026-03-03');

    const again = await register({ bookingReference: 'EV-1', status: 'poststay' });
    expect(again.url).not.toBe(stay.url);
    expect((await t.app.inject({ url: path })).statusCode).toBe(200); // the earlier URL stays valid
    expect((await t.app.inject({ url: new URL(again.url).pathname })).body).toContain('Thank you for staying');

    for (const bad of ['/loopon/stay/nope', `/loopon/stay/${'A'.repeat(32)}`, '/loopon/stay/%3Cscript%3E']) {
      const missing = await t.app.inject({ url: bad });
      expect(missing.statusCode, bad).toBe(404);
      expect(missing.headers['content-type']).toMatch(/^text\/html/);
    }
    await t.database.db
      .updateTable('stay_links')
      .set({ expires_at: Date.now() - 1 })
      .where('account_id', '=', accountId)
      .where('stay_id', '=', stay.stayId)
      .execute();
    expect((await t.app.inject({ url: path })).statusCode).toBe(404);
  });

  it('issues links valid for 30 days and prunes expired ones on the next registration', async () => {
    const fresh = await register({ bookingReference: 'EV-1', status: 'poststay' });
    const links = await t.database.db.selectFrom('stay_links').selectAll().where('account_id', '=', accountId).where('stay_id', '=', stay.stayId).execute();
    expect(links.every((l) => l.expires_at > Date.now())).toBe(true); // the expired ones are gone
    const newest = links.sort((a, b) => b.id - a.id)[0];
    expect(newest.expires_at - newest.created_at).toBe(30 * 24 * 3600 * 1000);
    expect(newest.token_hash).not.toContain(new URL(fresh.url).pathname.split('/').pop());
  });
});
