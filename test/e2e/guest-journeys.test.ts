import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveyLinkPath } from '../../src/core/accounts/survey-links.js';
import { createLocation } from '../../src/core/locations/locations.js';
import { writeContext } from '../../src/core/shared/write-context.js';
import { registerStay } from '../../src/core/stays/register-stay.js';
import { inWriteTransaction } from '../../src/db/write-transaction.js';
import { adminCall } from '../helpers/admin.js';
import { createTestAccount } from '../helpers/app.js';
import {
  BROWSER_MISSING_REASON,
  browserMissing,
  createStaffMember,
  launchBrowser,
  newPage,
  PHONE,
  type ServedApp,
  saveScreenshot,
  serveTestApp,
  signInToConsole,
} from '../helpers/browser.js';
import { dialects } from '../helpers/database.js';
import { loyaltyAccess } from '../helpers/fideltour.js';
import { addDocument, answers, createFeedbackFixture } from '../helpers/loopon-feedback-fixture.js';
import { createLooponClient } from '../helpers/loopon.js';

/*
 * The journeys that cross from a guest page to the console, each with two browser contexts (the
 * guest's, with the page's own CSP in force, and a staff member's): a chat from the stay page
 * answered from the inbox, a survey answer that moves the dashboard's NPS, and a redemption in
 * the loyalty portal that the console's member page shows. One dialect: the pages' HTTP tests run
 * on both.
 */

/** Waits (polling, no fixed sleep) until `read` gives `expected`. */
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

