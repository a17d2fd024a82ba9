import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { createStaffMember, DESKTOP, signInToConsole, expectAccessible, newPage, PHONE, type ServedApp, saveScreenshot } from '../helpers/browser.js';

export interface ConsoleAccount {
  account: { id: number; slug: string; name: string };
  adminToken: string;
}

/** The owner made for each account of each served app (files share this module: their account ids repeat). */
const owners = new WeakMap<ServedApp, Map<number, string>>();

/**
 * A page in the console as the account's owner (a staff owner made on first use, signed in for
 * real). The one place the screens' tests get into the console.
 */
export async function openConsole(browser: Browser, app: ServedApp, who: ConsoleAccount, viewport = DESKTOP) {
  const ofApp = owners.get(app) ?? new Map<number, string>();
  owners.set(app, ofApp);
  let email = ofApp.get(who.account.id);
  if (!email) {
    email = `owner-${who.account.slug}@example.test`;
    await createStaffMember(app, who.account.id, { email, name: 'Olive Owner', role: 'owner', permissions: ['create', 'comment', 'close'] });
    ofApp.set(who.account.id, email);
  }
  const { context, page } = await newPage(browser, viewport);
  await signInToConsole(context, app.baseUrl, email);
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
  // One signed-in page, loaded afresh at each width (a staff sign-in verifies a password hash: one is enough).
  const { context, page } = await openConsole(browser, app, who, DESKTOP);
  try {
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await page.goto(`${app.baseUrl}${path}`);
      await ready(page);
      await expectAccessible(page, `${name} at ${viewport.width} px`);
      if (viewport === PHONE) {
        const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
        expect(overflow, `${name} is wider than ${PHONE.width} px`).toBeLessThanOrEqual(0);
      }
      await saveScreenshot(page, name);
    }
  } finally {
    await context.close();
  }
}

/** expect.poll with a timeout for a loaded machine (a screen's first load can take seconds there). */
export function eventually<T>(fn: () => T | Promise<T>) {
  return expect.poll(fn, { timeout: 20_000, interval: 100 });
}
