import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/database.js';
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
  STAFF_PASSWORD,
  serveTestApp,
} from '../helpers/browser.js';

describe.skipIf(browserMissing)(`the console's sign-in screen (${browserMissing ? BROWSER_MISSING_REASON : 'Chromium'})`, () => {
  let browser: Browser;
  let t: ServedApp;
  beforeAll(async () => {
    browser = await launchBrowser();
    t = await serveTestApp(dialects()[0]);
    const { account } = await createTestAccount(t);
    await createStaffMember(t, account.id, { email: 'maria@hotel.test', name: 'Maria', role: 'manager', permissions: ['create', 'comment', 'close'] });
    await createStaffMember(t, account.id, { email: 'lars@hotel.test', name: 'Lars', role: 'agent', permissions: ['comment'] });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('sends a visitor without a session to sign-in, with every control labelled, at desktop and phone widths', async () => {
    for (const viewport of [undefined, PHONE]) {
      const { context, page } = await newPage(browser, viewport);
      await page.goto(`${t.baseUrl}/inbox`);
      await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
      await expect.poll(() => page.getByRole('heading', { name: 'Sign in to Openstay' }).count()).toBe(1);
      expect(await page.getByLabel('E-mail').count()).toBe(1);
      expect(await page.getByLabel('Password').count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Sign in' }).count()).toBe(1);
      await expectAccessible(page, 'the sign-in screen');
      await saveScreenshot(page, 'sign-in');
      await context.close();
    }
  });

  it('signs in through the screen, lands in the inbox, and signs out back to the sign-in screen', async () => {
    const { context, page } = await newPage(browser);
    await page.goto(`${t.baseUrl}/inbox`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    await page.getByLabel('E-mail').fill('maria@hotel.test');
    await page.getByLabel('Password').fill(STAFF_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Inbox' }).count(), { timeout: 15_000 }).toBe(1);
    expect(new URL(page.url()).pathname).toBe('/inbox');
    // the session is a cookie: a reload stays signed in
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { name: 'Inbox' }).count(), { timeout: 15_000 }).toBe(1);
    await expectAccessible(page, 'the inbox after sign-in');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to Openstay' }).count()).toBe(1);
    // signed out for real: the API refuses the old cookie and the console sends the visitor back
    expect((await context.request.get(`${t.baseUrl}/admin/v1/session`)).status()).toBe(401);
    await page.goto(`${t.baseUrl}/inbox`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    await context.close();
  });

  it('tells a wrong password apart from a lockout after repeated failures, and the right password is refused while locked', async () => {
    const { context, page } = await newPage(browser);
    await page.goto(`${t.baseUrl}/sign-in`);
    await page.getByLabel('E-mail').fill('lars@hotel.test');
    const alert = page.getByRole('alert');
    /** Presses Sign in and waits for the server's answer (its status). */
    const signInOnce = async () => {
      const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/admin/v1/session' && r.request().method() === 'POST');
      await page.getByRole('button', { name: 'Sign in' }).click();
      return (await answered).status();
    };
    for (let attempt = 1; attempt <= 5; attempt++) {
      await page.getByLabel('Password').fill(`wrong ${attempt}`);
      expect(await signInOnce(), `attempt ${attempt}`).toBe(401);
      await expect.poll(() => alert.textContent()).toContain('E-mail or password is wrong.');
    }
    await page.getByLabel('Password').fill(STAFF_PASSWORD);
    expect(await signInOnce()).toBe(429);
    await expect.poll(() => alert.textContent()).toMatch(/Too many failed attempts\. Try again in \d+ minutes\./);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await expectAccessible(page, 'the lockout message');
    await saveScreenshot(page, 'sign-in-locked');
    await context.close();
  });
});
