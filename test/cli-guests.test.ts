import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAccountBySlug } from '../src/core/accounts/accounts.js';
import { findGuestRow } from '../src/core/guests/guests.js';
import { runCli } from './helpers/cli.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';
import { accountRows, createPlace, seedGuest } from './helpers/guest-rows.js';

// `openstay guest merge|split` and `openstay identity blocklist list|add|remove`.
describe.each(dialects())('openstay guest and identity commands on %s', (dialect) => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let accountId: number;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    env = { DATABASE_URL: database.url, PUBLIC_URL: 'http://hotel.test:8080' };
    expect((await runCli(['account', 'create', 'seaside'], env)).code).toBe(0);
    accountId = (await getAccountBySlug(database.db, 'seaside')).id;
  });
  afterAll(async () => database?.destroy());

  const cli = (...args: string[]) => runCli(args, env);
  let n = 0;
  /** Two guests at two new places, so they can be merged. */
  async function twoGuests() {
    const db = database.db;
    n += 1;
    const a = await seedGuest(db, accountId, await createPlace(db, accountId, `A${n}`), `a${n}`, { firstName: 'Ada', email: `ada${n}@example.test` });
    const b = await seedGuest(db, accountId, await createPlace(db, accountId, `B${n}`), `b${n}`, { firstName: 'Bea', language: 'sv' });
    return { a: a.guestId, b: b.guestId, n };
  }

  it('merges with --json, then split --json restores every row', async () => {
    const { a, b, n: i } = await twoGuests();
    const before = await accountRows(database.db, accountId);
    const merged = await cli('guest', 'merge', String(a), String(b), '--account', 'seaside', '--json');
    expect(merged.code, merged.stderr).toBe(0);
    const out = JSON.parse(merged.stdout);
    expect(out).toMatchObject({
      account: 'seaside',
      merge: { survivorId: a, mergedId: b, actor: expect.stringMatching(/^cli/), filled: { language: 'sv' } },
      survivor: { id: a, language: 'sv' },
    });
    expect(out.merge.moved).toMatchObject({ guest_keys: 2, stays: 1, loops: 1 });
    expect((await findGuestRow(database.db, accountId, b))?.merged_into_id).toBe(a);

    const split = await cli('guests', 'split', String(a), '--key', `loop:b${i}`, '--account', 'seaside', '--json');
    expect(split.code, split.stderr).toBe(0);
    expect(JSON.parse(split.stdout)).toMatchObject({ account: 'seaside', guest: { id: a }, splitOff: { id: b }, restoredMergeId: out.merge.id });
    expect(await accountRows(database.db, accountId)).toEqual(before);
  });

  it('prints human text by default; splits a key that came by no merge to a new guest', async () => {
    const { a, b, n: i } = await twoGuests();
    const merged = await cli('guest', 'merge', String(a), String(b), '--account', 'seaside');
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(new RegExp(`^guest ${b} merged into guest ${a} \\(merge \\d+\\): moved .*2 guest_keys.*; filled language\\n$`));
    const split = await cli('guest', 'split', String(a), '--key', `loop:a${i}`, '--account', 'seaside');
    expect(split.code, split.stderr).toBe(0);
    expect(split.stdout).toMatch(new RegExp(`^key loop:a${i} split off guest ${a} to new guest \\d+; moved 1 guest_keys, 1 stays`));
  });

  it('exits 1 with the reason on stderr for a refused operation, and changes nothing', async () => {
    const { a, b } = await twoGuests();
    const db = database.db;
    const shared = await createPlace(db, accountId, 'shared');
    const c = await seedGuest(db, accountId, shared, 'c', { firstName: 'Cid' });
    const d = await seedGuest(db, accountId, shared, 'd', { firstName: 'Dee' });
    const before = await accountRows(db, accountId);
    const chat = await cli('guest', 'merge', String(c.guestId), String(d.guestId), '--account', 'seaside');
    expect(chat.code).toBe(1);
    expect(chat.stderr).toMatch(/both guests have a chat session at location \d+; close or move one first/);
    expect((await cli('guest', 'merge', String(a), '999999', '--account', 'seaside')).stderr).toContain('guest 999999 not found');
    expect((await cli('guest', 'merge', String(a), String(b), '--account', 'nobody')).code).toBe(1);
    const unheld = await cli('guest', 'split', String(a), '--key', 'loop:nope', '--account', 'seaside');
    expect(unheld.code).toBe(1);
    expect(unheld.stderr).toContain('key "loop:nope"');
    expect(await accountRows(db, accountId)).toEqual(before);
    expect((await cli('guest', 'merge', String(a), String(b), '--account', 'seaside')).code).toBe(0);
    const again = await cli('guest', 'merge', String(a), String(b), '--account', 'seaside', '--json');
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain(`merged into guest ${a}`);
  });

  it('identity blocklist: add then list shows it; remove; an unknown phone rule is exit 2', async () => {
    const added = await cli('identity', 'blocklist', 'add', 'Front.Desk@Hotel.test', '--account', 'seaside', '--json');
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ account: 'seaside', added: { kind: 'email', pattern: 'front.desk@hotel.test' } });
    const listed = await cli('identity', 'blocklist', 'list', '--account', 'seaside', '--json');
    expect(JSON.parse(listed.stdout).entries).toContainEqual(expect.objectContaining({ kind: 'email', pattern: 'front.desk@hotel.test' }));
    expect((await cli('identity', 'blocklist', 'list', '--account', 'seaside')).stdout).toMatch(/^email\s+front\.desk@hotel\.test$/m);
    const human = await cli('identity', 'blocklist', 'add', 'rule:one-repeated-digit', '--account', 'seaside');
    expect(human.stdout).toBe('blocked phone pattern rule:one-repeated-digit for account seaside\n');

    const removed = await cli('identity', 'blocklist', 'remove', 'front.desk@hotel.test', '--account', 'seaside');
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('unblocked email pattern front.desk@hotel.test');
    expect(JSON.parse((await cli('identity', 'blocklist', 'list', '--account', 'seaside', '--json')).stdout).entries).not.toContainEqual(
      expect.objectContaining({ pattern: 'front.desk@hotel.test' }),
    );
    const again = await cli('identity', 'blocklist', 'remove', 'front.desk@hotel.test', '--account', 'seaside');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('not found');
    const rule = await cli('identity', 'blocklist', 'add', 'rule:no-such-rule', '--account', 'seaside');
    expect(rule.code).toBe(2);
    expect(rule.stderr).toContain('unknown phone rule "rule:no-such-rule"');
    expect((await cli('identity', 'blocklist', 'list', '--account', 'nobody')).code).toBe(1);
  });
});

