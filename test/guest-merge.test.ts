import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../src/core/accounts/accounts.js';
import { deleteGuest, findGuestByKey } from '../src/core/guests/guest-keys.js';
import { findGuest, findGuestRow } from '../src/core/guests/guests.js';
import { resolveArrival } from '../src/core/guests/identity.js';
import { recordMatch } from '../src/core/guests/match-records.js';
import { mergeGuests } from '../src/core/merges/merge-guests.js';
import { splitGuest } from '../src/core/merges/split-guest.js';
import { isAppError } from '../src/core/shared/errors.js';
import type { Db } from '../src/db/database.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';
import { accountRows, createPlace, seedGuest } from './helpers/guest-rows.js';
import { writeContext } from '../src/core/shared/write-context.js';

const merge = (db: Db, accountId: number, survivorId: number, otherId: number) =>
  db.transaction().execute((trx) => mergeGuests(writeContext(trx, accountId, 'test'), survivorId, otherId));
const split = (db: Db, accountId: number, guestId: number, source: string, value: string) =>
  db.transaction().execute((trx) => splitGuest(writeContext(trx, accountId, 'test'), guestId, source, value));

/** The error a refused call throws, as {status, message}. */
async function refusal(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (isAppError(err)) return { status: err.status, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

let counter = 0;

describe.each(dialects())('guest merge and split on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t?.destroy());

  /** An account with two guests at two places, each holding a row in every guest-linked table. */
  async function twoGuests() {
    const account = await createAccount(t.db, `merge-${++counter}`);
    const [lobby, spa] = [await createPlace(t.db, account.id, 'Lobby'), await createPlace(t.db, account.id, 'Spa')];
    const ada = await seedGuest(t.db, account.id, lobby, 'A1', { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.test' });
    const bea = await seedGuest(t.db, account.id, spa, 'B1', { firstName: 'Ada', mobile: '+46730442480', language: 'sv', customFields: { pillow: 'soft' } });
    return { accountId: account.id, lobby, spa, ada, bea };
  }

  it('moves everything to the survivor, fills its empty fields, and split restores every row exactly', async () => {
    const { accountId, ada, bea } = await twoGuests();
    // the same decision recorded for both: the merged guest's row stays with it (the survivor has its twin)
    for (const guestId of [ada.guestId, bea.guestId])
      await recordMatch(t.db, accountId, guestId, { rule: 'new', source: 'loop', identifier: 'x', reason: 'name_conflict' }, 5_000);
    const before = await accountRows(t.db, accountId);

    const merged = await merge(t.db, accountId, ada.guestId, bea.guestId);
    expect(merged.survivor).toMatchObject({ email: 'ada@example.test', mobile: '+46730442480', language: 'sv', first_name: 'Ada', last_name: 'Lovelace' });
    expect(JSON.parse(merged.survivor.custom_fields)).toEqual({ pillow: 'soft' });
    expect(merged.merged).toMatchObject({ id: bea.guestId, email: null, mobile: null, merged_into_id: ada.guestId });
    expect(merged.filled).toEqual({ mobile: '+46730442480', language: 'sv', custom_fields: { pillow: 'soft' } });
    expect(merged.moved.guest_keys).toEqual(
      expect.arrayContaining([
        ['loop', 'B1'],
        ['loop', 'B1-extra'],
      ]),
    );
    for (const table of ['stays', 'journey_events', 'loops', 'loop_activities', 'answer_documents', 'chat_sessions', 'guest_matches']) {
      expect(merged.moved[table], table).toBeDefined();
    }
    const during = await accountRows(t.db, accountId);
    for (const table of ['stays', 'journey_events', 'answer_documents', 'chat_sessions', 'guest_keys']) {
      expect(
        (during[table] as Array<{ guest_id: number }>).every((r) => r.guest_id === ada.guestId),
        table,
      ).toBe(true);
    }
    expect((during.guest_matches as Array<{ guest_id: number }>).filter((r) => r.guest_id === bea.guestId)).toHaveLength(1);
    expect((await findGuest(t.db, accountId, bea.guestId))?.id).toBe(ada.guestId);
    expect((await findGuestByKey(t.db, accountId, 'loop', 'B1'))?.id).toBe(ada.guestId);
    // matching never finds the merged-away guest: the survivor holds the mobile now
    const arrival = await resolveArrival(writeContext(t.db, accountId), { source: 'test', fields: { mobile: '+46 73 044 24 80' } });
    expect(arrival.guest.id).toBe(ada.guestId);
    const afterArrival = await accountRows(t.db, accountId);
    await t.db.deleteFrom('guest_matches').where('account_id', '=', accountId).where('source', '=', 'test').where('rule', '=', 'mobile').execute();

    const restored = await split(t.db, accountId, bea.guestId, 'loop', 'B1'); // a merged id names its survivor
    expect(restored.restoredMergeId).toBe(Number(merged.merge.id));
    expect(restored.splitOff.id).toBe(bea.guestId);
    expect(restored.guest.id).toBe(ada.guestId);
    expect(afterArrival.guests).toEqual(during.guests);
    expect(await accountRows(t.db, accountId)).toEqual(before);
    const row = await t.db.selectFrom('guest_merges').selectAll().where('id', '=', merged.merge.id).executeTakeFirstOrThrow();
    expect(row.split_at).toEqual(expect.any(Number));
    expect(JSON.parse(row.snapshot)).toMatchObject({ id: bea.guestId, mobile: '+46730442480', merged_into_id: null });
  });

  it('follows a chain of merges, and splits undo them one at a time', async () => {
    const { accountId, lobby, ada, bea } = await twoGuests();
    const cleo = await seedGuest(t.db, accountId, { ...lobby, locationId: (await createPlace(t.db, accountId, 'Bar')).locationId }, 'C1', {
      firstName: 'Cleo',
    });
    const before = await accountRows(t.db, accountId);
    await merge(t.db, accountId, ada.guestId, bea.guestId);
    await merge(t.db, accountId, cleo.guestId, ada.guestId);
    expect((await findGuest(t.db, accountId, bea.guestId))?.id).toBe(cleo.guestId);
    expect((await findGuestRow(t.db, accountId, bea.guestId))?.merged_into_id).toBe(cleo.guestId);
    const again = await refusal(merge(t.db, accountId, cleo.guestId, bea.guestId));
    expect(again).toEqual({ status: 409, message: expect.stringContaining(`merged into guest ${cleo.guestId}`) });

    const first = await split(t.db, accountId, cleo.guestId, 'loop', 'B1');
    expect(first.splitOff.id).toBe(ada.guestId);
    expect((await findGuest(t.db, accountId, bea.guestId))?.id).toBe(ada.guestId);
    const second = await split(t.db, accountId, ada.guestId, 'loop', 'B1');
    expect(second.splitOff.id).toBe(bea.guestId);
    expect(await accountRows(t.db, accountId)).toEqual(before);
  });

  it('refuses what it cannot merge, and changes nothing', async () => {
    const { accountId, lobby, ada, bea } = await twoGuests();
    // a chat session of each guest at one location
    const dee = await seedGuest(t.db, accountId, lobby, 'D1', { firstName: 'Dee' });
    const before = await accountRows(t.db, accountId);
    expect(await refusal(merge(t.db, accountId, ada.guestId, dee.guestId))).toEqual({
      status: 409,
      message: `both guests have a chat session at location ${lobby.locationId}; close or move one first`,
    });
    expect((await refusal(merge(t.db, accountId, ada.guestId, ada.guestId))).status).toBe(400);
    expect(await refusal(merge(t.db, accountId, ada.guestId, 999_999))).toEqual({ status: 404, message: 'guest 999999 not found' });
    const other = await createAccount(t.db, `merge-other-${counter}`);
    expect((await refusal(merge(t.db, other.id, ada.guestId, bea.guestId))).status).toBe(404);
    expect(await accountRows(t.db, accountId)).toEqual(before);
    expect(await t.db.selectFrom('guest_merges').select('id').where('account_id', '=', accountId).execute()).toEqual([]);
  });

  it('splits a key that came by no merge off to a new guest with its stay and what hangs on it', async () => {
    const { accountId, ada } = await twoGuests();
    const result = await split(t.db, accountId, ada.guestId, 'loop', 'A1');
    expect(result.restoredMergeId).toBeNull();
    const fresh = result.splitOff;
    expect(fresh).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', name: 'Ada Lovelace', email: null, mobile: null, merged_into_id: null });
    expect(result.moved).toEqual({ guest_keys: 1, stays: 1, journey_events: 1, answer_documents: 1, chat_events: 1 });
    const rows = await accountRows(t.db, accountId);
    const stay = (rows.stays as Array<{ id: number; guest_id: number }>).find((s) => s.id === ada.stayId)!;
    expect(stay.guest_id).toBe(fresh.id);
    expect((await findGuestByKey(t.db, accountId, 'loop', 'A1'))?.id).toBe(fresh.id);
    expect((await findGuestByKey(t.db, accountId, 'loop', 'A1-extra'))?.id).toBe(ada.guestId);
    expect((rows.loops as Array<{ creator_guest_id: number }>).filter((l) => l.creator_guest_id === ada.guestId)).toHaveLength(1);
    const sessions = rows.chat_sessions as Array<{ id: number; guest_id: number; location_id: number }>;
    const freshSession = sessions.find((s) => s.guest_id === fresh.id)!;
    expect(freshSession.location_id).toBe(sessions.find((s) => s.id === ada.sessionId)!.location_id);
    expect((rows.chat_events as Array<{ session_id: number }>).map((e) => e.session_id)).toContain(freshSession.id);
    expect(rows.guest_matches).toContainEqual(
      expect.objectContaining({ guest_id: fresh.id, rule: 'new', reason: 'split', identifier: 'loop:A1', source: 'test' }),
    );
    expect((await findGuestRow(t.db, accountId, ada.guestId))?.email).toBe('ada@example.test');

    expect((await refusal(split(t.db, accountId, ada.guestId, 'loop', 'A1'))).status).toBe(404);
    expect((await refusal(split(t.db, accountId, 999_999, 'loop', 'A1-extra'))).status).toBe(404);
    expect((await refusal(split(t.db, accountId, ada.guestId, '', 'A1-extra'))).status).toBe(400);
  });

  it('deletes the guests merged into a guest with it', async () => {
    const { accountId, ada, bea } = await twoGuests();
    await merge(t.db, accountId, ada.guestId, bea.guestId);
    expect(await deleteGuest(t.db, accountId, ada.guestId)).toBe(true);
    expect(await findGuestRow(t.db, accountId, bea.guestId)).toBeUndefined();
    expect(await findGuest(t.db, accountId, bea.guestId)).toBeUndefined();
  });
});
