import type { Browser } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPoints } from '../../src/core/loyalty/ledger.js';
import { ensureMember } from '../../src/core/loyalty/members.js';
import { adminCall } from '../helpers/admin.js';
import { createTestAccount } from '../helpers/app.js';
import { BROWSER_MISSING_REASON, browserMissing, expectAccessible, launchBrowser, type ServedApp, serveTestApp } from '../helpers/browser.js';
import { dialects } from '../helpers/database.js';
import { createPlace, seedGuest } from '../helpers/guest-rows.js';
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
    await eventually(() => page.getByRole('button', { name: 'Split off pms:R-1' }).count()).toBe(1);
    await context.close();
  });

  it("shows a guest's timeline across faces, exports the guest's data as JSON and erases the guest", async () => {
    const db = t.database.db;
    const place = await createPlace(db, who.account.id, 'Harbour');
    const grace = (await seedGuest(db, who.account.id, place, 'grace', { name: 'Grace Hopper', email: 'grace@example.test' })).guestId;
    await ensureMember(db, who.account.id, grace, Date.now());
    await db.updateTable('loyalty_members').set({ enrolled_at: Date.now() }).where('account_id', '=', who.account.id).where('guest_id', '=', grace).execute();
    await db.transaction().execute((trx) => addPoints(trx, who.account.id, grace, { points: 120, levelPoints: 120, concept: 'Welcome' }, Date.now()));

    const { context, page } = await openConsole(browser, t, who);
    await page.goto(`${t.baseUrl}/guests/${grace}`);
    await waitForHeading(page, 'Grace Hopper', 1);
    const timeline = page.locator('.card', { has: page.getByRole('heading', { name: 'Timeline' }) });
    await eventually(() => timeline.locator('ol.timeline li').count()).toBeGreaterThan(3);
    const text = await timeline.textContent();
    for (const line of ['+120 points: Welcome', 'Request: request of grace (open)', 'Stay ', 'Survey answered']) expect(text, line).toContain(line);
    expect(await timeline.getByRole('alert').count()).toBe(0);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export data' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`guest-${grace}.json`);
    const exported = JSON.parse(readFileSync(await file.path(), 'utf8'));
    expect(exported.guest).toMatchObject({ id: grace, email: 'grace@example.test' });
    expect(exported.exportedAt).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Erase guest' }).click();
    const dialog = page.getByRole('dialog', { name: 'Erase this guest?' });
    await eventually(() => dialog.isVisible()).toBe(true);
    await expectAccessible(page, 'the erase dialog');
    await dialog.getByRole('button', { name: 'Erase', exact: true }).click();
    // a loyalty member with points: refused first, then erased with the balance on purpose
    await eventually(() => dialog.getByRole('alert').textContent()).toContain('balance');
    await dialog.getByRole('button', { name: 'Erase with the loyalty balance' }).click();
    await eventually(() => new URL(page.url()).pathname).toBe('/guests');
    expect((await adminCall(() => t)(who.adminToken, 'GET', `/guests/${grace}`)).statusCode).toBe(404);
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
    await eventually(() => page.getByText(`Guest #${other} merged in on`).count()).toBe(1);
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
