import { reassignRows } from '../../db/reassign-rows.js';
import type { Db } from '../../db/database.js';
import type { Loop, LoopActivity } from '../../db/schema.js';
import { parseJson } from '../shared/json.js';
import { recordEvent } from '../events/record-event.js';
import type { WriteContext } from '../shared/write-context.js';
import { guestWaiting } from '../inbox/threads.js';

/** A guest request ("loop") as a face hands it over; ids are already resolved. */
export interface LoopInput {
  locationId: number;
  loopTypeId?: number | null;
  creatorGuestId?: number | null;
  /** who opened it, for the opening activity */
  creatorName?: string | null;
  source?: string | null;
  deviceId?: string | null;
  title?: string | null;
  description?: string | null;
  medium?: string | null;
  createDevice?: string | null;
  customFields?: Record<string, string>;
  answerDocumentId?: number | null;
  createdAt?: number;
  /** contact details of the opener, kept on the opening activity */
  contact?: { email?: string | null; sms?: string | null };
}

/**
 * Opens a loop and records its opening activity in one go. Run inside a transaction: the loop
 * and its first activity exist together or not at all.
 */
export async function openLoop(ctx: WriteContext, input: LoopInput): Promise<{ loop: Loop; activity: LoopActivity }> {
  const { trx: db, accountId } = ctx;
  const createdAt = input.createdAt ?? Date.now();
  const contactable = Boolean(input.creatorGuestId && (input.contact?.email || input.contact?.sms));
  const loop = await db
    .insertInto('loops')
    .values({
      account_id: accountId,
      location_id: input.locationId,
      loop_type_id: input.loopTypeId ?? null,
      creator_guest_id: input.creatorGuestId ?? null,
      source: input.source ?? null,
      device_id: input.deviceId ?? null,
      title: input.title ?? null,
      description: input.description ?? null,
      state: 'open',
      medium: input.medium ?? null,
      create_device: input.createDevice ?? null,
      contactable: contactable ? 1 : 0,
      custom_fields: JSON.stringify(input.customFields ?? {}),
      answer_document_id: input.answerDocumentId ?? null,
      created_at: createdAt,
      updated_at: createdAt,
      last_viewed_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const data: Record<string, unknown> = { date: createdAt };
  if (input.contact?.email) data.email = input.contact.email;
  if (input.contact?.sms) data.sms = input.contact.sms;
  if (input.description) data.description = input.description;
  const activity = await db
    .insertInto('loop_activities')
    .values({
      account_id: accountId,
      loop_id: loop.id,
      type: 'open',
      occurred_at: createdAt,
      data: JSON.stringify(data),
      person_kind: input.creatorGuestId ? 'customer' : 'anonymous',
      person_name: input.creatorName ?? null,
      person_guest_id: input.creatorGuestId ?? null,
      system: 0,
      automated: 0,
      confirmed: 1,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvent(ctx, {
    type: 'request.opened',
    subjects: { requestId: loop.id, guestId: loop.creator_guest_id },
    data: { ...loop, activities: [activity] },
    at: createdAt,
  });
  await guestWaiting(ctx, { kind: 'request', id: loop.id, locationId: loop.location_id, guestId: loop.creator_guest_id }, createdAt);
  return { loop, activity };
}

/** Each loop with its activities (one query for all of them), oldest activity first. */
async function withActivities(db: Db, accountId: number, loops: Loop[]): Promise<Array<Loop & { activities: LoopActivity[] }>> {
  if (loops.length === 0) return [];
  const activities = await db
    .selectFrom('loop_activities')
    .selectAll()
    .where('account_id', '=', accountId)
    .where(
      'loop_id',
      'in',
      loops.map((l) => l.id),
    )
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
  return loops.map((loop) => ({ ...loop, activities: activities.filter((a) => a.loop_id === loop.id) }));
}

/** Loops opened by a guest, newest first, each with its activities (oldest first). */
export async function listLoopsOfGuest(db: Db, accountId: number, guestId: number): Promise<Array<Loop & { activities: LoopActivity[] }>> {
  const loops = await db
    .selectFrom('loops')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('creator_guest_id', '=', guestId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return withActivities(db, accountId, loops);
}

export async function findLoop(db: Db, accountId: number, id: number): Promise<(Loop & { activities: LoopActivity[] }) | undefined> {
  const loop = await db.selectFrom('loops').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (!loop) return undefined;
  const activities = await db
    .selectFrom('loop_activities')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('loop_id', '=', id)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
  return { ...loop, activities };
}

/** The loops `ids` of the account (unknown ids left out), each with its activities, in id order. */
export async function findLoops(db: Db, accountId: number, ids: readonly number[]): Promise<Array<Loop & { activities: LoopActivity[] }>> {
  if (ids.length === 0) return [];
  const loops = await db.selectFrom('loops').selectAll().where('account_id', '=', accountId).where('id', 'in', ids).orderBy('id').execute();
  return withActivities(db, accountId, loops);
}

/**
 * The account's loops, newest first (by id; `recent`: last changed first), optionally in one
 * state, of one guest, of one location or among `ids`; `before` pages by id.
 */
export async function listLoops(
  db: Db,
  accountId: number,
  opts: {
    state?: string;
    guestId?: number;
    locationId?: number;
    locationIds?: readonly number[];
    ids?: readonly number[];
    before?: number;
    limit?: number;
    recent?: boolean;
  } = {},
): Promise<Array<Loop & { activities: LoopActivity[] }>> {
  if (opts.locationIds?.length === 0) return [];
  if (opts.ids !== undefined && opts.ids.length === 0) return [];
  let query = db.selectFrom('loops').select('id').where('account_id', '=', accountId);
  if (opts.locationIds !== undefined) query = query.where('location_id', 'in', [...opts.locationIds]);
  if (opts.state !== undefined) query = query.where('state', '=', opts.state);
  if (opts.guestId !== undefined) query = query.where('creator_guest_id', '=', opts.guestId);
  if (opts.locationId !== undefined) query = query.where('location_id', '=', opts.locationId);
  if (opts.ids !== undefined) query = query.where('id', 'in', opts.ids);
  if (opts.before !== undefined) query = query.where('id', '<', opts.before);
  if (opts.recent) query = query.orderBy('updated_at', 'desc');
  const ids = (
    await query
      .orderBy('id', 'desc')
      .limit(opts.limit ?? 50)
      .execute()
  ).map((r) => r.id);
  const loops = await findLoops(db, accountId, ids);
  const order = new Map(ids.map((id, i) => [Number(id), i]));
  return loops.sort((a, b) => order.get(Number(a.id))! - order.get(Number(b.id))!);
}

/** The account's loops opened, changed or viewed at `since` or later (at most `limit`), for a realtime hub that missed notices. */
export async function listLoopsChangedSince(db: Db, accountId: number, since: number, limit: number): Promise<Array<Loop & { activities: LoopActivity[] }>> {
  const ids = await db
    .selectFrom('loops')
    .select('id')
    .where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('updated_at', '>=', since), eb('last_viewed_at', '>=', since)]))
    .orderBy('id')
    .limit(limit)
    .execute();
  return findLoops(
    db,
    accountId,
    ids.map((r) => r.id),
  );
}

export function loopCustomFields(loop: Loop): Record<string, string> {
  return parseJson<Record<string, string>>(loop.custom_fields, {});
}

/** Makes `to` the creator of the loops `from` opened (or only of `ids`), for a guest merge or its undoing; returns the ids moved. */
export async function reassignLoopCreator(db: Db, accountId: number, from: number, to: number, ids?: readonly number[]): Promise<number[]> {
  return reassignRows(db, { table: 'loops', column: 'creator_guest_id', accountId, from, to, ids });
}

/** Makes `to` the person of the loop activities naming `from` (or only of `ids`), for a guest merge or its undoing; returns the ids moved. */
export async function reassignLoopActivityPerson(db: Db, accountId: number, from: number, to: number, ids?: readonly number[]): Promise<number[]> {
  return reassignRows(db, { table: 'loop_activities', column: 'person_guest_id', accountId, from, to, ids });
}

/** Which of `guestIds` opened a loop at one of `locationIds` (what a staff member of those locations may see of guests). */
export async function guestsWithLoopsAt(db: Db, accountId: number, guestIds: readonly number[], locationIds: readonly number[]): Promise<number[]> {
  if (guestIds.length === 0 || locationIds.length === 0) return [];
  const rows = await db
    .selectFrom('loops')
    .select('creator_guest_id')
    .distinct()
    .where('account_id', '=', accountId)
    .where('creator_guest_id', 'in', [...guestIds])
    .where('location_id', 'in', [...locationIds])
    .execute();
  return rows.map((r) => r.creator_guest_id).filter((id): id is number => id !== null);
}
