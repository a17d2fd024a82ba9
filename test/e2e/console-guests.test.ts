import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall } from '../helpers/admin.js';
import { createTestAccount } from '../helpers/app.js';
import { BROWSER_MISSING_REASON, browserMissing, expectAccessible, launchBrowser, type ServedApp, serveTestApp } from '../helpers/browser.js';
import { dialects } from '../helpers/database.js';
import { checkScreen, type ConsoleAccount, eventually, openConsole, waitForHeading } from './console-screens-helpers.js';

describe.skipIf(browserMissing)(`the console's guest screens (${browserMissing ? BROWSER_MISSING_REASON : 'Chromium'})`, () => {
  let browser: Browser;
  let t: ServedApp;
  let who: ConsoleAccount;
  let ada: number;
  let other: number;
  beforeAll(async () => {
    browser = await launchBrowser();
    t = await serveTestApp(dialects()[0]);
    who = await createTestAccount(t);
    const admin = (body: unknown) => adminCall(() => t)(who.adminToken, 'POST', '/guests', body);
    ada = (await admin({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.test', mobile: '+34600111222', key: 'pms:R-1' })).json().guest.id;
    other = (await admin({ name: 'A. Lovelace', email: 'ada.l@example.test', key: 'pms:R-2' })).json().guest.id;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('finds guests by name, e-mail or phone and shows a profile with its identifiers and keys', async () => {
    const { context, page } = await openConsole(browser, t, who);
    await page.goto(`${t.baseUrl}/guests`);
    await page.getByLabel('Name, e-mail or phone').fill('lovelace');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(() => page.getByRole('link', { name: /Lovelace/ }).count()).toBe(2);
    expect(new URL(page.url()).search).toBe('?q=lovelace');
    await page.getByLabel('Name, e-mail or phone').fill('+34 600 111 222');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(() => page.getByRole('link', { name: /Lovelace/ }).count()).toBe(1);
    await page.getByRole('link', { name: 'Ada Lovelace' }).click();
    await waitForHeading(page, 'Ada Lovelace', 1);
    expect(new URL(page.url()).pathname).toBe(`/guests/${ada}`);
    const identifiers = page.locator('.card', { has: page.getByRole('heading', { name: 'Identifiers' }) });
    await eventually(() => identifiers.textContent()).toContain('ada@example.test — arrivals with this value find this guest');
    expect(await identifiers.textContent()).toContain('+34600111222');
    expect(await page.getByRole('button', { name: 'Split off pms:R-1' }).count()).toBe(1);
    // The timeline endpoint is built in parallel: until it is here the card says so, never an error.
    const timeline = page.locator('.card', { has: page.getByRole('heading', { name: 'Timeline' }) });
    await eventually(async () => (await timeline.getByRole('status').count()) + (await timeline.locator('ol.timeline li').count())).toBeGreaterThan(0);
    expect(await timeline.getByRole('alert').count()).toBe(0);
    await context.close();
  });

  it('merges another guest into the profile by keyboard, then splits its key off again', async () => {
    const { context, page } = await openConsole(browser, t, who);
    await page.goto(`${t.baseUrl}/guests/${ada}`);
    await waitForHeading(page, 'Ada Lovelace', 1);
    await page.getByRole('button', { name: 'Merge with another guest' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Merge another guest into Ada Lovelace' });
    await eventually(() => dialog.isVisible()).toBe(true);
    await dialog.getByLabel("Other guest's name, e-mail or phone").fill('ada.l@example.test');
    await page.keyboard.press('Enter');
    await dialog.getByRole('radio', { name: /A\. Lovelace/ }).check();
    await expectAccessible(page, 'the merge dialog');
    await dialog.getByRole('button', { name: 'Merge' }).click();
    await eventually(() => dialog.isVisible()).toBe(false);
    await eventually(() => page.getByRole('button', { name: 'Split off pms:R-2' }).count()).toBe(1);
    expect(await page.getByText(`Guest #${other} merged in on`).count()).toBe(1);
    const merged = (await adminCall(() => t)(who.adminToken, 'GET', `/guests/${other}`)).json();
    expect(merged).toMatchObject({ id: ada, requestedId: other });

    await page.getByRole('button', { name: 'Split off pms:R-2' }).click();
    const split = page.getByRole('dialog', { name: 'Split off a key' });
    await split.getByRole('button', { name: 'Split off' }).click();
    await eventually(() => new URL(page.url()).pathname).toBe(`/guests/${other}`);
    await waitForHeading(page, 'A. Lovelace', 1);
    await context.close();
  });

  it('shows the guest search accessibly at desktop and 360 px widths', async () => {
    await checkScreen(browser, t, who, '/guests?q=lovelace', 'guests', async (page) => {
      await eventually(() => page.getByRole('link', { name: /Lovelace/ }).count()).toBeGreaterThan(0);
    });
  });

  it('shows the guest profile accessibly at desktop and 360 px widths', async () => {
    await checkScreen(browser, t, who, `/guests/${ada}`, 'guest-profile', async (page) => {
      await waitForHeading(page, 'Ada Lovelace', 1);
      await eventually(() => page.getByText('Loading…').count()).toBe(0);
    });
  });
});
