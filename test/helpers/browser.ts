import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Dialect } from '../../src/db/database.js';
import { createStaff, hashStaffPassword, type StaffInput, type StaffMember, storeStaffPasswordHash } from '../../src/core/accounts/staff.js';
import { createTestApp, type TestApp } from './app.js';

/*
 * Browser tests: Debian's Chromium (apt-get install chromium; .ci/run installs it when missing)
 * driven by playwright-core, headless, with the flags this machine needs (its network is closed:
 * without the background-networking flags Chromium keeps trying Google's hosts).
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether browser tests can run here (use with describe.skipIf and this reason). */
export const browserMissing = !existsSync(CHROMIUM_PATH);
export const BROWSER_MISSING_REASON = `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`;

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium with a fresh profile (Playwright gives every launch a new user-data dir). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

/**
 * A page in a context of its own (its own cookies). `bypassCSP` lets the accessibility check
 * inject axe-core; the pages' own CSP is tested by the HTTP tests. With `ownCsp` the page's CSP
 * applies (a script or socket it refuses breaks the page), and expectAccessible cannot run on it.
 */
export async function newPage(browser: Browser, viewport = DESKTOP, { ownCsp = false } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, bypassCSP: !ownCsp, locale: 'en-US' });
  const page = await context.newPage();
  return { context, page };
}

export interface ServedApp extends TestApp {
  /** http://127.0.0.1:<port>, also the app's PUBLIC_URL */
  baseUrl: string;
}

/**
 * A test app listening on loopback, with PUBLIC_URL its real address (links, the socket URL of
 * realtime tickets and the pages' CSP name it). The port is one the system had free a moment ago.
 */
export async function serveTestApp(dialect: Dialect, env: Record<string, string> = {}): Promise<ServedApp> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const t = await createTestApp(dialect, { PUBLIC_URL: baseUrl, ...env });
  await t.app.listen({ host: '127.0.0.1', port });
  return { ...t, baseUrl };
}

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page as it is now; fails on any serious or critical violation. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the page's globals (axe is the one the script above defines)
    const page = globalThis as any;
    const result = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return (result.violations as Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }>).map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `accessibility of ${what}`).toEqual([]);
}

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');

/** Saves a full-page screenshot as test-results/screenshots/<name>-<width>.png (kept by CI runs, not committed). */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
}

/** The password of the staff members browser tests sign in with. */
export const STAFF_PASSWORD = 'correct horse battery';

/**
 * Signs `context` in to the console as the staff member with this e-mail, through the API the
 * sign-in screen calls (the session cookie lands in the context's cookie jar). The sign-in screen
 * itself is tested on its own (test/e2e/console-sign-in.test.ts).
 */
export async function signInToConsole(context: BrowserContext, baseUrl: string, email: string, password = STAFF_PASSWORD): Promise<void> {
  const res = await context.request.post(`${baseUrl}/admin/v1/session`, { data: { email, password } });
  if (res.status() !== 201) throw new Error(`sign-in of ${email}: ${res.status()} ${await res.text()}`);
}

/** A staff member of the account who can sign in with STAFF_PASSWORD (made in core). */
export async function createStaffMember(t: TestApp, accountId: number, input: StaffInput): Promise<StaffMember> {
  const staff = await createStaff(t.database.db, accountId, input, 'admin');
  await storeStaffPasswordHash(t.database.db, accountId, staff.id, await hashStaffPassword(STAFF_PASSWORD));
  return staff;
}
