import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall } from '../helpers/admin.js';
import { createTestAccount } from '../helpers/app.js';
import { BROWSER_MISSING_REASON, browserMissing, launchBrowser, type ServedApp, serveTestApp } from '../helpers/browser.js';
import { dialects } from '../helpers/database.js';
import { checkScreen, type ConsoleAccount, eventually, openConsole, waitForHeading } from './console-screens-helpers.js';

describe.skipIf(browserMissing)(`the console's account settings, staff and activity log (${browserMissing ? BROWSER_MISSING_REASON : 'Chromium'})`, () => {
  let browser: Browser;
  let t: ServedApp;
  let who: ConsoleAccount;
  beforeAll(async () => {
    browser = await launchBrowser();
    t = await serveTestApp(dialects()[0]);
    who = await createTestAccount(t);
    const admin = (method: string, url: string, body?: unknown) => adminCall(() => t)(who.adminToken, method, url, body);
    await admin('POST', '/identity/blocklist', { pattern: 'noemail@*' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('tells staff and audit are not on this server yet (the endpoints answer 404) instead of failing', async () => {
    const { context, page } = await openConsole(browser, t, who);
    await page.goto(`${t.baseUrl}/settings/staff`);
    await eventually(() => page.getByRole('status').first().textContent()).toContain('Staff sign-in is not available on this server yet');
    await page.goto(`${t.baseUrl}/audit`);
    await eventually(() => page.getByRole('status').first().textContent()).toContain('The activity log is not available on this server yet');
    expect(await page.getByRole('alert').count()).toBe(0);
    await context.close();
  });

  const loaded = (heading: string, text: string) => async (page: Page) => {
    await waitForHeading(page, heading, 2);
    await eventually(() => page.getByText(text).count()).toBeGreaterThan(0);
    await eventually(() => page.getByText('Loading…').count()).toBe(0);
  };
  it.each([
    ['/settings/account', 'settings-account', loaded('Account', 'noemail@*')],
    ['/settings/api-clients', 'settings-api-clients', loaded('API clients and tokens', 'Issue an API token')],
    [
      '/audit',
      'audit',
      async (page: Page) => {
        await eventually(() => page.getByRole('status').count()).toBeGreaterThan(0);
      },
    ],
  ] as const)('shows %s accessibly at desktop and 360 px widths', async (path, name, ready) => {
    await checkScreen(browser, t, who, path, name, ready);
  });
});
