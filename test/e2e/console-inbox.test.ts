import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmployee } from '../../src/core/accounts/employees.js';
import { findChatSessionByKey } from '../../src/core/chat/chat-sessions.js';
import { createLocation } from '../../src/core/locations/locations.js';
import { createLoopType } from '../../src/core/locations/loop-types.js';
import { createTestAccount } from '../helpers/app.js';
import {
  BROWSER_MISSING_REASON,
  browserMissing,
  createStaffMember,
  expectAccessible,
  launchBrowser,
  newPage,
  PHONE,
  type ServedApp,
  saveScreenshot,
  serveTestApp,
  signInToConsole,
} from '../helpers/browser.js';
import { dialects } from '../helpers/database.js';
import { loopCall } from '../helpers/loop.js';
import { createLooponClient } from '../helpers/loopon.js';
import { recordIssuedSecret } from '../helpers/secret-log.js';
import { openSocket, type TestSocket } from '../helpers/sockets.js';

/** A 1x1 PNG (a photo the browser can draw). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/*
 * The inbox in Chromium: a guest's message over the Loopon chat socket appears live with an unread
 * badge, the agent answers and the guest's socket gets it, typing shows both ways, a request is
 * answered, noted, assigned, closed and reopened, and the internal note never reaches the guest's
 * loop page. Screens at desktop and 360 px, each checked with axe-core.
 */

