import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocation } from '../src/core/locations/locations.js';
import { findChatSessionByKey } from '../src/core/chat/chat-sessions.js';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { createLooponClient } from './helpers/loopon.js';
import { openSocket, type TestSocket } from './helpers/sockets.js';
import { waitUntil } from './helpers/wait.js';

/*
 * The guest chat WebSocket over real sockets (the server listens on a free port, the `ws` package
 * is the guest app): echo with ids and localId, replay per device, several events per frame,
 * sanitising, error events, the 4404 and 4410 closes, presence events in the stay's history.
 */

describe.each(dialects())('guest chat socket on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  let accountId: number;
  let unit: number;
  let headers: Record<string, string>;
  const sockets: TestSocket[] = [];

  const register = async (body: Record<string, unknown>) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${unit}/stays`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ status: 'instay', checkinDate: '2026-03-01', checkoutDate: '2099-03-03', ...body }),
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  /** The stay's wssUrl, on the port the test server listens on. */
  const connect = async (wssUrl: string, query = '') => {
    const socket = await openSocket(`${base}${new URL(wssUrl).pathname}${query}`);
    sockets.push(socket);
    return socket;
  };
  const message = (content: string, localId: string, extra: Record<string, unknown> = {}) => ({
    type: 'chatMessage',
    chatMessage: { localId, contentType: 'text/plain', content, ...extra },
  });

  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    accountId = (await createTestAccount(t)).account.id;
    unit = (await createLocation(t.database.db, accountId, { title: { en: 'Sea Hotel Kattegat' } })).id;
    headers = (await createLooponClient(t, accountId)).headers;
  });
  afterAll(async () => {
    for (const socket of sockets) await socket.close();
    await t?.close();
  });

  it('gives a stay the wssUrl /loopon/chat/public/<lang>/<sessionId> and a messenger reference, the same on every registration', async () => {
    const stay = await register({ name: 'Eva Berg', email: 'eva@example.com', language: 'sv' });
    expect(stay.chatSession.wssUrl).toBe(`ws://openstay.test/loopon/chat/public/sv/${stay.chatSession.sessionId}`);
    expect(stay.chatSession.messengerRef).toMatch(/^[A-Za-z0-9_-]{12}$/);
    const again = await register({ email: 'eva@example.com', language: 'en', status: 'poststay' });
    expect(again.chatSession).toEqual(stay.chatSession);
  });

  it('stores a guest message and echoes it with id, created, author and the localId; read-only fields sent are ignored', async () => {
    const stay = await register({ name: 'Simon Finne', email: 'simon@example.com' });
    const socket = await connect(stay.chatSession.wssUrl);
    socket.send(message('Please be careful when parking my Tesla!', 'L-1', { id: 999, author: 'hotel', read: '2020-01-01T00:00:00.000Z', authorName: 'Boss' }));
    const echo = await socket.next((e) => e.chatMessage?.localId === 'L-1', 'the echo');
    expect(echo).toEqual({
      sessionId: stay.chatSession.sessionId,
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      type: 'chatMessage',
      chatMessage: {
        id: expect.any(Number),
        read: null,
        localId: 'L-1',
        author: 'guest',
        authorName: 'Simon Finne',
        authorAvatarUrl: null,
        media: 'appchat',
        url: null,
        content: 'Please be careful when parking my Tesla!',
        contentType: 'text/plain',
        updated: echo.created,
      },
    });
    expect(echo.chatMessage.id).not.toBe(999);
    // The stay's events hold it, between the guest's connect and (after closing) disconnect.
    await socket.close();
    const events = async () =>
      (await t.app.inject({ url: `/loopon/public/units/${unit}/stays/${stay.stayId}/events`, headers })).json().map((e: any) => e.type);
    await waitUntil(async () => (await events()).includes('guestDisconnect'), { what: 'guestDisconnect stored' });
    expect(await events()).toEqual(['guestConnect', 'chatMessage', 'guestDisconnect']);
  });

  it('reads several events from one frame, in order, and answers a bad one with an errorMessage event without closing', async () => {
    const stay = await register({ name: 'Ann', email: 'ann@example.com' });
    const socket = await connect(stay.chatSession.wssUrl);
    socket.ws.send(
      [
        JSON.stringify(message('one', 'F-1')),
        'not json',
        JSON.stringify({ type: 'chatMessage', chatMessage: { localId: 'F-bad', contentType: 'text/rtf', content: 'x' } }),
        JSON.stringify({ type: 'guestConnect' }),
        JSON.stringify(message('two', 'F-2')),
      ].join('\n'),
    );
    await socket.next((e) => e.chatMessage?.localId === 'F-2', 'the second echo');
    const kinds = socket.events.map((e) => e.chatMessage?.localId ?? e.error?.code);
    expect(kinds).toEqual(['F-1', 'bad_request', 'bad_request', 'bad_request', 'F-2']);
    const refused = socket.events.filter((e) => e.type === 'errorMessage');
    expect(refused[1]).toMatchObject({
      sessionId: stay.chatSession.sessionId,
      errorMessage: expect.stringContaining('contentType'),
      error: { localId: 'F-bad', status: 400 },
    });
    expect(typeof refused[0].errorMessage).toBe('string');
    const [one, two] = socket.events.filter((e) => e.type === 'chatMessage');
    expect(two.chatMessage.id).toBeGreaterThan(one.chatMessage.id);
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
  });

  it('sanitises text/html to the allow-list and takes images by http(s) URL only', async () => {
    const stay = await register({ name: 'Bo', email: 'bo@example.com' });
    const socket = await connect(stay.chatSession.wssUrl);
    socket.send({
      type: 'chatMessage',
      chatMessage: {
        localId: 'H-1',
        contentType: 'text/html',
        content:
          '<p onclick="x()">Hi <b>there</b><script>alert(1)</script> <a href="javascript:alert(1)">x</a> <a href="https://hotel.test">site</a><img src=x onerror=y></p>',
      },
    });
    const html = await socket.next((e) => e.chatMessage?.localId === 'H-1');
    expect(html.chatMessage.content).toBe(
      '<p>Hi <b>there</b> <a rel="noopener noreferrer nofollow" target="_blank">x</a> <a href="https://hotel.test" rel="noopener noreferrer nofollow" target="_blank">site</a></p>',
    );
    socket.send(
      { type: 'chatMessage', chatMessage: { localId: 'I-1', contentType: 'image/png', url: 'https://cdn.test/a.png' } },
      { type: 'chatMessage', chatMessage: { localId: 'I-2', contentType: 'image/jpeg', url: 'file:///etc/passwd' } },
      { type: 'chatMessage', chatMessage: { localId: 'I-3', contentType: 'text/plain', content: 'x'.repeat(10_001) } },
    );
    const image = await socket.next((e) => e.chatMessage?.localId === 'I-1');
    expect(image.chatMessage).toMatchObject({ contentType: 'image/png', url: 'https://cdn.test/a.png', content: null });
    const badUrl = await socket.next((e) => e.error?.localId === 'I-2');
    expect(badUrl.error.status).toBe(400);
    const tooLong = await socket.next((e) => e.error?.localId === 'I-3');
    expect(tooLong.error).toMatchObject({ status: 413, code: 'too_large' });
    // A frame over 64 KiB: an error event, and the socket stays open.
    socket.ws.send(JSON.stringify(message('y'.repeat(70_000), 'BIG')));
    const big = await socket.next((e) => e.error?.code === 'too_large' && e.errorMessage.includes('frame'));
    expect(big.error.status).toBe(413);
    socket.send(message('still here', 'after-big'));
    await socket.next((e) => e.chatMessage?.localId === 'after-big');
  });

  it('replays to a device what it was not sent, in order, after a reconnect', async () => {
    const stay = await register({ name: 'Dev', email: 'dev@example.com' });
    const first = await connect(stay.chatSession.wssUrl, '?deviceId=phone-1');
    first.send(message('m1', 'R-1'), message('m2', 'R-2'));
    await first.next((e) => e.chatMessage?.localId === 'R-2');
    await first.close();
    // While phone-1 is away, another device writes.
    const other = await connect(stay.chatSession.wssUrl, '?deviceId=tablet');
    await other.next((e) => e.chatMessage?.localId === 'R-2', 'the tablet replay');
    other.send(message('m3', 'R-3'), message('m4', 'R-4'));
    await other.next((e) => e.chatMessage?.localId === 'R-4');
    await other.close();
    const back = await connect(stay.chatSession.wssUrl, '?deviceId=phone-1');
    await back.next((e) => e.chatMessage?.localId === 'R-4', 'the replay');
    expect(back.events.map((e) => e.chatMessage.localId)).toEqual(['R-3', 'R-4']);
    // A new device gets the whole history; no deviceId: no replay.
    const fresh = await connect(stay.chatSession.wssUrl, '?deviceId=new-one');
    await fresh.next((e) => e.chatMessage?.localId === 'R-4');
    expect(fresh.events.map((e) => e.chatMessage.localId)).toEqual(['R-1', 'R-2', 'R-3', 'R-4']);
    const anonymous = await connect(stay.chatSession.wssUrl);
    anonymous.send(message('m5', 'R-5'));
    await anonymous.next((e) => e.chatMessage?.localId === 'R-5');
    expect(anonymous.events.map((e) => e.chatMessage.localId)).toEqual(['R-5']);
  });

  it('accepts and closes an unknown session with 4404 and an expired one with 4410; a bad deviceId with 4400', async () => {
    const unknown = await openSocket(`${base}/loopon/chat/public/en/${'0'.repeat(32)}`);
    expect(await unknown.waitClosed()).toEqual({ code: 4404, reason: 'unknown chat session' });
    const garbage = await openSocket(`${base}/loopon/chat/public/en/nope`);
    expect((await garbage.waitClosed()).code).toBe(4404);

    const stay = await register({ name: 'Old', email: 'old@example.com', checkinDate: '2020-01-01', checkoutDate: '2020-01-03', status: 'poststay' });
    const expired = await openSocket(`${base}${new URL(stay.chatSession.wssUrl).pathname}`);
    expect(await expired.waitClosed()).toEqual({ code: 4410, reason: 'chat session expired' });
    const session = await findChatSessionByKey(t.database.db, stay.chatSession.sessionId);
    expect(session!.expires_at).toBe(Date.parse('2020-01-04T00:00:00.000Z') + 30 * 86_400_000);

    const live = await register({ name: 'Dev2', email: 'dev2@example.com' });
    const bad = await openSocket(`${base}${new URL(live.chatSession.wssUrl).pathname}?deviceId=${'x'.repeat(129)}`);
    expect((await bad.waitClosed()).code).toBe(4400);
  });

  it('keeps the earlier path /loopon/chat/<lang>/<sessionId> as an alias, and a plain GET is a 404', async () => {
    const stay = await register({ name: 'Alias', email: 'alias@example.com' });
    const socket = await connect(`http://x/loopon/chat/en/${stay.chatSession.sessionId}`);
    socket.send(message('via alias', 'A-1'));
    await socket.next((e) => e.chatMessage?.localId === 'A-1');
    expect((await t.app.inject({ url: new URL(stay.chatSession.wssUrl).pathname })).statusCode).toBe(404);
  });

  it('counts open guest sockets in openstay_chat_sockets', async () => {
    const stay = await register({ name: 'Gauge', email: 'gauge@example.com' });
    const socket = await connect(stay.chatSession.wssUrl);
    socket.send(message('hi', 'G-1'));
    await socket.next((e) => e.chatMessage?.localId === 'G-1');
    const value = async () => Number(/^openstay_chat_sockets (\d+)$/m.exec((await t.app.inject({ url: '/metrics' })).body)?.[1]);
    const before = await value();
    expect(before).toBeGreaterThanOrEqual(1);
    await socket.close();
    await waitUntil(async () => (await value()) === before - 1, { what: 'the gauge to go down' });
  });

  it('at shutdown closes guest sockets with 1001 and records their disconnect before the database closes', async () => {
    const other = await createTestApp(dialect);
    try {
      await other.app.listen({ port: 0, host: '127.0.0.1' });
      const port = (other.app.server.address() as AddressInfo).port;
      const account = (await createTestAccount(other)).account.id;
      const place = (await createLocation(other.database.db, account, { title: { en: 'Closing' } })).id;
      const client = await createLooponClient(other, account);
      const res = await other.app.inject({
        method: 'POST',
        url: `/loopon/public/units/${place}/stays`,
        headers: { ...client.headers, 'content-type': 'application/json' },
        payload: JSON.stringify({ status: 'instay', email: 'late@example.com', name: 'Late' }),
      });
      const stay = res.json();
      const socket = await openSocket(`ws://127.0.0.1:${port}${new URL(stay.chatSession.wssUrl).pathname}`);
      socket.send(message('last words', 'Z-1'));
      await socket.next((e) => e.chatMessage?.localId === 'Z-1');
      await other.app.close();
      expect(await socket.waitClosed()).toEqual({ code: 1001, reason: 'server shutting down' });
      const types = await other.database.db.selectFrom('chat_events').select('type').where('account_id', '=', account).orderBy('seq').execute();
      expect(types.map((r) => r.type)).toEqual(['guestConnect', 'chatMessage', 'guestDisconnect']);
    } finally {
      await other.database.destroy();
    }
  });

  it('counts unknown session keys as failed credential checks: over the limit the socket closes with 4429', async () => {
    const limited = await createTestApp(dialect, { CREDENTIAL_FAILURES_PER_ADDRESS: '2' });
    try {
      await limited.app.listen({ port: 0, host: '127.0.0.1' });
      const url = (key: string) => `ws://127.0.0.1:${(limited.app.server.address() as AddressInfo).port}/loopon/chat/public/en/${key}`;
      for (const key of ['a'.repeat(32), 'b'.repeat(32)]) expect((await (await openSocket(url(key))).waitClosed()).code).toBe(4404);
      const third = await (await openSocket(url('c'.repeat(32)))).waitClosed();
      expect(third.code).toBe(4429);
      expect(third.reason).toMatch(/Too many failed attempts/);
    } finally {
      await limited.close();
    }
  });
});