/** A guest's browser page on a phone, the server's CSP in force; console errors collected. */
async function guestPage(browser: Browser) {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    // the browser asks for /favicon.ico on its own; the pages have none
    if (msg.type() === 'error' && !msg.location().url.endsWith('/favicon.ico')) problems.push(`${msg.text()} ${msg.location().url}`);
  });
  page.on('pageerror', (err) => problems.push(err.message));
  return { context, page, problems };
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(browserMissing)(`guest journeys across the guest pages and the console (${browserMissing ? BROWSER_MISSING_REASON : 'Chromium'})`, () => {
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

  it('a guest chats from the stay page while an agent answers from the inbox, each seeing the other live', async () => {
    const { account } = await createTestAccount(t);
    const sea = (await createLocation(t.database.db, account.id, { title: { en: 'Sea Hotel' }, shortcode: 'sea' })).id;
    await createStaffMember(t, account.id, {
      email: 'agnes@hotel.test',
      name: 'Agnes',
      role: 'agent',
      permissions: ['create', 'comment', 'close'],
      locationIds: [sea],
    });
    const headers = (await createLooponClient(t, account.id)).headers;
    const registered = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${sea}/stays`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'Summer Smith', email: 'summer@example.com', status: 'instay', checkinDate: '2026-03-01', checkoutDate: '2099-03-03' }),
    });
    expect(registered.statusCode, registered.body).toBe(200);
    const stayUrl: string = registered.json().url;

    const guest = await guestPage(browser);
    await guest.page.goto(stayUrl);
    await eventually(() => guest.page.getByRole('status').filter({ hasText: 'Connected' }).count()).toBe(1);

    const agent = await newPage(browser);
    await signInToConsole(agent.context, t.baseUrl, 'agnes@hotel.test');
    await agent.page.goto(`${t.baseUrl}/inbox`);
    await eventually(() => agent.page.getByRole('heading', { name: 'Inbox' }).count()).toBe(1);

    // the guest writes: the inbox lists the chat live, the agent opens it
    await guest.page.getByLabel('Your message').fill('Could we get two more towels?');
    await guest.page.getByRole('button', { name: 'Send', exact: true }).click();
    const item = agent.page.getByRole('link', { name: /Summer Smith/ });
    await eventually(() => item.count()).toBe(1);
    await item.click();
    const agentLog = agent.page.getByRole('log');
    await eventually(() => agentLog.getByText('Could we get two more towels?').count()).toBe(1);

    // the agent answers: the guest's page shows it without a reload
    await agent.page.getByLabel('Message to the guest').fill('On their way, Summer!');
    await agent.page.getByRole('button', { name: 'Send' }).click();
    const guestLog = guest.page.getByRole('list', { name: 'Messages' });
    await eventually(() => guestLog.getByText('On their way, Summer!').count()).toBe(1);

    // and the guest's next message reaches the open conversation live
    await guest.page.getByLabel('Your message').fill('Thank you!');
    await guest.page.getByRole('button', { name: 'Send', exact: true }).click();
    await eventually(() => agentLog.getByText('Thank you!').count()).toBe(1);
    await saveScreenshot(guest.page, 'journey-stay-chat');
    await saveScreenshot(agent.page, 'journey-inbox-chat');
    expect(guest.problems).toEqual([]);
    await guest.context.close();
    await agent.context.close();
  });

  it("a guest answers a survey on the survey page and the dashboard's NPS changes", async () => {
    const f = await createFeedbackFixture(t);
    const account = await t.database.db.selectFrom('accounts').select(['slug', 'page_secret']).where('id', '=', f.accountId).executeTakeFirstOrThrow();
    // one detractor already: NPS -100
    await addDocument(t, f.accountId, {
      locationId: f.units.X01,
      checkoutDate: day(-3),
      guestName: 'Earlier guest',
      answers: answers(f.questions, { nps: 2 }),
    });
    const { stay, guest } = await inWriteTransaction(t.database.db, (trx) =>
      registerStay(
        writeContext(trx, f.accountId),
        f.units.X01,
        { status: 'poststay', name: 'Nora Lind', email: 'nora@example.com', language: 'en', checkinDate: day(-3), checkoutDate: day(-1) },
        'test',
      ),
    );
    const link = surveyLinkPath(account.page_secret, { slug: account.slug, surveyId: f.evaluationId, guestId: guest.id, stayId: stay.id, source: 'poststay' });
    await createStaffMember(t, f.accountId, { email: 'ana@hotel.test', name: 'Ana', role: 'analyst', permissions: [] });

    const staff = await newPage(browser);
    await signInToConsole(staff.context, t.baseUrl, 'ana@hotel.test');
    await staff.page.goto(`${t.baseUrl}/dashboards`);
    const kpi = staff.page.getByRole('region', { name: 'NPS', exact: true });
    await eventually(() => kpi.getByText('1 answers: 0 promoters, 0 passives, 1 detractors').count()).toBe(1);
    expect(await kpi.getByText('-100', { exact: true }).count()).toBe(1);

    const visitor = await guestPage(browser);
    await visitor.page.goto(`${t.baseUrl}${link}`);
    const nps = visitor.page.getByRole('group', { name: /How likely is it that you would recommend our hotel/ });
    await nps.getByLabel('10', { exact: true }).check();
    await visitor.page.getByLabel('Anything else?').fill('Lovely breakfast');
    await visitor.page.getByRole('button', { name: 'Send my answers' }).click();
    await eventually(() => visitor.page.getByRole('heading', { name: 'Thank you!' }).count()).toBe(1);
    await saveScreenshot(visitor.page, 'journey-survey-done');
    expect(visitor.problems).toEqual([]);

    // one promoter, one detractor: NPS 0
    await staff.page.reload();
    await eventually(() => kpi.getByText('2 answers: 1 promoters, 0 passives, 1 detractors').count()).toBe(1);
    expect(await kpi.getByText('0', { exact: true }).count()).toBe(1);
    await visitor.context.close();
    await staff.context.close();
  });

  it("a member redeems a product in the loyalty portal and the console's member page shows the operation", async () => {
    const { account, adminToken } = await createTestAccount(t);
    const admin = adminCall(() => t);
    const product = await admin(adminToken, 'POST', '/loyalty/products', { title: 'Spa afternoon', points: 300 });
    expect(product.statusCode, product.body).toBeLessThan(300);
    const access = await loyaltyAccess(t, account.id);
    const contact = (await access.call('POST', '/contacts/', { name: 'Mia', surname: 'Member', email: 'mia@example.com', language: 'en' })).json() as {
      id: number;
    };
    const enrolled = await access.call('POST', `/contacts/${contact.id}/loyalty-sign-in/`, {
      password: 'secret-pass',
      send_activation_email: false,
      send_welcome_email: false,
    });
    expect(enrolled.statusCode, enrolled.body).toBe(201);
    const added = await access.call('POST', '/operations/add-points/', { contact: contact.id, concept: 'Two nights', points: 1000, point_type: 0 });
    expect(added.statusCode, added.body).toBe(201);
    await createStaffMember(t, account.id, { email: 'max@hotel.test', name: 'Max', role: 'manager', permissions: ['create', 'comment', 'close'] });

    const member = await guestPage(browser);
    await member.page.goto(`${t.baseUrl}/fideltour/portal`);
    await member.page.getByLabel('E-mail').first().fill('mia@example.com');
    await member.page.getByLabel('Password').fill('secret-pass');
    await member.page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(() => member.page.getByRole('heading', { name: 'Your balance' }).count()).toBe(1);
    await member.page.getByRole('button', { name: 'Redeem Spa afternoon' }).click();
    await eventually(() => member.page.getByRole('status').filter({ hasText: 'Done! You redeemed Spa afternoon.' }).count()).toBe(1);
    await saveScreenshot(member.page, 'journey-portal-redeemed');
    expect(member.problems).toEqual([]);

    const staff = await newPage(browser);
    await signInToConsole(staff.context, t.baseUrl, 'max@hotel.test');
    await staff.page.goto(`${t.baseUrl}/loyalty`);
    await staff.page.getByLabel('Name or e-mail').fill('mia');
    await staff.page.getByRole('button', { name: 'Search' }).click();
    await staff.page.getByRole('link', { name: /Mia Member/ }).click();
    const operations = staff.page.getByRole('table', { name: 'Operations' });
    await eventually(() => operations.getByRole('row').filter({ hasText: 'Spa afternoon' }).count()).toBe(1);
    expect(await operations.getByRole('row').filter({ hasText: 'Spa afternoon' }).textContent()).toMatch(/300/);
    await saveScreenshot(staff.page, 'journey-loyalty-member');
    await member.context.close();
    await staff.context.close();
  });
});
