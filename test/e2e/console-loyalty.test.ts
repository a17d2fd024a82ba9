import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findGuest } from '../../src/core/guests/guests.js';
import { signIn } from '../../src/core/loyalty/membership.js';
import { inWriteTransaction } from '../../src/db/write-transaction.js';
import { adminCall } from '../helpers/admin.js';
import { createTestAccount } from '../helpers/app.js';
import { BROWSER_MISSING_REASON, browserMissing, launchBrowser, type ServedApp, serveTestApp } from '../helpers/browser.js';
import { dialects } from '../helpers/database.js';
import { checkScreen, type ConsoleAccount, eventually, openConsole, waitForHeading } from './console-screens-helpers.js';

describe.skipIf(browserMissing)(`the console's loyalty screens (${browserMissing ? BROWSER_MISSING_REASON : 'Chromium'})`, () => {
  let browser: Browser;
  let t: ServedApp;
  let who: ConsoleAccount;
  let member: number;
  beforeAll(async () => {
    browser = await launchBrowser();
    t = await serveTestApp(dialects()[0]);
    who = await createTestAccount(t);
    const admin = adminCall(() => t);
    member = (await admin(who.adminToken, 'POST', '/guests', { firstName: 'Mia', lastName: 'Member', email: 'mia@example.test' })).json().guest.id;
    await inWriteTransaction(t.database.db, async (trx) =>
      signIn(trx, who.account.id, (await findGuest(trx, who.account.id, member))!, { passwordHash: 'x', sendActivationEmail: false, sendWelcomeEmail: false }),
    );
    await admin(who.adminToken, 'POST', '/loyalty/levels', { name: 'Silver', minLevelPoints: 100 });
    await admin(who.adminToken, 'POST', '/loyalty/products', { title: 'Spa afternoon', points: 80 });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('adds points, then redeems some with a reason; the balance, the lot and both operations show', async () => {
    const { context, page } = await openConsole(browser, t, who);
    await page.goto(`${t.baseUrl}/loyalty`);
    await page.getByLabel('Name or e-mail').fill('mia');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Mia Member' }).click();
    await waitForHeading(page, 'Mia Member', 1);
    expect(new URL(page.url()).pathname).toBe(`/loyalty/members/${member}`);
    await eventually(() => page.getByTestId('balance').textContent()).toBe('0 points');

    await page.getByLabel('Points', { exact: true }).fill('150');
    await page.getByLabel('Reason').fill('Apology for the noisy room');
    await page.getByRole('button', { name: 'Add points' }).click();
    await eventually(() => page.getByTestId('balance').textContent()).toBe('150 points');

    await page.getByRole('radio', { name: 'Redeem points' }).check();
    await page.getByLabel('Points', { exact: true }).fill('500');
    await page.getByLabel('Reason').fill('Too much');
    await page.getByRole('button', { name: 'Redeem points' }).click();
    await eventually(() => page.getByRole('alert').textContent()).toContain('Something went wrong');
    expect(await page.getByTestId('balance').textContent()).toBe('150 points');

    await page.getByLabel('Points', { exact: true }).fill('80');
    await page.getByLabel('Reason').fill('Spa afternoon at the desk');
    await page.getByRole('button', { name: 'Redeem points' }).click();
    await eventually(() => page.getByTestId('balance').textContent()).toBe('70 points');
    const operations = page.getByRole('table', { name: 'Operations' });
    await eventually(() => operations.getByRole('row').count()).toBe(3);
    const rows = await operations.getByRole('row').allTextContents();
    expect(rows[1]).toContain('Redeemed');
    expect(rows[1]).toContain('Spa afternoon at the desk');
    expect(rows[2]).toContain('Added');
    expect(rows[2]).toContain('Apology for the noisy room');
    expect(await page.getByText('Silver').count()).toBe(1);
    expect(await page.getByRole('cell', { name: '70 / 150' }).count()).toBe(1);
    await context.close();
  });

  it('shows the loyalty screen accessibly at desktop and 360 px widths', async () => {
    await checkScreen(browser, t, who, '/loyalty', 'loyalty', async (page) => {
      await eventually(() => page.getByRole('link', { name: 'Mia Member' }).count()).toBe(1);
      await eventually(() => page.getByText('Spa afternoon: 80 points').count()).toBe(1);
    });
  });

  it('shows a member accessibly at desktop and 360 px widths', async () => {
    await checkScreen(browser, t, who, `/loyalty/members/${member}`, 'loyalty-member', async (page) => {
      await waitForHeading(page, 'Mia Member', 1);
    });
  });
});
