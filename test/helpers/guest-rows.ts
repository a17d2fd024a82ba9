import { attachGuestKey } from '../../src/core/guests/guest-keys.js';
import type { GuestFields } from '../../src/core/guests/guests.js';
import { recordMatch } from '../../src/core/guests/match-records.js';
import { upsertContact } from '../../src/core/contacts/upsert-contact.js';
import { appendChatEvent } from '../../src/core/chat/chat-events.js';
import { ensureChatSession } from '../../src/core/chat/chat-sessions.js';
import { recordGuestEvent } from '../../src/core/contacts/record-guest-event.js';
import { createLocation } from '../../src/core/locations/locations.js';
import { openLoop } from '../../src/core/requests/loops.js';
import type { Db } from '../../src/db/database.js';
import { writeContext } from '../../src/core/shared/write-context.js';

/* Guests holding a row in every table that refers to a guest, and a snapshot of those tables. */

/** A location and a survey to hang guests' stays, loops and answers on. */
export async function createPlace(db: Db, accountId: number, name = 'Lobby') {
  const location = await createLocation(db, accountId, { title: { en: name } });
  const evaluation = await db
    .insertInto('evaluations')
    .values({ account_id: accountId, name: `${name} survey`, shortcode: null, description: null, question_order_randomized: 0, created_at: 1 })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { locationId: location.id, evaluationId: evaluation.id };
}

/**
 * A guest under the Loop key `key` with a keyed stay at `locationId`, a check-in journey event, a
 * loop it opened, an answer document of the stay, a chat session with a message of the stay, a
 * recorded match and a second key (`<key>-extra`) without a stay.
 */
export async function seedGuest(db: Db, accountId: number, place: { locationId: number; evaluationId: number }, key: string, fields: GuestFields) {
  const loopKey = { source: 'loop', value: key };
  const { guest, stay } = await upsertContact(writeContext(db, accountId), { key: loopKey, fields, stay: { locationId: place.locationId, room: key } });
  await recordGuestEvent(writeContext(db, accountId), guest, { type: 'stay.checked_in', key: loopKey, source: 'loop', occurredAt: 1_000 });
  const { loop } = await openLoop(writeContext(db, accountId), {
    locationId: place.locationId,
    creatorGuestId: guest.id,
    creatorName: fields.name,
    description: `request of ${key}`,
  });
  await db
    .insertInto('answer_documents')
    .values({
      account_id: accountId,
      evaluation_id: place.evaluationId,
      location_id: place.locationId,
      guest_id: guest.id,
      stay_id: stay!.id,
      status: 'completed',
      source: 'poststay',
      received_at: 2_000,
      updated_at: 2_000,
      retention: null,
      guest_name: null,
      guest_email: null,
      reservation: null,
      loyalty_id: null,
      channel: null,
      device_id: null,
      reputation_source: null,
      checkin_date: null,
      checkout_date: null,
      sent_at: null,
      response_rate: null,
      external_id: null,
    })
    .execute();
  const session = await ensureChatSession(db, accountId, guest.id, place.locationId, 'en');
  await appendChatEvent(db, accountId, session.id, stay!.id, 'chatMessage', { content: `hello from ${key}` }, 3_000);
  await recordMatch(db, accountId, guest.id, { rule: 'email', source: 'test', identifier: `${key}@example.test` }, 4_000);
  await attachGuestKey(db, accountId, 'loop', `${key}-extra`, guest.id);
  return { guestId: guest.id, stayId: stay!.id, loopId: loop.id, sessionId: session.id };
}

const TABLES = [
  'guests',
  'guest_keys',
  'stays',
  'journey_events',
  'loops',
  'loop_activities',
  'answer_documents',
  'chat_sessions',
  'chat_events',
  'guest_matches',
] as const;

/** Every row of the account in each table that refers to a guest (guests without updated_at). */
export async function accountRows(db: Db, accountId: number): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const rows = await (db as any).selectFrom(table).selectAll().where('account_id', '=', accountId).execute();
    const sorted = rows
      .map((row: Record<string, unknown>) => {
        if (table !== 'guests') return row;
        // When and how often a guest was written (updated_at, version) moves with every write, an undoing included.
        const { updated_at: _updated, version: _version, ...rest } = row;
        return rest;
      })
      .sort((a: any, b: any) => (table === 'guest_keys' ? `${a.source}:${a.key}`.localeCompare(`${b.source}:${b.key}`) : Number(a.id) - Number(b.id)));
    out[table] = sorted;
  }
  return out;
}