// Usage is read before any database is touched: one dialect is enough.
describe('openstay guest and identity usage', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    env = { DATABASE_URL: database.url };
  });
  afterAll(async () => database?.destroy());

  const expectUsageError = async (args: string[]) => {
    const res = await runCli(args, env);
    expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(2);
    expect(res.stderr).toMatch(/^openstay: /);
  };

  it('guest: exits 2 for bad usage', async () => {
    for (const args of [
      ['guest', 'merge', '1', '2'],
      ['guest', 'merge', '1', '--account', 'seaside'],
      ['guest', 'merge', 'one', '2', '--account', 'seaside'],
      ['guest', 'merge', '1', '1', '--account', 'seaside'],
      ['guest', 'merge', '1', '2', '--account', 'seaside', '--force'],
      ['guest', 'split', '1', '--account', 'seaside'],
      ['guest', 'split', '1', '--key', 'no-colon', '--account', 'seaside'],
      ['guest', 'fuse', '1', '2', '--account', 'seaside'],
    ]) {
      await expectUsageError(args);
    }
  });

  it('identity: exits 2 for bad usage', async () => {
    for (const args of [
      ['identity', 'blocklist', 'add', '--account', 'seaside'],
      ['identity', 'blocklist', 'drop', 'x@y', '--account', 'seaside'],
      ['identity', 'allowlist', 'list', '--account', 'seaside'],
    ]) {
      await expectUsageError(args);
    }
  });

  it('--help on every command prints its usage and exits 0', async () => {
    for (const args of [
      ['guest', '--help'],
      ['guest', 'merge', '--help'],
      ['guests', 'split', '-h'],
      ['identity', 'blocklist', '--help'],
      ['identity', 'blocklist', 'add', '--help'],
    ]) {
      const res = await runCli(args, env);
      expect(res.code, args.join(' ')).toBe(0);
      expect(res.stdout).toMatch(/^usage: openstay (guest|identity)/);
    }
    expect((await runCli(['--help'], env)).stdout).toContain('guest split <guestId> --key SOURCE:VALUE');
  });
});
