import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAccountBySlug } from '../src/core/accounts/accounts.js';
import { createGuest } from '../src/core/guests/guests.js';
import { dispatchCacheNotice } from '../src/db/cache-notices.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { runCli } from './helpers/cli.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';
import { writeContext } from '../src/core/shared/write-context.js';

// `openstay webhook create|list|disable|enable|delete` and `openstay delivery list|show|replay`.
describe.each(dialects())('openstay webhook and delivery commands on %s', (dialect) => {
  let database: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    env = { DATABASE_URL: database.url, PUBLIC_URL: 'http://hotel.test:8080' };
    expect((await runCli(['account', 'create', 'harbour'], env)).code).toBe(0);
  });
  afterAll(async () => database?.destroy());
  const cli = (...args: string[]) => runCli(args, env);

  it('creates with --json (the secret once), lists, disables and deletes', async () => {
    const created = await cli(
      'webhook',
      'create',
      '--account',
      'harbour',
      '--url',
      'https://hooks.example.com/in',
      '--events',
      'guest.created,stay.registered',
      '--json',
    );
    expect(created.code, created.stderr).toBe(0);
    const out = JSON.parse(created.stdout);
    expect(out).toEqual({
      id: expect.any(Number),
      url: 'https://hooks.example.com/in',
      events: ['guest.created', 'stay.registered'],
      secret: expect.stringMatching(/^whsec_/),
      enabled: true,
    });

    const listed = await cli('webhooks', 'list', '--account', 'harbour', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    const list = JSON.parse(listed.stdout);
    expect(list.webhooks).toHaveLength(1);
    expect(listed.stdout).not.toContain(out.secret);

    const disabled = await cli('webhook', 'disable', String(out.id), '--account', 'harbour', '--json');
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(JSON.parse(disabled.stdout).webhook.enabled).toBe(false);
    expect((await cli('webhook', 'delete', String(out.id), '--account', 'harbour')).code).toBe(0);
    expect((await cli('webhook', 'delete', String(out.id), '--account', 'harbour')).code).toBe(1);
  });

  it('lists and shows deliveries; a pending one cannot be replayed', async () => {
    const created = JSON.parse(
      (await cli('webhook', 'create', '--account', 'harbour', '--url', 'https://hooks.example.com/d', '--events', '*', '--json')).stdout,
    );
    const accountId = (await getAccountBySlug(database.db, 'harbour')).id;
    // The CLI is another process (on SQLite it sends no notice): as if its notice had come.
    dispatchCacheNotice({ topic: 'webhook-subscriptions' });
    await inWriteTransaction(database.db, (trx) => createGuest(writeContext(trx, accountId), { email: 'cli@example.com' }));
    const listed = await cli('deliveries', 'list', '--account', 'harbour', '--status', 'pending', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    const [delivery] = JSON.parse(listed.stdout).deliveries;
    expect(delivery).toMatchObject({ webhookId: created.id, eventType: 'guest.created', status: 'pending', attempts: 0 });
    const shown = await cli('delivery', 'show', String(delivery.id), '--account', 'harbour', '--json');
    expect(JSON.parse(shown.stdout).delivery).toMatchObject({ id: delivery.id, attemptLog: [] });
    const replay = await cli('delivery', 'replay', String(delivery.id), '--account', 'harbour');
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(/pending/);
  });

  it('bad usage exits 2', async () => {
    expect((await cli('webhook', 'create', '--account', 'harbour', '--url', 'https://x.example.com')).code).toBe(2);
    expect((await cli('webhook', 'create', '--account', 'harbour', '--url', 'https://x.example.com', '--events', 'nope.event')).code).toBe(2);
    expect((await cli('webhook', 'create', '--account', 'harbour', '--url', 'http://127.0.0.1/x', '--events', '*')).code).toBe(2);
    expect((await cli('delivery', 'list', '--account', 'harbour', '--status', 'lost')).code).toBe(2);
    expect((await cli('webhook', 'explode')).code).toBe(2);
    expect((await cli('webhook', '--help')).code).toBe(0);
  });
});
