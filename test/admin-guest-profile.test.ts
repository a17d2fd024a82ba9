import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerDocument } from '../src/core/feedback/answer-documents.js';
import { addPoints, redeemPoints } from '../src/core/loyalty/ledger.js';
import { ensureMember } from '../src/core/loyalty/members.js';
import { mergeGuests } from '../src/core/merges/merge-guests.js';
import { writeContext } from '../src/core/shared/write-context.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { createPlace, seedGuest } from './helpers/guest-rows.js';

// Admin API: a guest's timeline across modules, the export of everything held, and erasure.
describe.each(dialects())('admin guest profile on %s', (dialect) => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seed>>;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    s = await seed();
  });
  afterAll(async () => t?.close());
  const call = adminCall(() => t);

  /** A guest with a row in every module: stay, journey, loop, answers, chat, loyalty, a message, a merge. */
  async function seed() {
    const { account, adminToken } = await createTestAccount(t);
    const db = t.database.db;
    const accountId = account.id;
    const place = await createPlace(db, accountId);
    const main = await seedGuest(db, accountId, place, 'ann', { name: 'Ann Guest', email: 'ann@example.test' });
    const other = await seedGuest(db, accountId, await createPlace(db, accountId, 'Bar'), 'ann2', { name: 'Ann G.', email: 'ann.g@example.test' });
    await db.transaction().execute((trx) => mergeGuests(writeContext(trx, accountId, 'admin'), main.guestId, other.guestId));
    const survey = (
      await call(adminToken, 'POST', '/surveys', {
        name: 'Stay',
        locationIds: [place.locationId],
        sections: [
          {
            questions: [
              { type: 'radio', title: 'Recommend?', semanticId: 0 },
              { type: 'text', title: 'Anything else?' },
            ],
          },
        ],
      })
    ).json();
    const [nps, comment] = survey.questionSet.sections[0].questions;
    const answered = await db.transaction().execute((trx) =>
      createAnswerDocument(writeContext(trx, accountId), {
        locationId: place.locationId,
        evaluationId: survey.id,
        guestId: main.guestId,
        guestName: 'Ann Guest',
        guestEmail: 'ann@example.test',
        source: 'poststay',
        checkoutDate: '2026-04-02',
        receivedAt: Date.parse('2026-04-03T10:00:00Z'),
        answers: [
          { questionId: nps.id, optionId: nps.options[10].id },
          { questionId: comment.id, text: 'Room 12 was lovely, call me on +34 600 000 000' },
        ],
      }),
    );
    await ensureMember(db, accountId, main.guestId, 5_000);
    await db.updateTable('loyalty_members').set({ enrolled_at: 5_000 }).where('account_id', '=', accountId).where('guest_id', '=', main.guestId).execute();
    await db.transaction().execute((trx) => addPoints(trx, accountId, main.guestId, { points: 120, levelPoints: 120, concept: 'Welcome' }, 6_000));
    await db
      .insertInto('messages')
      .values({
        account_id: accountId,
        guest_id: main.guestId,
        stay_id: main.stayId,
        rule_id: null,
        template: 'welcome',
        channel: 'email',
        language: 'en',
        recipient: 'ann@example.test',
        variables: '{}',
        subject: 'Welcome',
        body_html: null,
        body_text: 'Welcome Ann',
        status: 'sent',
        due_at: 7_000,
        attempts: 1,
        last_error: null,
        unsubscribe_token: `token-${accountId}`,
        expires_at: 9_000_000_000_000,
        created_at: 7_000,
        updated_at: 7_000,
        sent_at: 7_000,
      })
      .execute();
    return { accountId, adminToken, place, main, other, survey, documentId: answered.document.id };
  }

  const timeline = async (id: number, query = '') => {
    const res = await call(s.adminToken, 'GET', `/guests/${id}/timeline${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('shows one timeline across every module, newest first', async () => {
    const body = await timeline(s.main.guestId, '?limit=200');
    expect(body).toMatchObject({ guestId: s.main.guestId, requestedId: s.main.guestId, next: null });
    const kinds = new Set(body.items.map((i: any) => i.kind));
    for (const kind of [
      'stay',
      'journey.event',
      'request',
      'request.activity',
      'chat.message',
      'survey.answer',
      'loyalty.operation',
      'message',
      'guest.merged',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    // Both guests' stays, loops, chats (moved by the merge) are there.
    expect(
      body.items
        .filter((i: any) => i.kind === 'stay')
        .map((i: any) => i.ref.id)
        .sort(),
    ).toEqual([s.main.stayId, s.other.stayId].sort());
    const ats = body.items.map((i: any) => i.at);
    expect(ats).toEqual([...ats].sort((a, b) => b - a));
    const message = body.items.find((i: any) => i.kind === 'message');
    expect(message).toMatchObject({ ref: { type: 'message' }, data: { channel: 'email', status: 'sent', template: 'welcome' } });
    expect(body.items.find((i: any) => i.kind === 'loyalty.operation')).toMatchObject({ at: 6_000, data: { kind: 'earn', points: 120 } });
    expect(body.items.find((i: any) => i.kind === 'survey.answer')).toMatchObject({ ref: { type: 'answer_document', id: s.documentId } });
    // A merged-away id answers with its survivor.
    expect((await timeline(s.other.guestId, '?limit=1')).guestId).toBe(s.main.guestId);
  });

  it('pages by cursor without gaps or repeats, ties of time included', async () => {
    const whole = (await timeline(s.main.guestId, '?limit=200')).items;
    expect(whole.length).toBeGreaterThan(8);
    const paged: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await timeline(s.main.guestId, `?limit=2${cursor ? `&before=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.items);
      cursor = page.next;
    } while (cursor);
    expect(paged).toEqual(whole);
    expect((await call(s.adminToken, 'GET', `/guests/${s.main.guestId}/timeline?before=nonsense`)).statusCode).toBe(400);
    expect((await call(s.adminToken, 'GET', '/guests/99999999/timeline')).statusCode).toBe(404);
  });

  it('exports everything held about the guest, without secrets', async () => {
    const res = await call(s.adminToken, 'GET', `/guests/${s.main.guestId}/export`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="guest-${s.main.guestId}.json"`);
    const body = res.json();
    expect(body.guest).toMatchObject({ id: s.main.guestId, name: 'Ann Guest', email: 'ann@example.test' });
    expect(body.mergedGuests.map((g: any) => g.id)).toEqual([s.other.guestId]);
    expect(body.keys.map((k: any) => k.key).sort()).toEqual(['ann', 'ann-extra', 'ann2', 'ann2-extra']);
    expect(body.stays).toHaveLength(2);
    expect(body.journeyEvents.length).toBeGreaterThanOrEqual(2);
    expect(body.requests).toHaveLength(2);
    expect(body.requests[0].activities.length).toBeGreaterThan(0);
    expect(body.chat.events.map((e: any) => e.payload.content).sort()).toEqual(['hello from ann', 'hello from ann2']);
    const document = body.answerDocuments.find((d: any) => d.id === s.documentId);
    expect(document).toMatchObject({ guestName: 'Ann Guest', guestEmail: 'ann@example.test' });
    expect(document.answers.map((a: any) => a.text)).toContain('Room 12 was lovely, call me on +34 600 000 000');
    expect(body.loyalty.members).toEqual([expect.objectContaining({ guestId: s.main.guestId, points: 120, hasPassword: false })]);
    expect(body.loyalty.members[0]).not.toHaveProperty('passwordHash');
    expect(body.loyalty.operations).toHaveLength(1);
    expect(body.messages).toEqual([expect.objectContaining({ recipient: 'ann@example.test', status: 'sent' })]);
    expect(body.messages[0]).not.toHaveProperty('unsubscribeToken');
    expect(body.merges).toHaveLength(1);
  });

  it('refuses to erase a member with points (409, nothing changes) unless forced; erases once, then answers erased: false', async () => {
    const scores = async () =>
      (await call(s.adminToken, 'GET', `/dashboards/scores?from=2026-04-01&to=2026-04-30&locationIds=${s.place.locationId}`)).json().total;
    const before = await scores();
    expect(before.nps).toMatchObject({ promoters: 1, responses: 1, nps: 100 });

    const refused = await call(s.adminToken, 'POST', `/guests/${s.main.guestId}/erase`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'loyalty_balance' });
    expect(refused.json().error.message).toContain('120 points');
    expect((await call(s.adminToken, 'GET', `/guests/${s.main.guestId}`)).statusCode).toBe(200);

    const erased = await call(s.adminToken, 'POST', `/guests/${s.other.guestId}/erase?force=true`);
    expect(erased.statusCode, erased.body).toBe(200);
    expect(erased.json()).toMatchObject({ guestId: s.main.guestId, erased: true, guestIds: [s.main.guestId, s.other.guestId] });
    expect(erased.json().removed).toMatchObject({ answerDocumentsAnonymised: 3, requests: 2, chatSessions: 2, messages: 1, loyaltyMembers: 1, guests: 2 });

    for (const id of [s.main.guestId, s.other.guestId]) {
      expect((await call(s.adminToken, 'GET', `/guests/${id}`)).statusCode).toBe(404);
      expect((await call(s.adminToken, 'GET', `/guests/${id}/timeline`)).statusCode).toBe(404);
      expect((await call(s.adminToken, 'GET', `/guests/${id}/export`)).statusCode).toBe(404);
    }
    // Statistics keep the answers, anonymised.
    expect(await scores()).toEqual(before);
    const db = t.database.db;
    const document = await db.selectFrom('answer_documents').selectAll().where('id', '=', s.documentId).executeTakeFirstOrThrow();
    expect(document).toMatchObject({ guest_id: null, stay_id: null, guest_name: null, guest_email: null, retention: 'anonymous' });
    const answers = await db.selectFrom('answers').select(['text', 'option_id']).where('answer_document_id', '=', s.documentId).orderBy('id').execute();
    expect(answers.map((a) => a.text)).toEqual([null, null]);
    expect(answers[0].option_id).not.toBeNull();
    for (const table of ['loops', 'chat_sessions', 'messages', 'loyalty_members', 'loyalty_operations', 'guest_keys', 'stays'] as const) {
      const left = await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', s.accountId)
        .executeTakeFirstOrThrow();
      expect(Number(left.n), table).toBe(0);
    }
    // The Contacts face's change feed sees the deletion: a tombstone for each guest.
    const tombstones = await db.selectFrom('guest_tombstones').select('guest_id').where('account_id', '=', s.accountId).execute();
    expect(tombstones.map((r) => r.guest_id).sort()).toEqual([s.main.guestId, s.other.guestId].sort());

    const again = await call(s.adminToken, 'POST', `/guests/${s.main.guestId}/erase`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ guestId: s.main.guestId, erased: false, guestIds: [], removed: {} });
    expect((await call(s.adminToken, 'POST', '/guests/99999999/erase')).statusCode).toBe(404);
  });

  it('erases a member whose balance is spent without force', async () => {
    const { account, adminToken } = await createTestAccount(t);
    const db = t.database.db;
    const place = await createPlace(db, account.id);
    const guest = await seedGuest(db, account.id, place, 'bo', { name: 'Bo', email: 'bo@example.test' });
    await ensureMember(db, account.id, guest.guestId, 5_000);
    await db.updateTable('loyalty_members').set({ enrolled_at: 5_000 }).where('account_id', '=', account.id).execute();
    await db.transaction().execute((trx) => addPoints(trx, account.id, guest.guestId, { points: 10, levelPoints: 10 }, 6_000));
    await db.transaction().execute((trx) => redeemPoints(trx, account.id, guest.guestId, { points: 10 }, 7_000));
    const res = await call(adminToken, 'POST', `/guests/${guest.guestId}/erase`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().removed).toMatchObject({ loyaltyMembers: 1, loyaltyOperations: 2 });
    const moves = await db.selectFrom('loyalty_lot_moves').select('id').where('account_id', '=', account.id).execute();
    expect(moves).toEqual([]);
  });
});
