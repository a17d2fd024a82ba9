import { isPostgres } from '../../db/database.js';
import type { Loop, LoopActivity } from '../../db/schema.js';
import { recordEvent } from '../events/record-event.js';
import { badRequest, notFound } from '../shared/errors.js';
import type { WriteContext } from '../shared/write-context.js';
import { findLoop, findLoops } from './loops.js';
import { guestWaiting, staffAnswered } from '../inbox/threads.js';

/*
 * Changes to a guest request (loop) after it opened: its state, a message on it, staff having
 * viewed it, its guest moving in a merge or split. Each is the `request.updated` domain event in
 * the transaction of the change, with the loop as it is after it (activities included); the
 * boundary publishes the returned loop on the realtime hub once the transaction committed.
 */

export type LoopWithActivities = Loop & { activities: LoopActivity[] };

export const LOOP_STATES = ['open', 'closed'] as const;
export type LoopState = (typeof LOOP_STATES)[number];

export interface LoopChange {
  /** closes or reopens the loop (an activity records it) */
  state?: LoopState;
  /** a message on the loop (an activity), from staff or the guest */
  message?: { text: string; personName?: string | null; personKind?: 'employee' | 'customer'; guestId?: number | null };
  /** staff looked at it: it is no longer unread */
  viewed?: boolean;
}

/**
 * Applies `change` to loop `id` of the context's account and returns the loop after it, and
 * whether anything changed (closing a closed loop does not); 404 for a loop it does not have, 400
 * for an empty change.
 */
export async function changeLoop(
  ctx: WriteContext,
  id: number,
  change: LoopChange,
  now = Date.now(),
): Promise<{ request: LoopWithActivities; changed: boolean }> {
  const { trx, accountId } = ctx;
  if (change.state === undefined && change.message === undefined && !change.viewed) throw badRequest('nothing to change: send state, message or viewed');
  if (change.message !== undefined && !change.message.text.trim()) throw badRequest('message must not be empty');
  // Two staff changing one loop at once (PostgreSQL): one after the other. SQLite serialises writes.
  const query = trx.selectFrom('loops').selectAll().where('account_id', '=', accountId).where('id', '=', id);
  const loop = await (isPostgres(trx) ? query.forUpdate() : query).executeTakeFirst();
  if (!loop) throw notFound(`request ${id}`);
  const set: Partial<Loop> = {};
  const activities: Array<{ type: string; data: Record<string, unknown>; kind: string; name: string | null; guestId: number | null }> = [];
  const by = { kind: 'employee', name: null, guestId: null };
  if (change.state !== undefined && change.state !== loop.state) {
    set.state = change.state;
    activities.push({ type: change.state === 'closed' ? 'close' : 'reopen', data: { date: now }, ...by });
  }
  if (change.message !== undefined) {
    const m = change.message;
    activities.push({
      type: 'message',
      data: { date: now, message: m.text.trim() },
      kind: m.personKind ?? 'employee',
      name: m.personName ?? null,
      guestId: m.guestId ?? null,
    });
  }
  if (change.viewed) set.last_viewed_at = now;
  if (Object.keys(set).length === 0 && activities.length === 0) return { request: (await findLoop(trx, accountId, id))!, changed: false };
  if (set.state !== undefined || activities.length > 0) set.updated_at = now;
  await trx.updateTable('loops').set(set).where('account_id', '=', accountId).where('id', '=', id).execute();
  for (const a of activities) {
    await trx
      .insertInto('loop_activities')
      .values({
        account_id: accountId,
        loop_id: id,
        type: a.type,
        occurred_at: now,
        data: JSON.stringify(a.data),
        person_kind: a.kind,
        person_name: a.name,
        person_guest_id: a.guestId,
        system: 0,
        automated: 0,
        confirmed: 1,
      })
      .execute();
  }
  const changed = (await findLoop(trx, accountId, id))!;
  await requestUpdated(ctx, changed, now);
  // The staff inbox: a guest's message makes the guest wait for an answer; staff's message or a close answers.
  const ref = { kind: 'request' as const, id, locationId: loop.location_id, guestId: loop.creator_guest_id };
  if (change.message !== undefined && change.message.personKind === 'customer' && changed.state === 'open') await guestWaiting(ctx, ref, now);
  else if ((change.message !== undefined && change.message.personKind !== 'customer') || set.state === 'closed') await staffAnswered(ctx, ref, now);
  return { request: changed, changed: true };
}

/**
 * The loops `ids` whose guest changed (a merge moved them to the survivor, a split moved them
 * back): each is a `request.updated`. Returns them as they are now.
 */
export async function loopsReassigned(ctx: WriteContext, ids: readonly number[], now = Date.now()): Promise<LoopWithActivities[]> {
  if (ids.length === 0) return [];
  const loops = await findLoops(ctx.trx, ctx.accountId, ids);
  for (const loop of loops) await requestUpdated(ctx, loop, now);
  return loops;
}

function requestUpdated(ctx: WriteContext, loop: LoopWithActivities, at: number): Promise<void> {
  return recordEvent(ctx, { type: 'request.updated', subjects: { requestId: loop.id, guestId: loop.creator_guest_id }, data: loop, at });
}
