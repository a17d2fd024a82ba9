import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobWorker, type JobWorker } from '../../src/core/jobs/job-worker.js';
import { createOutboundClient, type OutboundClient } from '../../src/core/outbound/http-client.js';
import { jobHandlers } from '../../src/server/job-handlers.js';
import { adminCall } from '../helpers/admin.js';
import { createTestAccount } from '../helpers/app.js';
import { BROWSER_MISSING_REASON, browserMissing, launchBrowser, type ServedApp, serveTestApp } from '../helpers/browser.js';
import { dialects } from '../helpers/database.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { type ConsoleAccount, eventually, openConsole, waitForHeading } from './console-screens-helpers.js';

const FAST = { delaysMs: [20, 20, 20], laterMs: 600_000, lifetimeMs: 300_000 };

describe.skipIf(browserMissing)(`the console's settings (${browserMissing ? BROWSER_MISSING_REASON : 'Chromium'})`, () => {
  let browser: Browser;
  let t: ServedApp;
  let who: ConsoleAccount;
  let receiver: Receiver;
  let outbound: OutboundClient;
  let worker: JobWorker;
  const admin = (method: string, url: string, body?: unknown) => adminCall(() => t)(who.adminToken, method, url, body);
  beforeAll(async () => {
    browser = await launchBrowser();
    t = await serveTestApp(dialects()[0], { ALLOW_PRIVATE_CALLBACK_URLS: 'true' });
    who = await createTestAccount(t);
    receiver = await startReceiver();
    outbound = createOutboundClient({ allowPrivate: true, timeoutMs: 5_000 });
    worker = startJobWorker({
      db: t.database.db,
      handlers: jobHandlers({ config: t.config, secrets: t.secrets, outbound, retrySchedule: FAST }),
      pollMs: 20,
      leaseMs: 5_000,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await outbound?.close();
    await receiver?.close();
    await t?.close();
  });

  it('creates a location and a chain', async () => {
    const { context, page } = await openConsole(browser, t, who);
    await page.goto(`${t.baseUrl}/settings`);
    await eventually(() => new URL(page.url()).pathname).toBe('/settings/locations');
    const form = page.getByRole('form', { name: 'New location or chain' });
    await form.getByLabel('Name').fill('Harbour Hotels');
    await form.getByLabel('Kind').selectOption('chain');
    await form.getByRole('button', { name: 'Create' }).click();
    await eventually(() => page.getByRole('cell', { name: 'Harbour Hotels', exact: true }).count()).toBe(1);
    await form.getByLabel('Name').fill('Harbour Hotel Quay');
    await form.getByLabel('Kind').selectOption('location');
    await form.getByLabel('Chain it belongs to').selectOption({ label: 'Harbour Hotels' });
    await form.getByLabel('Shortcode').fill('HQ1');
    await form.getByLabel('Time zone').fill('Europe/Madrid');
    await form.getByRole('button', { name: 'Create' }).click();
    await eventually(() => page.getByRole('cell', { name: 'Harbour Hotel Quay', exact: true }).count()).toBe(1);
    const { locations } = (await admin('GET', '/locations')).json();
    const chain = locations.find((l: any) => l.title.en === 'Harbour Hotels');
    expect(locations.find((l: any) => l.title.en === 'Harbour Hotel Quay')).toMatchObject({
      kind: 'location',
      parentId: chain.id,
      shortcode: 'HQ1',
      timezone: 'Europe/Madrid',
    });
    await context.close();
  });

  it('creates a rule, previews its e-mail for a guest and dry-runs it', async () => {
    await admin('PUT', '/templates/welcome/email/en', {
      trigger: 'stay.checked_in',
      subject: 'Welcome to the harbour',
      body: '<p>We look forward to your stay.</p>',
    });
    const guest = (await admin('POST', '/guests', { firstName: 'Ada', email: 'ada@example.test', language: 'en' })).json().guest;
    const { context, page } = await openConsole(browser, t, who);
    await page.goto(`${t.baseUrl}/settings/rules`);
    const form = page.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Rule name').fill('Welcome mail');
    await form.getByLabel('Trigger').fill('stay.checked_in');
    await form.getByLabel('Template').fill('welcome');
    await form.getByRole('button', { name: 'Create rule' }).click();
    await waitForHeading(page, 'Welcome mail', 3);
    expect((await admin('GET', '/rules')).json().rules).toEqual([
      expect.objectContaining({
        name: 'Welcome mail',
        trigger: 'stay.checked_in',
        enabled: true,
        action: expect.objectContaining({ type: 'email', template: 'welcome' }),
      }),
    ]);
    await page.getByRole('button', { name: 'Preview and dry-run Welcome mail' }).click();
    await page.getByLabel('Guest id').fill(String(guest.id));
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await eventually(() => page.getByTestId('preview-subject').textContent()).toBe('Subject: Welcome to the harbour');
    await eventually(() => page.getByText('ada@example.test').count()).toBeGreaterThan(0);
    const frame = page.frameLocator('iframe[title="The message as the guest would see it"]');
    await eventually(() => frame.getByText('We look forward to your stay.').count()).toBe(1);
    await page.getByRole('button', { name: 'Dry-run', exact: true }).click();
    await eventually(() => page.getByText('No recent journey event.').count()).toBe(1);
    await context.close();
  });

  it('adds and deletes a custom field, saves a template and creates a survey through their forms', async () => {
    const { context, page } = await openConsole(browser, t, who);
    await page.goto(`${t.baseUrl}/settings/custom-fields`);
    await waitForHeading(page, 'Custom fields', 2);
    await eventually(() => page.getByText('Nothing here yet.').count()).toBe(1);
    const add = page.getByRole('form', { name: 'Add' });
    await add.getByLabel('Shortcode').fill('VIP');
    await add.getByLabel('Name').fill('VIP guest');
    await add.getByLabel('Required').check();
    await add.getByRole('button', { name: 'Add' }).click();
    await eventually(() => page.getByRole('cell', { name: 'VIP guest', exact: true }).count()).toBe(1);
    expect(await add.getByLabel('Shortcode').inputValue()).toBe('');
    expect((await admin('GET', '/custom-fields')).json().customFields).toEqual([expect.objectContaining({ shortcode: 'VIP', required: true })]);
    await page.getByRole('button', { name: 'Delete VIP' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await eventually(() => page.getByText('Nothing here yet.').count()).toBe(1);
    expect((await admin('GET', '/custom-fields')).json().customFields).toEqual([]);

    await page.goto(`${t.baseUrl}/settings/templates`);
    const template = page.getByRole('form', { name: 'Save a template' });
    await template.getByLabel('Name').fill('farewell');
    await template.getByLabel('Trigger').fill('stay.checked_out');
    await template.getByLabel('Subject').fill('Goodbye');
    await template.getByLabel('Body (Liquid)').fill('<p>See you soon.</p>');
    await template.getByRole('button', { name: 'Save template' }).click();
    await eventually(() => page.getByRole('cell', { name: 'farewell', exact: true }).count()).toBe(1);
    expect((await admin('GET', '/templates')).json().templates).toContainEqual(
      expect.objectContaining({ name: 'farewell', channel: 'email', language: 'en', subject: 'Goodbye' }),
    );

    await page.goto(`${t.baseUrl}/settings/surveys`);
    const survey = page.getByRole('form', { name: 'New survey' });
    await survey.getByLabel('Survey name').fill('After the stay');
    await survey.getByLabel('Sections and questions (JSON)').fill('[{');
    await survey.getByRole('button', { name: 'Create survey' }).click();
    await eventually(() => survey.getByRole('alert').textContent()).toContain('The sections are not valid JSON.');
    await survey.getByLabel('Sections and questions (JSON)').fill(JSON.stringify([{ questions: [{ type: 'text', title: 'What did you like most?' }] }]));
    await survey.getByRole('button', { name: 'Create survey' }).click();
    await eventually(() => page.getByText('After the stay').count()).toBe(1);
    expect(await survey.getByRole('alert').count()).toBe(0);
    // in the survey's card: the form's textarea still holds the same text
    const card = page.getByRole('listitem').filter({ hasText: 'After the stay' });
    await card.getByRole('button', { name: 'Show questions' }).click();
    await eventually(() => card.getByText('What did you like most?').count()).toBe(1);
    await context.close();
  });

  it("shows a webhook's delivery log with its attempts and replays a delivery", async () => {
    const { context, page } = await openConsole(browser, t, who);
    await page.goto(`${t.baseUrl}/settings/webhooks`);
    const form = page.getByRole('form', { name: 'New webhook' });
    await form.getByLabel('URL').fill(`${receiver.url}/hook`);
    await form.getByRole('button', { name: 'Create webhook' }).click();
    await eventually(() => form.getByLabel('Signing secret').inputValue()).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await eventually(() => receiver.received.filter((r) => r.url === '/hook').length).toBe(1);
    await page.getByRole('button', { name: 'Delivery log' }).click();
    const log = page.getByRole('region', { name: 'Delivery log' });
    await eventually(async () => {
      await log.getByRole('button', { name: 'Refresh' }).click();
      return log.getByText('delivered', { exact: true }).count();
    }).toBe(1);
    const row = log.getByRole('row').nth(1);
    const id = (await admin('GET', '/deliveries')).json().deliveries[0].id;
    await log.getByRole('button', { name: `Attempts of delivery ${id}` }).click();
    await eventually(() => log.getByText(/delivered, HTTP 200/).count()).toBe(1);
    await log.getByRole('button', { name: `Replay delivery ${id}` }).click();
    await eventually(() => receiver.received.filter((r) => r.url === '/hook').length).toBe(2);
    expect(receiver.received[1].headers['webhook-id']).toBe(receiver.received[0].headers['webhook-id']);
    await eventually(async () => {
      await log.getByRole('button', { name: 'Refresh' }).click();
      return (await row.textContent()) ?? '';
    }).toMatch(/delivered.*2/);
    await context.close();
  });
});
