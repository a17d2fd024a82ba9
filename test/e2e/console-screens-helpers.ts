import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { consoleWithAdminToken, DESKTOP, expectAccessible, newPage, PHONE, type ServedApp, saveScreenshot } from '../helpers/browser.js';

export interface ConsoleAccount {
  account: { id: number; slug: string; name: string };
  adminToken: string;
}

/**
 * A page in the console as the account's owner. The ONE place the screens' tests get into the
 * console: until staff sign-in is on main it routes the admin API through the admin token
 * (consoleWithAdminToken); after the merge it signs a staff owner in for real instead.
 */
export async function openConsole(browser: Browser, app: ServedApp, who: ConsoleAccount, viewport = DESKTOP) {
  const { context, page } = await newPage(browser, viewport);
  await consoleWithAdminToken(context, app.baseUrl, who.adminToken, {
    staff: {
      id: 1,
      email: 'owner@example.test',
      name: 'Olive Owner',
      role: 'owner',
      permissions: ['create', 'comment', 'close'],
      locationIds: [],
      hasPassword: true,
    },
    account: { id: who.account.id, slug: who.account.slug, name: who.account.name },
    csrfToken: 'console-screens-test',
  });
  return { context, page };
}

/** Waits until the page shows a heading with this name. */
export async function waitForHeading(page: Page, name: string | RegExp, level?: number): Promise<void> {
  await eventually(() => page.getByRole('heading', { name, level }).count()).toBeGreaterThan(0);
}

/**
 * Opens `path` at desktop and phone widths, waits for `ready`, checks accessibility (no serious
 * axe violation) and that nothing is wider than the phone, and saves a screenshot of each.
 */
export async function checkScreen(browser: Browser, app: ServedApp, who: ConsoleAccount, path: string, name: string, ready: (page: Page) => Promise<void>) {
  for (const viewport of [DESKTOP, PHONE]) {
    const { context, page } = await openConsole(browser, app, who, viewport);
    await page.goto(`${app.baseUrl}${path}`);
    await ready(page);
    await expectAccessible(page, `${name} at ${viewport.width} px`);
    if (viewport === PHONE) {
      const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
      expect(overflow, `${name} is wider than ${PHONE.width} px`).toBeLessThanOrEqual(0);
    }
    await saveScreenshot(page, name);
    await context.close();
  }
}

/** expect.poll with a timeout for a loaded machine (a screen's first load can take seconds there). */
export function eventually<T>(fn: () => T | Promise<T>) {
  return expect.poll(fn, { timeout: 20_000, interval: 100 });
}
