import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedMediaPath } from '../src/core/chat/attachments.js';
import { createLocation } from '../src/core/locations/locations.js';
import { openLoop } from '../src/core/requests/loops.js';
import { inTransaction, writeContext, GUEST_ACTOR } from '../src/core/shared/write-context.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { guestLanguage, text, textsOf } from '../src/api/http/guest-views.js';
import { loopPageUrl } from '../src/api/loop-v1/links.js';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { adminCall } from './helpers/admin.js';
import { createLooponClient } from './helpers/loopon.js';
import { openSocket, type TestSocket } from './helpers/sockets.js';

/*
 * The stay page (Loopon stay URL): LiquidJS templates that escape guest text, in the guest's
 * language with English fallback, the guest's requests, the survey when due and the chat; the chat
 * script's protocol end to end against the staff's admin API; photo uploads (size, magic bytes),
 * signed media links, and the image proxy's refusals.
 */

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)]);
const HEIC = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(64, 3)]);

function multipart(fields: Record<string, string>, file?: { name: string; type: string; data: Buffer }) {
  const boundary = `----openstay${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    parts.push(file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('guest page texts', () => {
  it('picks the guest language, then Accept-Language, then English', () => {
    expect(guestLanguage(['sv'], undefined)).toBe('sv');
    expect(guestLanguage([null, 'fr-CA'], 'de')).toBe('fr');
    expect(guestLanguage(['it'], 'it, de;q=0.8, es;q=0.9')).toBe('es');
    expect(guestLanguage(['xx'], 'pt-BR')).toBe('en');
    expect(guestLanguage([], 'de;q=0, sv')).toBe('sv');
  });

  it('falls back to English for a text a language lacks', () => {
    expect(text('sv', 'chat.send')).toBe('Skicka');
    // tooMany.* has no Swedish text (yet): the English one fills in
    expect(text('sv', 'tooMany.attemptsTitle')).toBe('Too many attempts');
    expect(Object.keys(textsOf('de'))).toEqual(Object.keys(textsOf('en')));
  });
});

describe.each(dialects())('stay page on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  let accountId: number;
  let adminToken: string;
  let unit: number;
  let headers: Record<string, string>;
  const sockets: TestSocket[] = [];
  const admin = adminCall(() => t);

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
  const pageOf = async (stay: { url: string }, acceptLanguage?: string) => {
    const res = await t.app.inject({ url: new URL(stay.url).pathname, headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });
    expect(res.statusCode, res.body).toBe(200);
    return res;
  };
  const attr = (body: string, name: string) => {
    const m = new RegExp(`${name}="([^"]*)"`).exec(body);
    if (!m) throw new Error(`no ${name} on the page`);
    return m[1].replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  };
  const sessionIdOf = async (key: string) =>
    Number((await t.database.db.selectFrom('chat_sessions').select('id').where('session_key', '=', key).executeTakeFirstOrThrow()).id);
  const attachmentCount = async () => (await t.database.db.selectFrom('chat_attachments').select('id').execute()).length;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const created = await createTestAccount(t);
    accountId = created.account.id;
    adminToken = created.adminToken;
    unit = (await createLocation(t.database.db, accountId, { title: { en: 'Sea Hotel Kattegat' } })).id;
    headers = (await createLooponClient(t, accountId)).headers;
  });
  afterAll(async () => {
    for (const socket of sockets) await socket.close();
    await t?.close();
  });

  it('escapes guest-supplied text: a name with <script> shows as text', async () => {
    const stay = await register({ name: '<script>alert(1)</script> "Rick"', email: 'rick@example.com', bookingReference: '<img src=x onerror=alert(2)>' });
    const page = await pageOf(stay);
    expect(page.body).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt; &#34;Rick&#34;.');
    expect(page.body).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).not.toMatch(/<img src=x/);
    // the only script is our module, allowed by the CSP as 'self'
    expect([...page.body.matchAll(/<script[^>]*>/g)].map((m) => m[0])).toEqual(['<script type="module" src="/g/assets/chat.js">']);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    const script = await t.app.inject({ url: '/g/assets/chat.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.body).not.toMatch(/innerHTML|insertAdjacentHTML|outerHTML/);
  });

  it('speaks the guest language, else Accept-Language, else English', async () => {
    const sv = await pageOf(await register({ name: 'Eva Berg', email: 'eva@example.com', language: 'sv' }));
    expect(sv.body).toContain('<html lang="sv">');
    expect(sv.body).toContain('Hej Eva Berg.');
    expect(sv.body).toContain('Chatta med hotellet');
    const it = await register({ name: 'Marco Rossi', email: 'marco@example.com', language: 'it' });
    expect((await pageOf(it, 'it-IT, de;q=0.8')).body).toContain('Hallo Marco Rossi.');
    expect((await pageOf(it)).body).toContain('Hello Marco Rossi.');
  });

  it('shows the guest requests with their progress, and the survey once it is due', async () => {
    const stay = await register({ name: 'Beth Smith', email: 'beth@example.com', status: 'prestay' });
    const guestId = Number((await t.database.db.selectFrom('stays').select('guest_id').where('id', '=', stay.stayId).executeTakeFirstOrThrow()).guest_id);
    await inWriteTransaction(t.database.db, (trx) =>
      openLoop(inTransaction(writeContext(trx, accountId, GUEST_ACTOR), trx), {
        locationId: unit,
        loopTypeId: null,
        creatorGuestId: guestId,
        creatorName: 'Beth Smith',
        source: 'web',
        medium: 'web',
        createDevice: null,
        description: 'A <b>horse</b> blanket, please',
        contact: {},
      }),
    );
    const page = await pageOf(stay);
    expect(page.body).toContain('A &lt;b&gt;horse&lt;/b&gt; blanket, please');
    expect(page.body).toMatch(/class="state open">Open</);
    expect(page.body).toContain('Request received');
    expect(page.body).not.toContain('/survey/');

    const evaluation = await t.database.db
      .insertInto('evaluations')
      .values({
        account_id: accountId,
        shortcode: null,
        name: 'Stay survey',
        description: null,
        question_order_randomized: 0,
        loop_id: null,
        loopon_id: null,
        created_at: Date.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.database.db.updateTable('locations').set({ default_evaluation_id: evaluation.id }).where('id', '=', unit).execute();
    const after = await register({ email: 'beth@example.com', status: 'poststay' });
    const surveyPage = await pageOf(after);
    const survey = attr(surveyPage.body, 'class="button" href');
    expect(survey).toMatch(new RegExp(`^/survey/[^/]+/${evaluation.id}\\?guest=${guestId}&source=poststay&stay=\\d+&sig=[\\w-]{22}$`));
    await t.database.db.updateTable('locations').set({ default_evaluation_id: null }).where('id', '=', unit).execute();
  });

  it("shows the same requests and chat on a loop's page, in the guest language", async () => {
    const stay = await register({ name: 'Ana García', email: 'ana@example.com', language: 'es' });
    const guestId = Number((await t.database.db.selectFrom('stays').select('guest_id').where('id', '=', stay.stayId).executeTakeFirstOrThrow()).guest_id);
    const open = (description: string) =>
      inWriteTransaction(t.database.db, (trx) =>
        openLoop(inTransaction(writeContext(trx, accountId, GUEST_ACTOR), trx), {
          locationId: unit,
          loopTypeId: null,
          creatorGuestId: guestId,
          creatorName: 'Ana García',
          source: 'web',
          medium: 'web',
          createDevice: null,
          description,
          contact: {},
        }),
      );
    await open('Una almohada más');
    const { loop } = await open('El aire acondicionado hace ruido');
    const url = new URL(await loopPageUrl(t.database.db, t.config, accountId, loop.id));
    const page = await t.app.inject({ url: url.pathname + url.search });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).toContain('<html lang="es">');
    expect(page.body).toContain('Hola Ana García.');
    // the loop the link names first, then the guest's other request
    expect(page.body.indexOf('El aire acondicionado hace ruido')).toBeLessThan(page.body.indexOf('Una almohada más'));
    expect(page.body).toContain('Chatee con el hotel');
    expect(attr(page.body, 'data-socket')).toBe(new URL(stay.chatSession.wssUrl).pathname);
  });

  it("carries the page script's chat messages to the staff (admin API) and a staff reply back live", async () => {
    const stay = await register({ name: 'Summer Smith', email: 'summer@example.com' });
    const page = await pageOf(stay);
    expect(page.body).toMatch(/<section id="chat"/);
    const socketPath = attr(page.body, 'data-socket');
    expect(socketPath).toBe(new URL(stay.chatSession.wssUrl).pathname);
    const socket = await openSocket(`${base}${socketPath}?deviceId=web-test-1`);
    sockets.push(socket);
    // what chat.js sends: a typing indicator, then a chatMessage with a localId
    socket.send({ type: 'typingIndicator', typingIndicator: { timeout: 5 } });
    socket.send({ type: 'chatMessage', chatMessage: { contentType: 'text/plain', content: 'Can I get a late checkout?', localId: 'l-1' } });
    await socket.next((e) => e.type === 'chatMessage' && e.chatMessage.localId === 'l-1', 'the echo');
    const sessionId = await sessionIdOf(stay.chatSession.sessionId);
    const history = await admin(adminToken, 'GET', `/chat/sessions/${sessionId}/messages`);
    expect(history.statusCode, history.body).toBe(200);
    expect(history.json().messages.map((m: { content: string }) => m.content)).toContain('Can I get a late checkout?');

    const typing = await admin(adminToken, 'POST', `/chat/sessions/${sessionId}/typing`, { authorName: 'Front desk' });
    expect(typing.statusCode, typing.body).toBeLessThan(300);
    await socket.next((e) => e.type === 'typingIndicator' && e.typingIndicator.author === 'hotel', 'the hotel typing');
    const reply = await admin(adminToken, 'POST', `/chat/sessions/${sessionId}/messages`, { content: 'Of course, until 2 pm.', authorName: 'Front desk' });
    expect(reply.statusCode, reply.body).toBe(201);
    const live = await socket.next((e) => e.type === 'chatMessage' && e.chatMessage.author === 'hotel', 'the staff reply');
    expect(live.chatMessage.content).toBe('Of course, until 2 pm.');
    // the next page load shows both, as text
    const again = await pageOf(stay);
    expect(again.body).toContain('Can I get a late checkout?');
    expect(again.body).toContain('Of course, until 2 pm.');
  });

  it('takes a photo within the limits, checked by its bytes; a bad upload stores nothing', async () => {
    const stay = await register({ name: 'Jerry Smith', email: 'jerry@example.com' });
    const upload = attr((await pageOf(stay)).body, 'data-upload');
    const send = (file?: { name: string; type: string; data: Buffer }, fields: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url: upload, ...multipart(fields, file) });
    const before = await attachmentCount();

    const disguised = await send({ name: 'evil.png', type: 'image/png', data: Buffer.from('<html><script>alert(1)</script></html>') });
    expect(disguised.statusCode, disguised.body).toBe(415);
    expect(disguised.json().error.message).toMatch(/JPEG, PNG, WebP or HEIC/);
    const huge = await send({ name: 'big.jpg', type: 'image/jpeg', data: Buffer.concat([JPEG, Buffer.alloc(8 * 1024 * 1024)]) });
    expect(huge.statusCode, huge.body).toBe(413);
    expect(huge.json().error.message).toMatch(/8 MB/);
    expect((await send(undefined, { text: 'no file' })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'POST', url: upload, headers: { 'content-type': 'application/json' }, payload: '{}' })).statusCode).toBe(415);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/g/chat/0123456789abcdef0123456789abcdef/photos',
          ...multipart({}, { name: 'a.png', type: 'image/png', data: PNG }),
        })
      ).statusCode,
    ).toBe(404);
    expect(await attachmentCount()).toBe(before);

    // the staff's realtime socket, to see the photo arrive
    const ticket = (await admin(adminToken, 'POST', '/realtime/tickets')).json();
    const staff = await openSocket(`${base}${new URL(ticket.url).pathname}${new URL(ticket.url).search}`);
    sockets.push(staff);
    await staff.next((e) => e.type === 'ready', 'the staff socket ready');

    // declared as a PNG, the bytes say JPEG: stored as a JPEG
    const ok = await send({ name: 'room.png', type: 'image/png', data: JPEG }, { localId: 'p-1' });
    expect(ok.statusCode, ok.body).toBe(201);
    const { message, photo } = ok.json();
    expect(message).toMatchObject({ author: 'guest', contentType: 'image/jpeg', localId: 'p-1' });
    expect(message.url).toMatch(/^http:\/\/openstay\.test\/g\/media\/[\w-]{22}$/);
    const served = await t.app.inject({ url: photo.url });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.rawPayload.equals(JPEG)).toBe(true);
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    const heic = await send({ name: 'IMG_0001.HEIC', type: 'application/octet-stream', data: HEIC });
    expect(heic.statusCode, heic.body).toBe(201);
    expect(heic.json().message.contentType).toBe('image/heic');
    expect(await attachmentCount()).toBe(before + 2);

    const live = await staff.next((e) => e.type === 'chat.message' && e.message.localId === 'p-1', 'the photo on the staff socket');
    expect(live.message.url).toBe(message.url);
    expect(live.message.photo.url).toMatch(/^\/g\/media\/[\w-]{22}\?exp=\d+&sig=[\w-]{22}$/);
    expect((await t.app.inject({ url: live.message.photo.url })).statusCode).toBe(200);

    // the staff get a signed link in the admin API
    const sessionId = await sessionIdOf(stay.chatSession.sessionId);
    const messages = (await admin(adminToken, 'GET', `/chat/sessions/${sessionId}/messages`)).json().messages;
    const staffPhoto = messages.find((m: { localId: string }) => m.localId === 'p-1').photo;
    expect(staffPhoto.url).toMatch(/^\/g\/media\/[\w-]{22}\?exp=\d+&sig=[\w-]{22}$/);
    expect((await t.app.inject({ url: staffPhoto.url })).statusCode).toBe(200);

    // the page's image proxy sends the guest to a fresh signed link of the session's own photo
    const image = attr((await pageOf(stay)).body, 'data-image');
    const viaProxy = await t.app.inject({ url: `${image}?u=${encodeURIComponent(message.url)}` });
    expect(viaProxy.statusCode).toBe(302);
    expect((await t.app.inject({ url: String(viaProxy.headers.location) })).statusCode).toBe(200);
    // ...but not to a photo of another guest's chat
    const other = await register({ name: 'Morty Smith', email: 'morty@example.com' });
    const otherImage = attr((await pageOf(other)).body, 'data-image');
    expect((await t.app.inject({ url: `${otherImage}?u=${encodeURIComponent(message.url)}` })).statusCode).toBe(404);
  });

  it('refuses a media link that is tampered with or expired', async () => {
    const stay = await register({ name: 'Birdperson', email: 'bird@example.com' });
    const upload = attr((await pageOf(stay)).body, 'data-upload');
    const ok = await t.app.inject({ method: 'POST', url: upload, ...multipart({}, { name: 'a.png', type: 'image/png', data: PNG }) });
    expect(ok.statusCode, ok.body).toBe(201);
    const good = new URL(ok.json().photo.url, 'http://x');
    const id = good.pathname.split('/').pop()!;
    const sig = good.searchParams.get('sig')!;
    const exp = good.searchParams.get('exp')!;
    expect((await t.app.inject({ url: `${good.pathname}${good.search}` })).statusCode).toBe(200);
    const refused = [
      good.pathname, // unsigned
      `${good.pathname}?exp=${exp}&sig=${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`, // tampered signature
      `${good.pathname}?exp=${Number(exp) + 3600}&sig=${sig}`, // a later expiry with the old signature
    ];
    for (const url of refused) expect((await t.app.inject({ url })).statusCode, url).toBe(403);
    const secret = (await t.database.db.selectFrom('accounts').select('page_secret').where('id', '=', accountId).executeTakeFirstOrThrow()).page_secret;
    const expired = signedMediaPath(secret, id, Date.now() - 2 * 3600_000);
    expect((await t.app.inject({ url: expired.path })).statusCode).toBe(403);
    expect((await t.app.inject({ url: signedMediaPath(secret, id).path })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/g/media/${'x'.repeat(22)}?exp=${exp}&sig=${sig}` })).statusCode).toBe(404);
  });

  it('fetches images of messages through the server only: private addresses and URLs the chat does not show are refused', async () => {
    const stay = await register({ name: 'Squanchy', email: 'squanchy@example.com' });
    const sessionId = await sessionIdOf(stay.chatSession.sessionId);
    const image = attr((await pageOf(stay)).body, 'data-image');
    for (const url of ['http://127.0.0.1:9/cat.png', 'http://169.254.169.254/latest/meta-data.png', 'http://[::1]/x.png']) {
      const sent = await admin(adminToken, 'POST', `/chat/sessions/${sessionId}/messages`, { contentType: 'image/png', url, authorName: 'Front desk' });
      expect(sent.statusCode, sent.body).toBe(201);
      const res = await t.app.inject({ url: `${image}?u=${encodeURIComponent(url)}` });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(403);
      expect(res.json().error.code).toBe('refused_address');
    }
    // a URL no message of the chat holds: not fetched at all (no open proxy)
    expect((await t.app.inject({ url: `${image}?u=${encodeURIComponent('https://example.com/a.png')}` })).statusCode).toBe(404);
  });
});

describe.each(dialects())('image proxy with private addresses allowed (a lab) on %s', (dialect) => {
  let t: TestApp;
  let server: http.Server;
  let origin: string;
  let hits = 0;

  beforeAll(async () => {
    t = await createTestApp(dialect, { ALLOW_PRIVATE_CALLBACK_URLS: 'true' });
    server = http.createServer((req, res) => {
      hits += 1;
      if (req.url === '/cat.png') return res.writeHead(200, { 'content-type': 'text/plain' }).end(PNG);
      if (req.url === '/page.png') return res.writeHead(200, { 'content-type': 'image/png' }).end('<html>not an image</html>');
      if (req.url === '/huge.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.concat([PNG, Buffer.alloc(6 * 1024 * 1024)]));
      return res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('serves an image by its bytes, caches it briefly, and refuses what is not an image or too large', async () => {
    const { account, adminToken } = await createTestAccount(t);
    const unit = (await createLocation(t.database.db, account.id, { title: { en: 'Lab Hotel' } })).id;
    const headers = (await createLooponClient(t, account.id)).headers;
    const stay = (
      await t.app.inject({
        method: 'POST',
        url: `/loopon/public/units/${unit}/stays`,
        headers: { ...headers, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'Lab Guest', email: 'lab@example.com', status: 'instay', checkoutDate: '2099-01-01' }),
      })
    ).json();
    const sessionId = Number(
      (await t.database.db.selectFrom('chat_sessions').select('id').where('session_key', '=', stay.chatSession.sessionId).executeTakeFirstOrThrow()).id,
    );
    const admin = adminCall(() => t);
    const imageOf = async (path: string) => {
      const url = `${origin}${path}`;
      expect((await admin(adminToken, 'POST', `/chat/sessions/${sessionId}/messages`, { contentType: 'image/png', url, authorName: 'Lab' })).statusCode).toBe(
        201,
      );
      return t.app.inject({ url: `/g/chat/${stay.chatSession.sessionId}/image?u=${encodeURIComponent(url)}` });
    };
    const cat = await imageOf('/cat.png');
    expect(cat.statusCode, cat.body).toBe(200);
    expect(cat.headers['content-type']).toBe('image/png');
    expect(cat.rawPayload.equals(PNG)).toBe(true);
    const hitsBefore = hits;
    expect((await t.app.inject({ url: `/g/chat/${stay.chatSession.sessionId}/image?u=${encodeURIComponent(`${origin}/cat.png`)}` })).statusCode).toBe(200);
    expect(hits).toBe(hitsBefore); // from the cache
    const page = await imageOf('/page.png');
    expect(page.statusCode).toBe(415);
    expect(page.json().error.code).toBe('not_an_image');
    expect((await imageOf('/huge.png')).statusCode).toBe(413);
    expect((await imageOf('/missing.png')).statusCode).toBe(502);
  });
});