describe.skipIf(browserMissing)(`the console's inbox (${browserMissing ? BROWSER_MISSING_REASON : 'Chromium'})`, () => {
  let browser: Browser;
  let t: ServedApp;
  let h: {
    accountId: number;
    slug: string;
    adminToken: string;
    loopToken: string;
    sea: number;
    hill: number;
    agent: number;
    headers: Record<string, string>;
  };
  const sockets: TestSocket[] = [];

  /** Puts a browser context in the console as agent Anna (signed in for real). */
  const signInAsAgent = (context: BrowserContext) => signInToConsole(context, t.baseUrl, 'anna@hotel.test');

  /** A Loopon stay at Sea with the guest's chat socket open. */
  const guestChat = async (name: string) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${h.sea}/stays`,
      headers: { ...h.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ status: 'instay', checkinDate: '2026-03-01', checkoutDate: '2099-03-03', name }),
    });
    expect(res.statusCode, res.body).toBe(200);
    const stay = res.json();
    const sessionId = (await findChatSessionByKey(t.database.db, stay.chatSession.sessionId))!.id;
    const guest = await openSocket(`${t.baseUrl.replace('http', 'ws')}${new URL(stay.chatSession.wssUrl).pathname}`);
    sockets.push(guest);
    return { sessionId, guest, key: stay.chatSession.sessionId as string };
  };

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await serveTestApp(dialects()[0]);
    const { account, adminToken, loopToken } = await createTestAccount(t);
    recordIssuedSecret(adminToken);
    const db = t.database.db;
    const sea = (await createLocation(db, account.id, { title: { en: 'Sea Hotel' }, shortcode: 'sea' })).id;
    const hill = (await createLocation(db, account.id, { title: { en: 'Hill Hotel' }, shortcode: 'hill' })).id;
    await createLoopType(db, account.id, 'housekeeping', { en: 'Housekeeping' });
    const agent = (
      await createStaffMember(t, account.id, {
        email: 'anna@hotel.test',
        name: 'Anna',
        role: 'agent',
        permissions: ['create', 'comment', 'close'],
        locationIds: [sea],
      })
    ).id;
    await createEmployee(db, account.id, { username: 'bo', name: 'Bo', email: 'bo@hotel.test', locationIds: [sea] });
    h = { accountId: account.id, slug: account.slug, adminToken, loopToken, sea, hill, agent, headers: (await createLooponClient(t, account.id)).headers };
  });
  afterAll(async () => {
    for (const socket of sockets) await socket.close();
    await browser?.close();
    await t?.close();
  });

  it('shows a guest message live with an unread badge; the agent answers, typing shows both ways, and the guest hears it', async () => {
    const { context, page } = await newPage(browser);
    await signInAsAgent(context);
    await page.goto(`${t.baseUrl}/inbox`);
    await expect.poll(() => page.getByRole('heading', { name: 'Inbox' }).count()).toBe(1);
    await expect.poll(() => page.getByText('Nothing here').count()).toBe(1);

    const { sessionId, guest } = await guestChat('Lina Berg');
    guest.send({ type: 'chatMessage', chatMessage: { localId: 'g-1', contentType: 'text/plain', content: 'Can I get a late checkout?' } });
    const item = page.getByRole('link', { name: /Lina Berg/ });
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByLabel('1 unread').count()).toBe(1);
    expect(await item.textContent()).toContain('Can I get a late checkout?');
    for (const label of ['Location', 'Status', 'Assigned to me', 'Unread only']) expect(await page.getByLabel(label).count(), label).toBe(1);
    await expectAccessible(page, 'the inbox');
    await saveScreenshot(page, 'inbox');

    // keyboard: focus the list and open the conversation with Enter
    await item.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/inbox/chats/${sessionId}`);
    await expect.poll(() => page.getByRole('log').getByText('Can I get a late checkout?').count()).toBe(1);
    // viewing marks the guest's message read: the guest's socket hears it
    await guest.next((e) => e.chatMessage?.localId === 'g-1' && e.chatMessage.read !== null, 'the read receipt');

    // a guest app repeats its typing indicator while the guest types (it is relayed, never stored)
    await expect
      .poll(() => {
        guest.send({ type: 'typingIndicator', typingIndicator: { timeout: 20 } });
        return page.getByText('Lina Berg is typing…').count();
      })
      .toBe(1);

    const box = page.getByLabel('Message to the guest');
    await box.fill('Of course, until 14:00.');
    await guest.next((e) => e.type === 'typingIndicator' && e.typingIndicator?.author === 'hotel', "the agent's typing");
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = await guest.next((e) => e.chatMessage?.author === 'hotel', "the agent's answer");
    expect(answer.chatMessage).toMatchObject({ content: 'Of course, until 14:00.', authorName: 'Anna' });
    await expect.poll(() => page.getByRole('log').getByText('Of course, until 14:00.').count()).toBe(1);

    guest.send({ type: 'chatMessage', chatMessage: { localId: 'g-2', contentType: 'text/plain', content: 'Thank you!' } });
    await expect.poll(() => page.getByRole('log').getByText('Thank you!').count()).toBe(1);
    await expect.poll(() => page.getByText('Lina Berg is typing…').count()).toBe(0);

    await page.getByLabel('Assigned to').selectOption({ label: 'Anna' });
    await page.getByLabel('New internal note').fill('Gold member, offer a free late checkout');
    await page.getByRole('button', { name: 'Add note' }).click();
    // Look in the notes' list items: a React-controlled textarea carries its value as text too.
    const chatNotes = page.getByRole('region', { name: 'Internal notes' }).getByRole('listitem');
    await expect.poll(() => chatNotes.filter({ hasText: 'Gold member, offer a free late checkout' }).count()).toBe(1);
    expect(JSON.stringify(guest.events)).not.toContain('Gold member');
    await expectAccessible(page, 'a chat');
    await saveScreenshot(page, 'inbox-chat');

    // assigned to me: the chat is in my list
    await page.goto(`${t.baseUrl}/inbox`);
    await page.getByLabel('Assigned to me').check();
    await expect.poll(() => page.getByRole('link', { name: /Lina Berg/ }).count()).toBe(1);

    const phone = await newPage(browser, PHONE);
    await signInAsAgent(phone.context);
    await phone.page.goto(`${t.baseUrl}/inbox`);
    await expect.poll(() => phone.page.getByRole('link', { name: /Lina Berg/ }).count()).toBe(1);
    await expectAccessible(phone.page, 'the inbox at 360 px');
    await saveScreenshot(phone.page, 'inbox');
    await phone.page.goto(`${t.baseUrl}/inbox/chats/${sessionId}`);
    await expect.poll(() => phone.page.getByRole('log').getByText('Thank you!').count()).toBe(1);
    expect(await phone.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await expectAccessible(phone.page, 'a chat at 360 px');
    await saveScreenshot(phone.page, 'inbox-chat');
    await phone.context.close();
    await context.close();
  });

  it("answers, notes, assigns, closes and reopens a request; the note never reaches the guest's loop page", async () => {
    const { context, page } = await newPage(browser);
    await signInAsAgent(context);
    await page.goto(`${t.baseUrl}/inbox`);
    await expect.poll(() => page.getByRole('heading', { name: 'Inbox' }).count()).toBe(1);

    const opened = await loopCall(t, h.loopToken, 'POST', 'loops', {
      location: 'sea',
      loopType: 'housekeeping',
      description: 'The minibar is empty',
      user: { name: 'Ola Nord' },
    });
    expect(opened.statusCode, opened.body).toBe(200);
    const loopPage = opened.json().url as string;
    const item = page.getByRole('link', { name: /Ola Nord/ });
    await expect
      .poll(() => item.count(), { timeout: 10_000 })
      .toBe(1)
      .catch(async (err) => {
        console.log('DEBUG', await page.locator('main').innerText());
        throw err;
      });
    await item.click();
    await expect.poll(() => page.getByRole('heading', { name: 'The minibar is empty' }).count()).toBe(1);
    // the type's name comes with the loop types, loaded beside the request
    await expect.poll(() => page.getByText('Housekeeping').count()).toBeGreaterThan(0);

    await page.getByLabel('Reply to the guest').fill('We refill it within the hour.');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Activity' }).getByText('We refill it within the hour.').count()).toBe(1);
    await page.getByLabel('New internal note').fill('Charge the minibar to room 12');
    await page.getByRole('button', { name: 'Add note' }).click();
    // Look in the notes' list items: a React-controlled textarea carries its value as text too.
    const notes = page.getByRole('region', { name: 'Internal notes' }).getByRole('listitem');
    await expect.poll(() => notes.filter({ hasText: 'Charge the minibar to room 12' }).count()).toBe(1);
    expect(await notes.filter({ hasText: 'Charge the minibar to room 12' }).innerText()).toContain('Anna ·');
    await page.getByLabel('Assigned to').selectOption({ label: 'Bo' });
    await expect
      .poll(
        async () =>
          (
            await t.app.inject({
              url: `/admin/v1${new URL(page.url()).pathname.replace('/inbox', '')}/assignee`,
              headers: { authorization: `Bearer ${h.adminToken}` },
            })
          ).json().assigneeId,
      )
      .not.toBeNull();

    await page.getByRole('button', { name: 'Close request' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Reopen request' }).count()).toBe(1);
    expect(await page.getByText('Closed', { exact: true }).count()).toBeGreaterThan(0);
    await expectAccessible(page, 'a request');
    await saveScreenshot(page, 'inbox-request');
    await page.getByRole('button', { name: 'Reopen request' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Close request' }).count()).toBe(1);

    const guestView = await newPage(browser, PHONE);
    await guestView.page.goto(loopPage);
    await expect.poll(() => guestView.page.getByText('The minibar is empty').count()).toBeGreaterThan(0);
    expect(await guestView.page.content()).not.toContain('room 12');
    await guestView.context.close();
    await context.close();
  });

  it('does not show an agent the requests of a location they are not subscribed to, in the list, by URL or through the API', async () => {
    const open = async (location: string, name: string) => {
      const res = await loopCall(t, h.loopToken, 'POST', 'loops', { location, loopType: 'housekeeping', description: `Towels for ${name}`, user: { name } });
      expect(res.statusCode, res.body).toBe(200);
      const list = await t.app.inject({ url: '/admin/v1/requests', headers: { authorization: `Bearer ${h.adminToken}` } });
      return (list.json().requests as Array<{ id: number; description: string }>).find((r) => r.description === `Towels for ${name}`)!.id;
    };
    const csrfHeaders = async (context: BrowserContext) => ({
      'x-csrf-token': (await (await context.request.get(`${t.baseUrl}/admin/v1/session`)).json()).csrfToken as string,
    });
    const atHill = await open('hill', 'Ulla Hill');
    await open('sea', 'Pia Sea');
    const { context, page } = await newPage(browser);
    await signInAsAgent(context);
    await page.goto(`${t.baseUrl}/inbox`);
    await expect.poll(() => page.getByRole('link', { name: /Pia Sea/ }).count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByRole('link', { name: /Ulla Hill/ }).count()).toBe(0);
    // asking for Hill by its id lists nothing
    const hillInbox = await context.request.get(`${t.baseUrl}/admin/v1/inbox?locationId=${h.hill}`);
    expect(hillInbox.status()).toBe(200);
    expect((await hillInbox.json()).items).toEqual([]);
    for (const path of [`/requests/${atHill}`, `/requests/${atHill}/notes`, `/requests/${atHill}/assignee`]) {
      const res = await context.request.get(`${t.baseUrl}/admin/v1${path}`);
      expect(res.status(), path).toBe(404);
    }
    const read = await context.request.post(`${t.baseUrl}/admin/v1/requests/${atHill}/read`, { data: {}, headers: await csrfHeaders(context) });
    expect(read.status()).toBe(404);
    // the owner's admin token sees both
    const all = await t.app.inject({ url: '/admin/v1/inbox', headers: { authorization: `Bearer ${h.adminToken}` } });
    expect(all.body).toContain('Ulla Hill');

    await page.goto(`${t.baseUrl}/inbox/requests/${atHill}`);
    await expect.poll(() => page.getByRole('alert').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.locator('main').innerText()).not.toContain('Towels for Ulla Hill');
    await expectAccessible(page, 'a request out of reach');
    await saveScreenshot(page, 'inbox-out-of-scope');
    await context.close();
  });

  it("shows a guest's photo in the chat as an image with alt text, live, through its signed link", async () => {
    const { sessionId, guest, key } = await guestChat('Nils Foto');
    guest.send({ type: 'chatMessage', chatMessage: { localId: 'n-1', contentType: 'text/plain', content: 'The shower is broken, look:' } });
    const { context, page } = await newPage(browser);
    await signInAsAgent(context);
    await page.goto(`${t.baseUrl}/inbox/chats/${sessionId}`);
    await expect.poll(() => page.getByRole('log').getByText('The shower is broken, look:').count(), { timeout: 10_000 }).toBe(1);

    // the guest's stay page uploads the photo (multipart, field "photo"); the console shows it live
    const boundary = '----openstay-photo';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="shower.png"\r\nContent-Type: image/png\r\n\r\n`),
      PNG,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const uploaded = await t.app.inject({
      method: 'POST',
      url: `/g/chat/${key}/photos`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const image = page.getByRole('log').getByRole('img', { name: 'Photo sent by Nils Foto' });
    await expect.poll(() => image.count(), { timeout: 10_000 }).toBe(1);
    expect(await image.getAttribute('src')).toMatch(/^\/g\/media\/[\w-]{22}\?exp=\d+&sig=[\w-]{22}$/);
    // the browser loaded it (a signed link the server answers), and after a reload it is still there
    await expect.poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
    await page.reload();
    await expect.poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: 10_000 }).toBe(1);
    await expectAccessible(page, 'a chat with a photo');
    await saveScreenshot(page, 'inbox-chat-photo');
    await context.close();
  });
});
