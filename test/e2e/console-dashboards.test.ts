import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/api/loop-v1/ids.js';
import { adminCall } from '../helpers/admin.js';
import { BROWSER_MISSING_REASON, browserMissing, launchBrowser, type ServedApp, serveTestApp } from '../helpers/browser.js';
import { dialects } from '../helpers/database.js';
import { loopCall } from '../helpers/loop.js';
import { addDocument, answers, createFeedbackFixture, type Fixture } from '../helpers/loopon-feedback-fixture.js';
import { checkScreen, type ConsoleAccount, eventually, openConsole, waitForHeading } from './console-screens-helpers.js';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(browserMissing)(`the console's dashboards and reputation (${browserMissing ? BROWSER_MISSING_REASON : 'Chromium'})`, () => {
  let browser: Browser;
  let t: ServedApp;
  let f: Fixture;
  let who: ConsoleAccount;
  beforeAll(async () => {
    browser = await launchBrowser();
    t = await serveTestApp(dialects()[0]);
    f = await createFeedbackFixture(t);
    const account = (await adminCall(() => t)(f.adminToken, 'GET', '/account')).json();
    who = { account, adminToken: f.adminToken };
    // one promoter and one detractor at X01 three days ago: NPS 0
    for (const nps of [10, 3]) {
      await addDocument(t, f.accountId, {
        locationId: f.units.X01,
        checkoutDate: day(-3),
        guestName: `Guest ${nps}`,
        answers: answers(f.questions, { nps, rating: 4, text: `said ${nps}` }),
      });
    }
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the NPS, which changes after a survey response is posted through the Loop API, and drills down to the answers', async () => {
    const { context, page } = await openConsole(browser, t, who);
    await page.goto(`${t.baseUrl}/dashboards`);
    const nps = page.getByTestId('nps');
    await eventually(() => nps.textContent()).toBe('0');
    await eventually(() => page.getByText('2 answers: 1 promoters, 0 passives, 1 detractors').count()).toBe(1);

    const posted = await loopCall(t, f.loopToken, 'POST', 'responses', {
      location: encodeId('location', f.units.X01),
      responses: [{ categoryId: encodeId('question', f.questions.nps.id), value: '10' }],
    });
    expect(posted.statusCode, posted.body).toBe(200);
    await page.getByRole('button', { name: 'Refresh' }).click();
    // 2 promoters, 1 detractor of 3: (2 - 1) / 3 = 33
    await eventually(() => nps.textContent()).toBe('33');

    // the by-source table tells the kiosk answer apart; drill down to X01's answers
    await page.getByRole('button', { name: 'Show answers of Sea Hotel X01' }).click();
    const drill = page.getByRole('region', { name: 'Answers: Sea Hotel X01' });
    await eventually(() => drill.getByText('3 answer documents').count()).toBe(1);
    expect(await drill.getByText('said 3').count()).toBe(1);
    expect(await drill.getByText('detractor').count()).toBe(1);

    // filters live in the URL: a reload keeps the screen as it was
    await page.getByLabel('Source').selectOption('public');
    await eventually(() => nps.textContent()).toBe('100');
    await page.reload();
    await eventually(() => page.getByTestId('nps').textContent()).toBe('100');
    expect(new URL(page.url()).searchParams.get('source')).toBe('public');
    await context.close();
  });

  it('shows the dashboards accessibly at desktop and 360 px widths', async () => {
    await checkScreen(browser, t, who, `/dashboards?from=${day(-30)}&to=${day(0)}&groupBy=day`, 'dashboards', async (page) => {
      await eventually(() => page.getByTestId('nps').count()).toBe(1);
      await eventually(() => page.locator('.chart canvas').count()).toBeGreaterThan(0);
    });
  });

  it('shows reputation with a competitive set accessibly at desktop and 360 px widths', async () => {
    const admin = adminCall(() => t);
    const rival = (await admin(f.adminToken, 'POST', '/competitors', { title: 'Rival Inn' })).json();
    await admin(f.adminToken, 'POST', '/competitive-sets', { locationId: f.units.X01, name: 'Old town', memberIds: [rival.id] });
    await checkScreen(browser, t, who, '/reputation', 'reputation', async (page) => {
      await waitForHeading(page, 'Daily reputation');
      await eventually(() => page.getByText('Loading…').count()).toBe(0);
      await eventually(() => page.getByRole('cell', { name: /Rival Inn/ }).count()).toBe(1);
    });
  });
});
