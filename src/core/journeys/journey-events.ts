import { reassignRows } from '../../db/reassign-rows.js';
import type { Db } from '../../db/database.js';
import type { Guest, JourneyEvent, Stay } from '../../db/schema.js';
import { prepared } from '../../db/prepared.js';
import { isJourneyEventType, type JourneyEventType } from './event-types.js';
import { recordEvent } from '../events/record-event.js';
import type { WriteContext } from '../shared/write-context.js';
import { runRules } from './rule-engine.js';

// The timeline grows with every event a PMS sends: the insert is compiled once (db/prepared.ts).
const insertEvent = prepared(
  (
    db,
    accountId: number,
    guestId: number,
    stayId: number | null,
    locationId: number | null,
    type: string,
    occurredAt: number,
    source: string,
    payload: string,
    createdAt: number,
  ) =>
    db
      .insertInto('journey_events')
      .values({
        account_id: accountId,
        guest_id: guestId,
        stay_id: stayId,
        location_id: locationId,
        type,
        occurred_at: occurredAt,
        source,
        payload,
        created_at: createdAt,
      })
      .returningAll(),
);

export interface JourneyEventInput {
  guestId: number;
  stayId?: number | null;
  locationId?: number | null;
  /** a type of the one scheme (event-types.ts); faces translate their words before */
  type: JourneyEventType;
  occurredAt?: number;
  source: string;
  payload?: Record<string, unknown>;
  /** the guest and stay rows as the recording command has them, for the rules (read when absent) */
  rows?: { guest?: Guest; stay?: Stay | null };
}

/**
 * Appends an event to the guest's journey timeline, in the caller's transaction together with the
 * change that caused it, and runs the account's rules on it there (rule-engine.ts): what they
 * queue is rolled back with the change.
 */
export async function recordJourneyEvent(ctx: WriteContext, input: JourneyEventInput): Promise<JourneyEvent> {
  const { trx: db, accountId } = ctx;
  if (!isJourneyEventType(input.type)) throw new Error(`journey event type "${input.type}" is not of the scheme (journeys/event-types.ts)`);
  const now = Date.now();
  const { rows } = await insertEvent(
    db,
    accountId,
    input.guestId,
    input.stayId ?? null,
    input.locationId ?? null,
    input.type,
    input.occurredAt ?? now,
    input.source,
    JSON.stringify(input.payload ?? {}),
    now,
  );
  const event = rows[0] as JourneyEvent;
  await recordEvent(ctx, { type: 'journey.event', subjects: { guestId: input.guestId, stayId: input.stayId ?? null }, data: event, at: now });
  await runRules(db, accountId, { event, guest: input.rows?.guest, stay: input.rows?.stay }, now);
  return event;
}

/** A guest's timeline, oldest first. */
export async function listJourneyEvents(db: Db, accountId: number, guestId: number): Promise<JourneyEvent[]> {
  return db
    .selectFrom('journey_events')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('guest_id', '=', guestId)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
}

/**
 * Gives `from`'s journey events to `to` when a guest is merged, split or restored: all of them, or
 * only `ids`, or only those of the stays `stayIds` (the stays that went along). Returns the ids moved.
 */
export async function reassignJourneyEvents(
  db: Db,
  accountId: number,
  from: number,
  to: number,
  only: { ids?: readonly number[]; stayIds?: readonly number[] } = {},
): Promise<number[]> {
  const { ids, idColumn } = only.stayIds ? { ids: only.stayIds, idColumn: 'stay_id' } : { ids: only.ids, idColumn: 'id' };
  return reassignRows(db, { table: 'journey_events', column: 'guest_id', accountId, from, to, ids, idColumn });
}

/** One event of the account's timelines, or undefined. */
export async function findJourneyEvent(db: Db, accountId: number, id: number): Promise<JourneyEvent | undefined> {
  return db.selectFrom('journey_events').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

/** The account's last `limit` journey events, newest first (a rule's dry run replays them). */
export async function listRecentJourneyEvents(db: Db, accountId: number, limit: number): Promise<JourneyEvent[]> {
  return db.selectFrom('journey_events').selectAll().where('account_id', '=', accountId).orderBy('id', 'desc').limit(limit).execute();
}
