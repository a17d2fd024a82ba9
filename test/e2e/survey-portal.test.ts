import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveyLinkPath } from '../../src/core/accounts/survey-links.js';
import { createEvaluation } from '../../src/core/feedback/evaluations.js';
import { createLocation } from '../../src/core/locations/locations.js';
import { writeContext } from '../../src/core/shared/write-context.js';
import { registerStay } from '../../src/core/stays/register-stay.js';
import { inWriteTransaction } from '../../src/db/write-transaction.js';
import { adminCall } from '../helpers/admin.js';
import { createTestAccount } from '../helpers/app.js';
import { BROWSER_MISSING_REASON, browserMissing, launchBrowser, newPage, PHONE, type ServedApp, saveScreenshot, serveTestApp } from '../helpers/browser.js';
import { dialects } from '../helpers/database.js';
import { loyaltyAccess } from '../helpers/fideltour.js';

/*
 * In headless Debian Chromium at 360 px, on each dialect: a guest answers the survey from their
 * invitation link and is offered the review links; a member signs in to the portal and redeems a
 * reward, which the admin API then shows. Screenshots under test-results/screenshots/.
 */

describe.skipIf(browserMissing)(`guest pages in a browser (${browserMissing ? BROWSER_MISSING_REASON : 'Chromium'})`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe.each(dialects())('on %s', (dialect) => {
    let t: ServedApp;
    const admin = adminCall(() => t);

    beforeAll(async () => {
      t = await serveTestApp(dialect);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('a guest answers the survey and a member redeems a reward, at 360 px', async () => {
      const { account, adminToken } = await createTestAccount(t);
      const db = t.database.db;
      const hotel = await createLocation(db, account.id, {
        title: { en: 'Sea Hotel' },
        reviewLinks: [{ name: 'TripAdvisor', url: 'https://www.tripadvisor.com/Hotel_Review-sea' }],
      });
      const survey = await createEvaluation(db, account.id, {
        name: 'How was your stay?',
        locationIds: [hotel.id],
        sections: [
          { questions: [{ type: 'radio', title: { en: 'How likely is it that you would recommend us?' }, semanticId: 0 }] },
          { questions: [{ type: 'text', title: { en: 'Anything else?' } }] },
        ],
      });
      const { stay, guest } = await inWriteTransaction(db, (trx) =>
        registerStay(
          writeContext(trx, account.id),
          hotel.id,
          { status: 'poststay', name: 'Eva Berg', email: `eva-${dialect}@example.com`, language: 'en' },
          'test',
        ),
      );
      const surveyUrl = `${t.config.publicUrl}${surveyLinkPath(account.page_secret, { slug: account.slug, surveyId: survey.id, guestId: guest.id, stayId: stay.id, source: 'poststay' })}`;

      // The pages' own CSP applies (no bypass): a script it refused would leave the forms dead.
      const { context, page } = await newPage(browser, PHONE, { ownCsp: true });
      const thirdParty: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(t.config.publicUrl)) thirdParty.push(request.url());
      });

      await page.goto(surveyUrl);
      await page.getByLabel('10', { exact: true }).check();
      await page.getByLabel('Anything else?').fill('The sea view was <great>');
      await saveScreenshot(page, `survey-${dialect}`);
      await page.getByRole('button', { name: 'Send my answers' }).click();
      await page.getByRole('heading', { name: 'Thank you!' }).waitFor();
      expect(await page.getByRole('link', { name: 'Write a review on TripAdvisor' }).getAttribute('href')).toBe('https://www.tripadvisor.com/Hotel_Review-sea');
      await saveScreenshot(page, `survey-thanks-${dialect}`);
      const docs = await db.selectFrom('answer_documents').selectAll().where('account_id', '=', account.id).where('guest_id', '=', guest.id).execute();
      expect(docs).toHaveLength(1);
      expect(docs[0].source).toBe('poststay');

      // The member portal.
      const a = await loyaltyAccess(t, account.id);
      const email = `member-${dialect}@example.com`;
      const contact = (await a.call('POST', '/contacts/', { name: 'Eva', surname: 'Member', email })).json() as { id: number };
      await a.call('POST', `/contacts/${contact.id}/loyalty-sign-in/`, { password: 'sea-pass-1', send_activation_email: false, send_welcome_email: false });
      await a.call('POST', '/operations/add-points/', { contact: contact.id, concept: 'Summer stay', points: 800, point_type: 0 });
      const product = (await admin(adminToken, 'POST', '/loyalty/products', { title: 'Late check-out', points: 250 })).json() as { id: number };

      await page.goto(`${t.config.publicUrl}/fideltour/portal`);
      await page.getByRole('textbox', { name: 'E-mail' }).first().fill(email);
      await page.getByLabel('Password').fill('sea-pass-1');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('800 points').first().waitFor();
      await saveScreenshot(page, `portal-${dialect}`);
      await page.getByRole('button', { name: 'Redeem Late check-out' }).click();
      await page.getByText('Done! You redeemed Late check-out.').waitFor();
      expect(await page.locator('#balance').textContent()).toContain('550 points');
      await saveScreenshot(page, `portal-redeemed-${dialect}`);
      const ops = (await admin(adminToken, 'GET', `/loyalty/operations?guestId=${contact.id}`)).json();
      expect(ops.operations[0]).toMatchObject({ kind: 'redeem', points: -250, productId: product.id });
      // Nothing but our own server was asked for (the review link was not followed).
      expect(thirdParty).toEqual([]);
      // The page fits 360 px: nothing scrolls sideways.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      await context.close();
    }, 120_000);
  });
});
