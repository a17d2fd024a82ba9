import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeAttachment } from '../src/core/chat/attachments.js';
import { appendChatEvent } from '../src/core/chat/chat-events.js';
import { ensureChatSession } from '../src/core/chat/chat-sessions.js';
import { upsertContact } from '../src/core/contacts/upsert-contact.js';
import { addPoints } from '../src/core/loyalty/ledger.js';
import { ensureMember } from '../src/core/loyalty/members.js';
import { applyRetention } from '../src/core/retention/apply-retention.js';
import { writeContext } from '../src/core/shared/write-context.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { createPlace, seedGuest } from './helpers/guest-rows.js';

const DAY = 86_400_000;
/** Two years from now: what the tests seed today is then long past. */
const LATER = Date.now() + 730 * DAY;

// Retention: an account's settings, the hourly pass that applies them, and the admin API around them.
describe.each(dialects())('retention on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());
  const call = adminCall(() => t);
  const db = () => t.database.db;
  const guestExists = async (accountId: number, id: number) =>
    (await db().selectFrom('guests').select('id').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst()) !== undefined;

  it('erases guests inactive past the setting, keeping a future stay, recent activity and a loyalty balance', async () => {
    const { account, adminToken } = await createTestAccount(t);
    const accountId = account.id;
    const place = await createPlace(db(), accountId);
    const gone = await seedGuest(db(), accountId, place, 'gone', { name: 'Gone Guest', email: 'gone@example.test' });
    const booked = await seedGuest(db(), accountId, place, 'booked', { name: 'Booked Guest' });
    await upsertContact(writeContext(db(), accountId), {
      key: { source: 'loop', value: 'booked' },
      fields: {},
      stay: { locationId: place.locationId, bookingReference: 'next-year', arrivalAt: Date.parse('2099-01-01'), departureAt: Date.parse('2099-01-05') },
    });
    const chatting = await seedGuest(db(), accountId, place, 'chatting', { name: 'Chatting Guest' });
    await appendChatEvent(db(), accountId, chatting.sessionId, null, 'chatMessage', { content: 'still here' }, LATER - 10 * DAY);
    const member = await seedGuest(db(), accountId, place, 'member', { name: 'Member Guest' });
    await ensureMember(db(), accountId, member.guestId, 1_000);
    await db().updateTable('loyalty_members').set({ enrolled_at: 1_000 }).where('account_id', '=', accountId).where('guest_id', '=', member.guestId).execute();
    await db()
      .transaction()
      .execute((trx) => addPoints(trx, accountId, member.guestId, { points: 50, levelPoints: 50, concept: 'Welcome' }, 1_000));
    // loyalty operations are activity: make the member's old
    await db().updateTable('loyalty_operations').set({ created_at: 1_000 }).where('account_id', '=', accountId).execute();

    expect((await call(adminToken, 'PATCH', '/account', { settings: { guestRetentionMonths: 12 } })).statusCode).toBe(200);
    const runs = await applyRetention(db(), { now: LATER });
    expect(runs.get(accountId)).toMatchObject({ guestsErased: 1, guestsKept: 1, complete: true });
    expect(await guestExists(accountId, gone.guestId)).toBe(false);
    for (const kept of [booked, chatting, member]) expect(await guestExists(accountId, kept.guestId)).toBe(true);
    // the audit log says who erased whom
    const audit = (await call(adminToken, 'GET', '/audit')).json();
    expect(audit.items).toContainEqual(
      expect.objectContaining({ actor: { type: 'system', id: null, name: 'Retention' }, action: 'guests.erase', entityId: String(gone.guestId) }),
    );

    // the next pass is an hour later; another instance asking before then runs nothing
    expect((await applyRetention(db(), { now: LATER + 60_000 })).has(accountId)).toBe(false);
    const report = (await call(adminToken, 'GET', '/retention')).json();
    expect(report).toMatchObject({
      guestRetentionMonths: 12,
      chatRetentionDays: null,
      deliveryLogDays: null,
      lastRunAt: LATER,
      nextRunAt: LATER + 3_600_000,
      lastRun: { guestsErased: 1, guestsKept: 1, complete: true },
    });
  });

  it('keeps every guest of an account without guestRetentionMonths', async () => {
    const { account } = await createTestAccount(t);
    const place = await createPlace(db(), account.id);
    const guest = await seedGuest(db(), account.id, place, 'stays', { name: 'Staying Guest' });
    expect((await applyRetention(db(), { now: LATER })).get(account.id)).toMatchObject({ guestsErased: 0 });
    expect(await guestExists(account.id, guest.guestId)).toBe(true);
  });

  it('deletes chat messages and photos older than chatRetentionDays and keeps newer ones', async () => {
    const { account, adminToken } = await createTestAccount(t);
    const place = await createPlace(db(), account.id);
    const guest = await seedGuest(db(), account.id, place, 'chat', { name: 'Chat Guest' });
    const session = await ensureChatSession(db(), account.id, guest.guestId, place.locationId, 'en');
    await appendChatEvent(db(), account.id, session.id, null, 'chatMessage', { content: 'recent' }, LATER - 5 * DAY);
    await storeAttachment(db(), session, 'image/png', Buffer.from('old photo'), 1_000);
    await storeAttachment(db(), session, 'image/png', Buffer.from('new photo'), LATER - DAY);
    expect((await call(adminToken, 'PATCH', '/account', { settings: { chatRetentionDays: 30 } })).statusCode).toBe(200);

    expect((await applyRetention(db(), { now: LATER })).get(account.id)).toMatchObject({ chatMessagesDeleted: 1, photosDeleted: 1 });
    const left = await db().selectFrom('chat_events').select('payload').where('account_id', '=', account.id).execute();
    expect(left.map((e) => JSON.parse(e.payload).content)).toEqual(['recent']);
    const photos = await db().selectFrom('chat_attachments').select('data').where('account_id', '=', account.id).execute();
    expect(photos.map((p) => Buffer.from(p.data).toString())).toEqual(['new photo']);
  });

  it("forgets the personal data of an answer document given 'thirtyDays' thirty days after it came, keeping its answers", async () => {
    const { account } = await createTestAccount(t);
    const place = await createPlace(db(), account.id);
    const base = {
      account_id: account.id,
      evaluation_id: place.evaluationId,
      location_id: place.locationId,
      guest_id: null,
      stay_id: null,
      status: 'answered',
      source: 'poststay',
      updated_at: 0,
      guest_name: 'Eva Lind',
      guest_email: 'eva@example.test',
      reservation: 'R-1',
      loyalty_id: 'L-1',
      channel: null,
      device_id: null,
      reputation_source: null,
      checkin_date: null,
      checkout_date: null,
      sent_at: null,
      response_rate: null,
      external_id: null,
    };
    const now = Date.now();
    const docs = await db()
      .insertInto('answer_documents')
      .values([
        { ...base, retention: 'thirtyDays', received_at: now - 31 * DAY },
        { ...base, retention: 'thirtyDays', received_at: now - 29 * DAY },
        { ...base, retention: 'untilFurtherNotice', received_at: now - 400 * DAY },
      ])
      .returning('id')
      .execute();
    expect((await applyRetention(db(), { now })).get(account.id)).toMatchObject({ answerDocumentsForgotten: 1 });
    const rows = await db()
      .selectFrom('answer_documents')
      .select(['id', 'retention', 'guest_name', 'guest_email', 'reservation', 'loyalty_id', 'updated_at'])
      .where('account_id', '=', account.id)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: docs[0]!.id, retention: 'thirtyDays', guest_name: null, guest_email: null, reservation: null, loyalty_id: null, updated_at: now },
      {
        id: docs[1]!.id,
        retention: 'thirtyDays',
        guest_name: 'Eva Lind',
        guest_email: 'eva@example.test',
        reservation: 'R-1',
        loyalty_id: 'L-1',
        updated_at: 0,
      },
      {
        id: docs[2]!.id,
        retention: 'untilFurtherNotice',
        guest_name: 'Eva Lind',
        guest_email: 'eva@example.test',
        reservation: 'R-1',
        loyalty_id: 'L-1',
        updated_at: 0,
      },
    ]);
  });

  it('refuses retention settings out of range with a 400 and changes nothing; a change makes the next pass due', async () => {
    const { account, adminToken } = await createTestAccount(t);
    for (const settings of [
      { guestRetentionMonths: 1 },
      { guestRetentionMonths: 'ever' },
      { chatRetentionDays: 3 },
      { deliveryLogDays: 0 },
      { deliveryLogDays: 1.5 },
    ]) {
      const res = await call(adminToken, 'PATCH', '/account', { settings });
      expect(res.statusCode, JSON.stringify(settings)).toBe(400);
    }
    expect((await call(adminToken, 'GET', '/retention')).json()).toMatchObject({ guestRetentionMonths: null, chatRetentionDays: null, deliveryLogDays: null });

    expect((await applyRetention(db(), { now: LATER })).has(account.id)).toBe(true);
    expect((await call(adminToken, 'PATCH', '/account', { settings: { deliveryLogDays: 7 } })).statusCode).toBe(200);
    expect((await call(adminToken, 'GET', '/retention')).json().nextRunAt).toBeLessThanOrEqual(Date.now());
    expect((await call(adminToken, 'PATCH', '/account', { settings: { deliveryLogDays: null } })).json().settings.deliveryLogDays).toBeUndefined();
  });
});
