import { writeContext } from '../src/core/shared/write-context.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAccountBySlug } from '../src/core/accounts/accounts.js';
import { createLocation } from '../src/core/locations/locations.js';
import { saveTemplate } from '../src/core/messaging/templates.js';
import { registerStay } from '../src/core/stays/register-stay.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import { runCli } from './helpers/cli.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';

// `openstay rule list|create|enable|disable|preview|dry-run|explain` (and `rules`). Each test runs
// a dozen commands, each a process of its own: a loaded machine needs more than the default 30 s.
const SLOW = { timeout: 120_000 };
describe.each(dialects())('openstay rule commands on %s', (dialect) => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let accountId: number;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    env = { DATABASE_URL: database.url, PUBLIC_URL: 'http://hotel.test:8080' };
    expect((await runCli(['account', 'create', 'bay'], env)).code).toBe(0);
    accountId = (await getAccountBySlug(database.db, 'bay')).id;
    await inWriteTransaction(database.db, (trx) =>
      saveTemplate(trx, accountId, {
        name: 'welcome',
        channel: 'email',
        language: 'en',
        trigger: 'stay.checked_in',
        subject: 'Welcome {{ guest.firstName }}',
        body: '<p>Room {{ stay.room }} at {{ location.name }}</p>',
      }),
    );
  });
  afterAll(async () => database?.destroy());
  const cli = (...args: string[]) => runCli(args, env);

  it('creates, lists, disables and enables rules by id or name; bad input exits 2, unknown names 1', SLOW, async () => {
    const created = await cli('rule', 'create', '--account', 'bay', '--name', 'welcome', '--trigger', 'stay.checked_in', '--template', 'welcome', '--json');
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout).rule).toMatchObject({ name: 'welcome', trigger: 'stay.checked_in', enabled: true, action: { template: 'welcome' } });
    const vip = await cli(
      'rules',
      'create',
      '--account',
      'bay',
      '--name',
      'vip',
      '--trigger',
      'stay.checked_in',
      '--template',
      'welcome',
      '--conditions',
      '[{"field":"guest.vipStatus","op":"eq","value":"gold"}]',
      '--at',
      '09:00',
      '--days-after',
      '1',
      '--disabled',
    );
    expect(vip.code, vip.stderr).toBe(0);
    expect(vip.stdout).toContain('at 09:00 local 1 day(s) after');
    expect((await cli('rule', 'create', '--account', 'bay', '--name', 'y', '--trigger', 'stay.checked_in', '--template', 'welcome', '--at', '9am')).code).toBe(
      2,
    );
    expect(vip.stdout).toMatch(/rule \d+ of account bay created: \d+ {2}disabled {2}vip/);
    expect((await cli('rule', 'create', '--account', 'bay', '--name', 'welcome', '--trigger', 'stay.checked_in', '--template', 'welcome')).code).toBe(1);
    const badTrigger = await cli('rule', 'create', '--account', 'bay', '--name', 'x', '--trigger', 'stay.flew', '--template', 'welcome');
    expect(badTrigger.code).toBe(2);
    expect(badTrigger.stderr).toMatch(/trigger must be one of/);
    expect(
      (await cli('rule', 'create', '--account', 'bay', '--name', 'x', '--trigger', 'stay.checked_in', '--template', 'welcome', '--conditions', '{oops')).code,
    ).toBe(2);
    expect((await cli('rule', 'list')).code).toBe(2);
    expect((await cli('rule', 'enable', 'nope', '--account', 'bay')).code).toBe(1);
    expect((await cli('rule', 'list', '--account', 'nobody')).code).toBe(1);

    const enabled = await cli('rule', 'enable', 'vip', '--account', 'bay', '--json');
    expect(enabled.code, enabled.stderr).toBe(0);
    expect(JSON.parse(enabled.stdout).rule).toMatchObject({ name: 'vip', enabled: true });
    const listed = JSON.parse((await cli('rule', 'list', '--account', 'bay', '--json')).stdout);
    // every account has the default follow-up rule (off until the account setting responsesCreateLoops)
    expect(listed.rules.map((r: { name: string; enabled: boolean }) => [r.name, r.enabled])).toEqual([
      ['Survey response follow-up', false],
      ['welcome', true],
      ['vip', true],
    ]);
    const disabled = await cli('rule', 'disable', String(listed.rules[2].id), '--account', 'bay');
    expect(disabled.stdout).toMatch(/\(vip\) of account bay disabled/);
    const request = await cli(
      'rule',
      'create',
      '--account',
      'bay',
      '--name',
      'care',
      '--trigger',
      'stay.checked_in',
      '--action',
      '{"type":"open_request","title":"Say hello"}',
    );
    expect(request.code, request.stderr).toBe(0);
    expect(request.stdout).toContain('open a request "Say hello"');
    expect((await cli('rule', 'create', '--account', 'bay', '--name', 'z', '--trigger', 'stay.checked_in', '--action', '{oops')).code).toBe(2);
    const unknownHook = await cli(
      'rule',
      'create',
      '--account',
      'bay',
      '--name',
      'z',
      '--trigger',
      'stay.checked_in',
      '--action',
      '{"type":"webhook","webhookId":9}',
    );
    expect(unknownHook.code).toBe(2);
    expect(unknownHook.stderr).toContain('no webhook subscription 9');
    const help = await cli('rule', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('openstay rule dry-run <rule>');
  });

  it('previews for a guest, dry-runs against recent events and explains an event', SLOW, async () => {
    const location = await inWriteTransaction(database.db, (trx) => createLocation(trx, accountId, { title: { en: 'Bay Inn' } }));
    const { guest } = await inWriteTransaction(database.db, (trx) =>
      registerStay(writeContext(trx, accountId), location.id, { status: 'instay', name: 'Ola Berg', email: 'ola@example.com', room: '12' }, 'loopon'),
    );
    const preview = await cli('rule', 'preview', 'welcome', '--account', 'bay', '--guest', String(guest.id));
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain('To: ola@example.com');
    expect(preview.stdout).toContain('Subject: Welcome Ola');
    expect(preview.stdout).toContain('Room 12 at Bay Inn');
    expect((await cli('rule', 'preview', 'welcome', '--account', 'bay')).code).toBe(2);

    const dry = await cli('rule', 'dry-run', 'vip', '--account', 'bay', '--limit', '10', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    const results = JSON.parse(dry.stdout).results;
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r: { wouldFire: boolean }) => !r.wouldFire)).toBe(true);
    expect(results.find((r: { type: string }) => r.type === 'stay.registered')).toMatchObject({ reason: 'not a stay.checked_in event' });

    const event = await database.db.selectFrom('journey_events').select('id').where('guest_id', '=', guest.id).executeTakeFirstOrThrow();
    const explained = await cli('rule', 'explain', '--account', 'bay', '--event', String(event.id));
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout).toContain(`event ${event.id}: stay.registered`);
    expect(explained.stdout).toMatch(/not fired {2}welcome \(\d+\): its trigger stay.checked_in is not this event/);
    expect((await cli('rule', 'explain', '--account', 'bay', '--event', '99999999')).code).toBe(1);
  });
});
