import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocation } from '../../src/core/locations/locations.js';
import { adminCall } from '../helpers/admin.js';
import { createTestAccount } from '../helpers/app.js';
import {
  BROWSER_MISSING_REASON,
  browserMissing,
  expectAccessible,
  launchBrowser,
  newPage,
  PHONE,
  type ServedApp,
  saveScreenshot,
  serveTestApp,
} from '../helpers/browser.js';
import { dialects } from '../helpers/database.js';
import { createLooponClient } from '../helpers/loopon.js';

/*
 * A guest chats from the stay page in a real browser (headless Debian Chromium, the page's own
 * CSP in force): the message reaches the staff through the admin API, and the staff's typing and
 * reply show up on the page live.
 */

describe.skipIf(browserMissing)(`the stay page in a browser (${browserMissing ? BROWSER_MISSING_REASON : 'Chromium'})`, () => {
  let browser: Browser;
  let t: ServedApp;
  beforeAll(async () => {
    browser = await launchBrowser();
    t = await serveTestApp(dialects()[0]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('sends a chat message and shows the staff reply live, at 360 px', async () => {
    const { account, adminToken } = await createTestAccount(t);
    const unit = (await createLocation(t.database.db, account.id, { title: { en: 'Sea Hotel Kattegat' } })).id;
    const headers = (await createLooponClient(t, account.id)).headers;
    const registered = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${unit}/stays`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify({
        name: 'Summer Smith',
        email: 'summer@example.com',
        status: 'instay',
        checkinDate: '2026-03-01',
        checkoutDate: '2099-03-03',
        room: '214',
      }),
    });
    expect(registered.statusCode, registered.body).toBe(200);
    const stay = registered.json();
    const sessionId = Number(
      (await t.database.db.selectFrom('chat_sessions').select('id').where('session_key', '=', stay.chatSession.sessionId).executeTakeFirstOrThrow()).id,
    );
    const admin = adminCall(() => t);

    // The page's own CSP applies here (no bypass): a refused script or socket would show up as a console error.
    const { context, page } = await newPage(browser, PHONE, { ownCsp: true });
    const problems: string[] = [];
    page.on('console', (msg) => {
      // the browser asks for /favicon.ico on its own; the pages have none
      if (msg.type() === 'error' && !msg.location().url.endsWith('/favicon.ico')) problems.push(`${msg.text()} ${msg.location().url}`);
    });
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(stay.url);
    await expect.poll(() => page.locator('#chat-status').textContent()).toBe('Connected');

    await page.getByLabel('Your message').fill('Could we get two more towels?');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect
      .poll(async () => (await admin(adminToken, 'GET', `/chat/sessions/${sessionId}/messages`)).json().messages.map((m: { content: string }) => m.content))
      .toContain('Could we get two more towels?');

    expect((await admin(adminToken, 'POST', `/chat/sessions/${sessionId}/typing`, { authorName: 'Rick at the desk' })).statusCode).toBeLessThan(300);
    await expect.poll(() => page.locator('#chat-typing').textContent()).toBe('Rick at the desk is typing…');
    const reply = await admin(adminToken, 'POST', `/chat/sessions/${sessionId}/messages`, {
      content: 'On their way! <b>Enjoy</b>',
      authorName: 'Rick at the desk',
    });
    expect(reply.statusCode, reply.body).toBe(201);
    const hotelBubble = page.locator('#chat-log li.hotel .bubble');
    await expect.poll(() => hotelBubble.last().textContent()).toBe('On their way! <b>Enjoy</b>');
    expect(await page.locator('#chat-typing').textContent()).toBe('');
    // the guest's own message is the server's now (its echo replaced the pending bubble)
    expect(await page.locator('#chat-log li.guest[data-pending]').count()).toBe(0);
    expect(await page.locator('#chat-log li.guest[data-id]').count()).toBe(1);
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await saveScreenshot(page, 'stay-page-chat');
    expect(problems).toEqual([]);
    await context.close();

    const checked = await newPage(browser, PHONE);
    await checked.page.goto(stay.url);
    await expectAccessible(checked.page, 'the stay page');
    await checked.context.close();
  });
});
