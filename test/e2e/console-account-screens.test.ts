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

  it('invites a staff member from /settings/staff, lists them, and the activity log shows who did it', async () => {
    const { context, page } = await openConsole(browser, t, who);
    await page.goto(`${t.baseUrl}/settings/staff`);
    await waitForHeading(page, 'Staff and roles', 2);
    await eventually(() => page.getByRole('cell', { name: `owner-${who.account.slug}@example.test`, exact: true }).count()).toBe(1);
    const invite = page.getByRole('form', { name: 'Invite a staff member' });
    await invite.getByLabel('E-mail').fill('ben@hotel.test');
    await invite.getByLabel('Name').fill('Ben Agent');
    await invite.getByLabel('Role').selectOption('agent');
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await eventually(() => page.getByRole('cell', { name: 'ben@hotel.test', exact: true }).count()).toBe(1);
    expect(await page.getByLabel('Role of ben@hotel.test').inputValue()).toBe('agent');
    expect(await invite.getByText('One-time sign-in link').count()).toBe(1);
    const staff = (await adminCall(() => t)(who.adminToken, 'GET', '/staff')).json();
    expect(staff.staff.map((s: { email: string }) => s.email)).toContain('ben@hotel.test');

    await page.goto(`${t.baseUrl}/audit`);
    await waitForHeading(page, 'Activity log', 1);
    const row = page.getByRole('row', { name: /staff\.create/ });
    await eventually(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('Olive Owner');
    expect(await page.getByRole('alert').count()).toBe(0);
    await context.close();
  });

  it('sets the retention on /settings/account, where a value out of range is not sent', async () => {
    const { context, page } = await openConsole(browser, t, who);
    await page.goto(`${t.baseUrl}/settings/account`);
    const form = page.getByRole('form', { name: 'Retention' });
    await eventually(() => form.getByText('No retention pass has run yet.').count()).toBe(1);
    const months = form.getByLabel('Erase guests with no activity for (months)');
    await months.fill('1');
    await form.getByRole('button', { name: 'Save' }).click();
    // the browser's own check (min 3) stops the form: the field says why, nothing is saved
    expect(await months.evaluate('(input) => input.validationMessage')).not.toBe('');
    expect(await form.getByRole('status').count()).toBe(0);
    expect((await adminCall(() => t)(who.adminToken, 'GET', '/retention')).json().guestRetentionMonths).toBeNull();
    await form.getByLabel('Erase guests with no activity for (months)').fill('24');
    await form.getByLabel('Delete chat messages and photos older than (days)').fill('90');
    await form.getByRole('button', { name: 'Save' }).click();
    await eventually(() => form.getByRole('status').count()).toBe(1);
    const retention = (await adminCall(() => t)(who.adminToken, 'GET', '/retention')).json();
    expect(retention).toMatchObject({ guestRetentionMonths: 24, chatRetentionDays: 90, deliveryLogDays: null });
    await page.reload();
    expect(await page.getByRole('form', { name: 'Retention' }).getByLabel('Delete chat messages and photos older than (days)').inputValue()).toBe('90');
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
        await waitForHeading(page, 'Activity log', 1);
        await eventually(() => page.getByRole('row').count()).toBeGreaterThan(1);
      },
    ],
  ] as const)('shows %s accessibly at desktop and 360 px widths', async (path, name, ready) => {
    await checkScreen(browser, t, who, path, name, ready);
  });
});
