import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall } from '../helpers/admin.js';
import { createTestAccount } from '../helpers/app.js';
import { BROWSER_MISSING_REASON, browserMissing, launchBrowser, type ServedApp, serveTestApp } from '../helpers/browser.js';
import { dialects } from '../helpers/database.js';
import { checkScreen, type ConsoleAccount, eventually, waitForHeading } from './console-screens-helpers.js';

describe.skipIf(browserMissing)(`the console's settings screens (${browserMissing ? BROWSER_MISSING_REASON : 'Chromium'})`, () => {
  let browser: Browser;
  let t: ServedApp;
  let who: ConsoleAccount;
  beforeAll(async () => {
    browser = await launchBrowser();
    t = await serveTestApp(dialects()[0]);
    who = await createTestAccount(t);
    const admin = (method: string, url: string, body?: unknown) => adminCall(() => t)(who.adminToken, method, url, body);
    await admin('POST', '/locations', { title: 'Harbour Hotel', shortcode: 'HH1', timezone: 'Europe/Madrid' });
    await admin('PUT', '/templates/welcome/email/en', { trigger: 'stay.checked_in', subject: 'Welcome', body: '<p>Hello</p>' });
    await admin('POST', '/rules', { name: 'Welcome mail', trigger: 'stay.checked_in', action: { type: 'email', template: 'welcome' } });
    await admin('POST', '/webhooks', { url: 'https://hooks.example.com/in', events: ['*'] });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const loaded = (heading: string, text: string) => async (page: Page) => {
    await waitForHeading(page, heading, 2);
    await eventually(() => page.getByText(text).count()).toBeGreaterThan(0);
    await eventually(() => page.getByText('Loading…').count()).toBe(0);
  };
  it.each([
    ['/settings/locations', 'settings-locations', loaded('Locations and chains', 'Harbour Hotel')],
    ['/settings/rules', 'settings-rules', loaded('Rules', 'Welcome mail')],
    ['/settings/webhooks', 'settings-webhooks', loaded('Webhooks', 'https://hooks.example.com/in')],
  ] as const)('shows %s accessibly at desktop and 360 px widths', async (path, name, ready) => {
    await checkScreen(browser, t, who, path, name, ready);
  });
});
