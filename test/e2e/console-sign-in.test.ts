import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/database.js';
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

describe.skipIf(browserMissing)(`the console's sign-in screen (${browserMissing ? BROWSER_MISSING_REASON : 'Chromium'})`, () => {
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
});
