import { Migrator, NO_MIGRATIONS, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/database.js';
import { migrationProvider } from '../src/db/migrations/index.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';

/** Every migration, in the order they run: the list a new migration is added to. */
const ALL_MIGRATIONS = [
  '2026-11-22T00-00-foundation',
  '2026-11-22T01-00-loopon',
  '2026-11-22T02-00-stay-guest-dates',
  '2026-12-02T00-00-guest-identity',
  '2026-12-02T01-00-journey-event-types',
  '2026-12-02T02-00-guest-merged-into',
  '2026-12-03T00-00-jobs',
  '2026-12-03T01-00-idempotency-keys',
  '2026-12-03T02-00-encrypt-callback-tokens',
  '2026-12-03T05-00-chat-realtime',
  '2026-12-04T00-00-outbox',
  '2026-12-05T00-00-contact-versions',
  '2026-12-05T00-00-event-actors',
  '2026-12-05T00-00-face-ids',
  '2026-12-05T00-00-loyalty',
  '2026-12-05T01-00-demo-secrets',
  '2026-12-05T10-00-rules-messaging',
  '2026-12-06T00-00-jobs-account-index',
  '2026-12-06T00-00-loyalty-mail',
  '2026-12-06T00-00-sms-delivery',
  '2026-12-07T01-00-staff-sign-in',
  '2026-12-07T02-00-inbox',
  '2026-12-07T03-00-chat-attachments',
  '2026-12-07T04-00-location-review-links',
  '2026-12-07T05-00-score-rollup-segments',
  '2026-12-07T06-00-rule-actions',
  '2026-12-07T07-00-import-checkpoints',
  '2026-12-07T10-00-account-score-rollups',
  '2026-12-08T00-00-retention-runs',
  '2026-12-08T01-00-leaner-firing-indexes',
  '2026-12-09T00-00-jobs-due-by-kind',
];

/** The migrations after `name`, as migrateToLatest runs them from there. */
const migrationsAfter = (name: string) => ALL_MIGRATIONS.slice(ALL_MIGRATIONS.indexOf(name) + 1);

describe.each(dialects())('migrations on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t?.destroy());

  it('go down to nothing and up again, and are idempotent', async () => {
    const migrator = new Migrator({ db: t.db, provider: migrationProvider });
    const down = await migrator.migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    const tables = (await t.db.introspection.getTables()).map((x) => x.name);
    expect(tables).not.toContain('guests');
    expect(await migrateToLatest(t.db)).toEqual(ALL_MIGRATIONS);
    expect(await migrateToLatest(t.db)).toEqual([]);
    expect((await t.db.introspection.getTables()).map((x) => x.name)).toContain('guests');
  });

  it('guest identity: seeds the blocklist of existing accounts and re-normalises stored mobiles to E.164', async () => {
    const migrator = new Migrator({ db: t.db, provider: migrationProvider });
    expect((await migrator.migrateTo('2026-11-22T02-00-stay-guest-dates')).error).toBeUndefined();
    const db = t.db as any;
    const now = 1_700_000_000_000;
    const account = await db
      .insertInto('accounts')
      .values({ slug: 'mig', name: 'mig', settings: '{"defaultCountry":"ca"}', page_secret: 'x', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const sweden = await db
      .insertInto('locations')
      .values({ account_id: account.id, title: '{}', kind: 'location', country: 'SE', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const guest = async (mobile: string) =>
      (
        await db
          .insertInto('guests')
          .values({ account_id: account.id, mobile, custom_fields: '{}', created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id as number;
    const international = await guest('+46730442480');
    const swedish = await guest('0730442480');
    const canadian = await guest('6135556135');
    const garbage = await guest('call the desk');
    await db
      .insertInto('stays')
      .values({ account_id: account.id, guest_id: swedish, location_id: sweden.id, source: 't', status: 'prestay', created_at: now, updated_at: now })
      .execute();

    expect(await migrateToLatest(t.db)).toEqual(migrationsAfter('2026-11-22T02-00-stay-guest-dates'));
    const mobiles = Object.fromEntries(
      (await db.selectFrom('guests').select(['id', 'mobile']).where('account_id', '=', account.id).execute()).map((g: any) => [g.id, g.mobile]),
    );
    expect(mobiles[international]).toBe('+46730442480');
    expect(mobiles[swedish]).toBe('+46730442480'); // the stay's location is in Sweden
    expect(mobiles[canadian]).toBe('+16135556135'); // the account's default country
    expect(mobiles[garbage]).toBe('call the desk'); // unparsable: left as stored
    const seeded = await db.selectFrom('identity_blocklist').select('pattern').where('account_id', '=', account.id).execute();
    expect(seeded.map((r: any) => r.pattern)).toEqual(expect.arrayContaining(['noemail@*', 'na@*', 'rule:fewer-than-6-digits']));
  });
  it('journey event types: Loop words get their names in the one scheme, and back on the way down', async () => {
    const migrator = new Migrator({ db: t.db, provider: migrationProvider });
    expect((await migrator.migrateTo('2026-12-02T00-00-guest-identity')).error).toBeUndefined();
    const db = t.db as any;
    const now = 1_700_000_000_000;
    const account = await db
      .insertInto('accounts')
      .values({ slug: 'journey-mig', name: 'journey-mig', settings: '{}', page_secret: 'x', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const guest = await db
      .insertInto('guests')
      .values({ account_id: account.id, custom_fields: '{}', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const stored = [
      ['checkin', 'loop'],
      ['roomready', 'loop'],
      ['checkout', 'loop'],
      ['spa-booked', 'loop'],
      ['stay.registered', 'loopon'],
      ['stay.status_changed', 'loopon'],
    ];
    for (const [type, source] of stored) {
      await db
        .insertInto('journey_events')
        .values({ account_id: account.id, guest_id: guest.id, type, occurred_at: now, source, payload: '{}', created_at: now })
        .execute();
    }
    const types = async () =>
      (await db.selectFrom('journey_events').select('type').where('account_id', '=', account.id).orderBy('id').execute()).map((r: any) => r.type);

    expect((await migrator.migrateTo('2026-12-02T01-00-journey-event-types')).error).toBeUndefined();
    expect(await types()).toEqual(['stay.checked_in', 'stay.room_readied', 'stay.checked_out', 'custom.spa-booked', 'stay.registered', 'stay.status_changed']);
    expect((await migrator.migrateTo('2026-12-02T00-00-guest-identity')).error).toBeUndefined();
    expect(await types()).toEqual(stored.map(([type]) => type));
    expect(await migrateToLatest(t.db)).toEqual(migrationsAfter('2026-12-02T00-00-guest-identity'));
  });

  it('chat realtime: rebuilds chat_events with sequence numbers, author and read columns, and back on the way down', async () => {
    const migrator = new Migrator({ db: t.db, provider: migrationProvider });
    expect((await migrator.migrateTo('2026-12-03T02-00-encrypt-callback-tokens')).error).toBeUndefined();
    const db = t.db as any;
    const now = 1_700_000_000_000;
    const one = async (table: string, values: Record<string, unknown>) =>
      (await db.insertInto(table).values(values).returning('id').executeTakeFirstOrThrow()).id as number;
    const account = await one('accounts', { slug: 'chatmig', name: 'chatmig', settings: '{}', page_secret: 'x', created_at: now });
    const location = await one('locations', { account_id: account, title: '{}', kind: 'location', created_at: now, updated_at: now });
    const guest = await one('guests', { account_id: account, custom_fields: '{}', created_at: now, updated_at: now });
    const session = await one('chat_sessions', {
      account_id: account,
      guest_id: guest,
      location_id: location,
      session_key: 'f'.repeat(32),
      language: null,
      created_at: now,
    });
    const read = '2026-03-01T12:00:00.000Z';
    const event = (type: string, payload: unknown, at: number) =>
      one('chat_events', { account_id: account, session_id: session, stay_id: null, type, payload: JSON.stringify(payload), created_at: at, updated_at: at });
    const second = await event('chatMessage', { author: 'hotel', content: 'hi', read }, now + 2);
    const first = await event('chatMessage', { author: 'guest', content: 'hello' }, now + 1);

    expect((await migrator.migrateTo('2026-12-03T05-00-chat-realtime')).error).toBeUndefined();
    const rows = await db.selectFrom('chat_events').selectAll().where('account_id', '=', account).orderBy('seq').execute();
    expect(rows.map((r: any) => [Number(r.id), Number(r.seq), r.author, r.read_at === null ? null : Number(r.read_at)])).toEqual([
      [first, 1, 'guest', null],
      [second, 2, 'hotel', Date.parse(read)],
    ]);
    const migrated = await db.selectFrom('chat_sessions').selectAll().where('id', '=', session).executeTakeFirstOrThrow();
    expect(migrated).toMatchObject({ language: 'en', expires_at: null, stay_id: null });
    expect(Number(migrated.last_seq)).toBe(2);
    expect(migrated.messenger_ref).toMatch(/^[A-Za-z0-9_-]{12}$/);
    // New events continue the ids.
    const next = await db
      .insertInto('chat_events')
      .values({ account_id: account, session_id: session, seq: 3, type: 'guestConnect', payload: '{}', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(Number(next.id)).toBeGreaterThan(Math.max(first, second));

    expect((await migrator.migrateTo('2026-12-03T02-00-encrypt-callback-tokens')).error).toBeUndefined();
    const back = await db.selectFrom('chat_events').selectAll().where('id', '=', second).executeTakeFirstOrThrow();
    expect(JSON.parse(back.payload)).toEqual({ author: 'hotel', content: 'hi', read });
    expect(await migrateToLatest(t.db)).toEqual(migrationsAfter('2026-12-03T02-00-encrypt-callback-tokens'));
  });

  it("contact versions: existing clients are Loopon's, guests start at version 1, and the way down and up again works", async () => {
    const migrator = new Migrator({ db: t.db, provider: migrationProvider });
    expect((await migrator.migrateTo('2026-12-04T00-00-outbox')).error).toBeUndefined();
    const db = t.db as any;
    const now = Date.now();
    const account = await db
      .insertInto('accounts')
      .values({ slug: `cv-${now}`, name: 'CV', page_secret: 'x', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('oauth_clients')
      .values({
        account_id: account.id,
        client_id: `c${now}`,
        secret_hash: 'x',
        name: null,
        scopes: '["basic"]',
        unit_ids: null,
        created_at: now,
        revoked_at: null,
      })
      .execute();
    const guest = await db
      .insertInto('guests')
      .values({ account_id: account.id, custom_fields: '{}', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await migrateToLatest(t.db)).toEqual(migrationsAfter('2026-12-04T00-00-outbox'));
    expect(await db.selectFrom('oauth_clients').select('face').where('account_id', '=', account.id).executeTakeFirstOrThrow()).toEqual({ face: 'loopon' });
    expect(await db.selectFrom('guests').select(['version', 'details']).where('id', '=', guest.id).executeTakeFirstOrThrow()).toEqual({
      version: 1,
      details: '{}',
    });
    expect((await migrator.migrateTo('2026-12-04T00-00-outbox')).error).toBeUndefined();
    expect((await t.db.introspection.getTables()).map((x) => x.name)).not.toContain('guest_revisions');
    expect(await migrateToLatest(t.db)).toEqual(migrationsAfter('2026-12-04T00-00-outbox'));
  });

  it('loyalty: creates the programme tables and drops them on the way down', async () => {
    const migrator = new Migrator({ db: t.db, provider: migrationProvider });
    await migrateToLatest(t.db);
    const tables = async () => (await t.db.introspection.getTables()).map((x) => x.name).filter((name) => name.startsWith('loyalty_'));
    expect((await tables()).sort()).toEqual([
      'loyalty_api_sessions',
      'loyalty_api_users',
      'loyalty_levels',
      'loyalty_lot_moves',
      'loyalty_members',
      'loyalty_operations',
      'loyalty_products',
      'loyalty_programs',
      'loyalty_reset_tokens',
    ]);
    expect((await migrator.migrateTo('2026-12-04T00-00-outbox')).error).toBeUndefined();
    expect(await tables()).toEqual([]);
    expect(await migrateToLatest(t.db)).toEqual(migrationsAfter('2026-12-04T00-00-outbox'));
  });

  it('sms delivery: messages get the provider id (unique), the delivery state, and lose them on the way down', async () => {
    const migrator = new Migrator({ db: t.db, provider: migrationProvider });
    await migrateToLatest(t.db);
    const columns = async () =>
      ((await t.db.introspection.getTables()).find((x) => x.name === 'messages')?.columns ?? [])
        .map((c) => c.name)
        .filter((n) => /^(provider_id|delivery_)/.test(n));
    expect((await columns()).sort()).toEqual(['delivery_status', 'delivery_updated_at', 'provider_id']);
    expect((await migrator.migrateTo('2026-12-05T10-00-rules-messaging')).error).toBeUndefined();
    expect(await columns()).toEqual([]);
    expect(await migrateToLatest(t.db)).toEqual(migrationsAfter('2026-12-05T10-00-rules-messaging'));
  });

  it('loyalty-mail: replaces loyalty_email_requests by reset links and a transactional flag on messages, and back', async () => {
    const migrator = new Migrator({ db: t.db, provider: migrationProvider });
    await migrateToLatest(t.db);
    const names = async () => (await t.db.introspection.getTables()).map((x) => x.name);
    const messageColumns = async () => (await t.db.introspection.getTables()).find((x) => x.name === 'messages')!.columns.map((c) => c.name);
    expect(await names()).toContain('loyalty_reset_tokens');
    expect(await names()).not.toContain('loyalty_email_requests');
    expect(await messageColumns()).toContain('transactional');
    expect((await migrator.migrateTo('2026-12-05T10-00-rules-messaging')).error).toBeUndefined();
    expect(await names()).toContain('loyalty_email_requests');
    expect(await names()).not.toContain('loyalty_reset_tokens');
    expect(await messageColumns()).not.toContain('transactional');
    expect(await migrateToLatest(t.db)).toEqual(migrationsAfter('2026-12-05T10-00-rules-messaging'));
  });

  it('rule-actions: every existing account gets the survey follow-up rule, enabled as its responsesCreateLoops said, and back', async () => {
    const migrator = new Migrator({ db: t.db, provider: migrationProvider });
    expect((await migrator.migrateTo('2026-12-06T00-00-sms-delivery')).error).toBeUndefined();
    const db = t.db as any;
    const now = 1_700_000_000_000;
    const account = (slug: string, settings: string) =>
      db.insertInto('accounts').values({ slug, name: slug, settings, page_secret: 'x', created_at: now }).returning('id').executeTakeFirstOrThrow();
    const on = await account('follow-on', '{"responsesCreateLoops":true,"responseLoopType":"feedback"}');
    const off = await account('follow-off', '{}');
    const taken = await account('follow-taken', '{"responsesCreateLoops":false}');
    await db
      .insertInto('journey_rules')
      .values({
        account_id: taken.id,
        name: 'Survey response follow-up',
        trigger: 'stay.checked_in',
        conditions: '{"all":[]}',
        action: '{}',
        enabled: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    expect(await migrateToLatest(t.db)).toEqual(migrationsAfter('2026-12-06T00-00-sms-delivery'));
    const rules = await db
      .selectFrom('journey_rules')
      .select(['account_id', 'name', 'trigger', 'enabled', 'builtin', 'action'])
      .where('account_id', 'in', [on.id, off.id, taken.id])
      .orderBy('account_id')
      .orderBy('id')
      .execute();
    expect(rules.map((r: any) => [r.account_id, r.name, r.trigger, Number(r.enabled), r.builtin])).toEqual([
      [on.id, 'Survey response follow-up', 'feedback.received', 1, 'survey-follow-up'],
      [off.id, 'Survey response follow-up', 'feedback.received', 0, 'survey-follow-up'],
      [taken.id, 'Survey response follow-up', 'stay.checked_in', 1, null],
      [taken.id, 'Survey response follow-up (default)', 'feedback.received', 0, 'survey-follow-up'],
    ]);
    expect(JSON.parse(rules[0].action)).toMatchObject({ type: 'open_request', loopType: null, title: 'Survey response' });
    const settingsColumns = async () => (await t.db.introspection.getTables()).find((x) => x.name === 'messaging_settings')!.columns.map((c) => c.name);
    expect(await settingsColumns()).toEqual(expect.arrayContaining(['mail_from', 'reply_to']));
    expect((await migrator.migrateTo('2026-12-06T00-00-sms-delivery')).error).toBeUndefined();
    expect(await settingsColumns()).not.toContain('mail_from');
    expect(await db.selectFrom('journey_rules').select('name').where('account_id', 'in', [on.id, off.id, taken.id]).execute()).toEqual([
      { name: 'Survey response follow-up' },
    ]);
    expect(await migrateToLatest(t.db)).toEqual(migrationsAfter('2026-12-06T00-00-sms-delivery'));
  });

  it('account score rollups: backfills ISO weeks and months of the whole account from the day rollups, and back', async () => {
    const before = '2026-12-07T07-00-import-checkpoints';
    const migrator = new Migrator({ db: t.db, provider: migrationProvider });
    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    const db = t.db as any;
    const { id: accountId } = await db
      .insertInto('accounts')
      .values({ slug: 'rollups', name: 'rollups', settings: '{}', page_secret: 'x', created_at: 1_700_000_000_000 })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Two hotels, two evaluations; 30 and 31 March and 1 April 2026 are in the ISO week of Monday 30 March.
    const day = (location_id: number, evaluation_id: number, day: string, answer_count: number, score_sum: number, promoters: number, detractors: number) => ({
      account_id: accountId,
      location_id,
      evaluation_id,
      semantic_id: 0,
      day,
      source: 'poststay',
      reputation_source: '',
      answer_count,
      scored_count: answer_count,
      score_sum,
      promoters,
      passives: answer_count - promoters - detractors,
      detractors,
    });
    await db
      .insertInto('score_rollups')
      .values([
        day(1, 1, '2026-03-30', 2, 1.5, 1, 0),
        day(2, 1, '2026-03-31', 1, 0, 0, 1),
        day(2, 2, '2026-04-01', 3, 2.25, 2, 0),
        day(1, 1, '2026-04-06', 1, 1, 1, 0),
      ])
      .execute();
    expect(await migrateToLatest(t.db)).toEqual(migrationsAfter(before));
    const account = () =>
      db
        .selectFrom('score_rollup_segments')
        .select(['grain', 'segment', 'location_id', 'evaluation_id', 'answer_count', 'score_sum', 'promoters', 'passives', 'detractors'])
        .where('account_id', '=', accountId)
        .where('grain', 'in', ['aw', 'am'])
        .orderBy('grain')
        .orderBy('segment')
        .execute();
    const rows = (await account()).map((r: any) => [
      r.grain,
      r.segment,
      r.location_id,
      r.evaluation_id,
      Number(r.answer_count),
      Number(r.score_sum),
      r.promoters,
      r.passives,
      r.detractors,
    ]);
    expect(rows).toEqual([
      ['am', '2026-03-01', 0, 0, 3, 1.5, 1, 1, 1],
      ['am', '2026-04-01', 0, 0, 4, 3.25, 3, 1, 0],
      ['aw', '2026-03-30', 0, 0, 6, 3.75, 3, 2, 1],
      ['aw', '2026-04-06', 0, 0, 1, 1, 1, 0, 0],
    ]);
    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    expect(await account()).toEqual([]);
    expect(await migrateToLatest(t.db)).toEqual(migrationsAfter(before));
  });
  it('leaner firing indexes: one unique key (rule_id, dedupe_key) for firings, provider ids and account jobs indexed only where read, and back', async () => {
    const migrator = new Migrator({ db: t.db, provider: migrationProvider });
    await migrateToLatest(t.db);
    const names = ['rule_firings_dedupe', 'rule_firings_cascade', 'messages_provider_id', 'jobs_account'];
    const indexes = async (): Promise<Record<string, string>> => {
      const rows =
        dialect === 'postgres'
          ? (
              await sql<{
                name: string;
                def: string;
              }>`select indexname as name, indexdef as def from pg_indexes where indexname in (${sql.join(names)})`.execute(t.db)
            ).rows
          : (
              await sql<{
                name: string;
                def: string;
              }>`select name, sql as def from sqlite_master where type = 'index' and name in (${sql.join(names)})`.execute(t.db)
            ).rows;
      return Object.fromEntries(rows.map((r) => [r.name, r.def.replace(/["\s]+/g, ' ').toLowerCase()]));
    };
    const latest = await indexes();
    expect(Object.keys(latest).sort()).toEqual(['jobs_account', 'messages_provider_id', 'rule_firings_dedupe']);
    expect(latest.rule_firings_dedupe).toMatch(/unique.*\( ?rule_id ?, ?dedupe_key ?\)/);
    expect(latest.messages_provider_id).toMatch(/where.*provider_id is not null/);
    expect(latest.jobs_account).toContain('messaging.send_sms');
    const before = '2026-12-08T00-00-retention-runs';
    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    const earlier = await indexes();
    expect(Object.keys(earlier).sort()).toEqual([...names].sort());
    expect(earlier.rule_firings_dedupe).toContain('account_id');
    expect(earlier.messages_provider_id).not.toContain('where');
    expect(earlier.jobs_account).not.toContain('messaging.send_sms');
    expect(await migrateToLatest(t.db)).toEqual(migrationsAfter(before));
  });
});
