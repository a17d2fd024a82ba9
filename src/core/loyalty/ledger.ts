import type { Db } from '../../db/database.js';
import type { LoyaltyMember, LoyaltyOperation } from '../../db/schema.js';
import { recordLoyaltyEvent } from './loyalty-events.js';
import { createJob } from '../jobs/jobs.js';
import { badRequest } from '../shared/errors.js';
import { randomToken } from '../shared/tokens.js';
import { levelFor, listLevels } from './levels.js';
import { MAX_POINTS } from './points-limit.js';
import { lockEnrolledMember, updateMember } from './members.js';
import { loyaltyProgram } from './programs.js';

/*
 * The points ledger. Operations are appended, never deleted. An earning is a lot: it expires at
 * `expires_at` (the account's validity period) and keeps what is left of it (remaining, consumed,
 * expired), moved in the transaction of each redemption or expiry, each move also appended to
 * loyalty_lot_moves. A redemption consumes the unexpired lots that expire soonest first (ties: the
 * earliest earned). The member row keeps the spendable balance (points) and the qualification
 * points (level_points) apart; levels follow level_points. Every operation locks its member first
 * (members.ts lockMember), so concurrent redemptions cannot overdraw a balance.
 */

export const EXPIRY_JOB_KIND = 'loyalty.expire-lots';
const DAY_MS = 24 * 60 * 60 * 1000;

export interface OperationMeta {
  concept?: string | null;
  comments?: string | null;
  pointType?: number | null;
  hotelId?: number | null;
  productId?: number | null;
  /** the Loyalty API user who made it */
  managerId?: number | null;
  actor?: string;
}

const operationCode = () => randomToken(10);

/** Adds points (a lot) and level points to an enrolled member. */
export async function addPoints(
  trx: Db,
  accountId: number,
  guestId: number,
  earning: OperationMeta & { points: number; levelPoints: number },
  now = Date.now(),
): Promise<LoyaltyOperation> {
  if (!Number.isInteger(earning.points) || earning.points < 1) throw badRequest('points must be a positive integer');
  const member = await lockEnrolledMember(trx, accountId, guestId, now);
  await expireMemberLots(trx, accountId, guestId, now);
  return earn(trx, accountId, (await reread(trx, member)) ?? member, 'earn', earning, now);
}

/** Redeems points from an enrolled member's unexpired lots; more than the balance is a 400 that changes nothing. */
export async function redeemPoints(
  trx: Db,
  accountId: number,
  guestId: number,
  redemption: OperationMeta & { points: number },
  now = Date.now(),
): Promise<LoyaltyOperation> {
  if (!Number.isInteger(redemption.points) || redemption.points < 1) throw badRequest('points must be a positive integer');
  await lockEnrolledMember(trx, accountId, guestId, now);
  await expireMemberLots(trx, accountId, guestId, now);
  const member = await memberRow(trx, accountId, guestId);
  return spend(trx, accountId, member, 'redeem', redemption.points, 0, redemption, now);
}

/**
 * Sets an enrolled member's balances to absolute values (loyalty-update-data): the difference
 * becomes one ledger operation (an earning lot when the balance grows, a consumption of lots when
 * it shrinks). Returns the operation, or undefined when nothing changed.
 */
export async function setBalances(
  trx: Db,
  accountId: number,
  guestId: number,
  target: { points?: number; levelPoints?: number },
  meta: OperationMeta,
  now = Date.now(),
): Promise<LoyaltyOperation | undefined> {
  for (const [name, value] of [
    ['points', target.points],
    ['level_points', target.levelPoints],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw badRequest(`${name} must be a non-negative integer`);
  }
  await lockEnrolledMember(trx, accountId, guestId, now);
  await expireMemberLots(trx, accountId, guestId, now);
  const member = await memberRow(trx, accountId, guestId);
  const pointsDiff = target.points === undefined ? 0 : target.points - member.points;
  const levelDiff = target.levelPoints === undefined ? 0 : target.levelPoints - member.level_points;
  if (pointsDiff > 0) return earn(trx, accountId, member, 'adjust', { ...meta, points: pointsDiff, levelPoints: levelDiff }, now);
  if (pointsDiff < 0) return spend(trx, accountId, member, 'adjust', -pointsDiff, levelDiff, meta, now);
  if (levelDiff === 0) return undefined;
  const op = await insertOperation(
    trx,
    accountId,
    member.guest_id,
    'adjust',
    { ...meta, points: 0, levelPoints: levelDiff, remaining: 0, expiresAt: null },
    now,
  );
  await moveBalances(trx, accountId, member, 0, levelDiff, now, meta.actor);
  return op;
}

async function memberRow(trx: Db, accountId: number, guestId: number): Promise<LoyaltyMember> {
  return trx.selectFrom('loyalty_members').selectAll().where('account_id', '=', accountId).where('guest_id', '=', guestId).executeTakeFirstOrThrow();
}

const reread = (trx: Db, member: LoyaltyMember) => memberRow(trx, member.account_id, member.guest_id);

async function earn(
  trx: Db,
  accountId: number,
  member: LoyaltyMember,
  kind: string,
  earning: OperationMeta & { points: number; levelPoints: number },
  now: number,
): Promise<LoyaltyOperation> {
  const { pointsValidityDays } = await loyaltyProgram(trx, accountId);
  const expiresAt = now + pointsValidityDays * DAY_MS;
  const op = await insertOperation(trx, accountId, member.guest_id, kind, { ...earning, remaining: earning.points, expiresAt }, now);
  await moveBalances(trx, accountId, member, earning.points, earning.levelPoints, now, earning.actor);
  // The lot's expiry is a scheduled job of the account: it expires every lot due by then.
  await createJob(trx, accountId, { kind: EXPIRY_JOB_KIND, payload: {}, runAt: expiresAt }, now);
  await recordLoyaltyEvent(trx, accountId, {
    actor: earning.actor,
    guestId: member.guest_id,
    key: `op:${op.id}`,
    type: 'loyalty.points_added',
    subjects: { guestId: member.guest_id, operationId: op.id },
    data: op,
    at: now,
  });
  return op;
}

async function spend(
  trx: Db,
  accountId: number,
  member: LoyaltyMember,
  kind: string,
  points: number,
  levelDiff: number,
  meta: OperationMeta,
  now: number,
): Promise<LoyaltyOperation> {
  const lots = await trx
    .selectFrom('loyalty_operations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('guest_id', '=', member.guest_id)
    .where('remaining_points', '>', 0)
    .where('expires_at', '>', now)
    .orderBy('expires_at')
    .orderBy('id')
    .execute();
  const available = lots.reduce((sum, lot) => sum + lot.remaining_points, 0);
  if (points > available) throw badRequest(`not enough points: the contact has ${available} and ${points} were asked for`, { available });
  const op = await insertOperation(
    trx,
    accountId,
    member.guest_id,
    kind,
    { ...meta, points: -points, levelPoints: levelDiff, remaining: 0, expiresAt: null },
    now,
  );
  let left = points;
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(left, lot.remaining_points);
    left -= take;
    await trx
      .updateTable('loyalty_operations')
      .set({ remaining_points: lot.remaining_points - take, consumed_points: lot.consumed_points + take, updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', lot.id)
      .execute();
    await trx
      .insertInto('loyalty_lot_moves')
      .values({ account_id: accountId, lot_id: lot.id, operation_id: op.id, kind: 'consumed', points: take, at: now })
      .execute();
  }
  await moveBalances(trx, accountId, member, -points, levelDiff, now, meta.actor);
  await recordLoyaltyEvent(trx, accountId, {
    actor: meta.actor,
    guestId: member.guest_id,
    key: `op:${op.id}`,
    type: 'loyalty.points_redeemed',
    subjects: { guestId: member.guest_id, operationId: op.id },
    data: op,
    at: now,
  });
  return op;
}

async function insertOperation(
  trx: Db,
  accountId: number,
  guestId: number,
  kind: string,
  op: OperationMeta & { points: number; levelPoints: number; remaining: number; expiresAt: number | null },
  now: number,
): Promise<LoyaltyOperation> {
  return trx
    .insertInto('loyalty_operations')
    .values({
      account_id: accountId,
      guest_id: guestId,
      kind,
      code: operationCode(),
      concept: op.concept ?? null,
      comments: op.comments ?? null,
      points: op.points,
      level_points: op.levelPoints,
      point_type: op.pointType ?? null,
      expires_at: op.expiresAt,
      remaining_points: op.remaining,
      expired_points: null,
      product_id: op.productId ?? null,
      hotel_id: op.hotelId ?? null,
      manager_id: op.managerId ?? null,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Moves the member's balances and, when the level points cross a threshold, their level. */
async function moveBalances(
  trx: Db,
  accountId: number,
  member: LoyaltyMember,
  points: number,
  levelPoints: number,
  now: number,
  actor?: string,
): Promise<void> {
  if (member.points + points > MAX_POINTS || member.level_points + levelPoints > MAX_POINTS) {
    throw badRequest(`a balance holds at most ${MAX_POINTS} points`);
  }
  if (member.level_points + levelPoints < 0) throw badRequest('level_points cannot go below 0');
  const set: Partial<LoyaltyMember> = { points: member.points + points };
  if (levelPoints !== 0) {
    const nextLevelPoints = member.level_points + levelPoints;
    set.level_points = nextLevelPoints;
    const levels = await listLevels(trx, accountId);
    const before = levelFor(levels, member.level_points);
    const after = levelFor(levels, nextLevelPoints);
    // An explicit level (loyalty-update-data) holds until the level points cross a threshold.
    if (after !== before && after !== member.level_id) {
      set.level_id = after;
      await recordLoyaltyEvent(trx, accountId, {
        actor: actor,
        guestId: member.guest_id,
        key: `level:${member.guest_id}:${now}`,
        type: 'loyalty.level_changed',
        subjects: { guestId: member.guest_id },
        data: { id: member.guest_id, guestId: member.guest_id, previousLevelId: member.level_id, levelId: after, levelPoints: nextLevelPoints },
        at: now,
      });
    }
  }
  await updateMember(trx, accountId, member.guest_id, set, now);
}

/** Expires the member's lots due by `now` (the member is locked by the caller). */
export async function expireMemberLots(trx: Db, accountId: number, guestId: number, now = Date.now()): Promise<number> {
  const due = await trx
    .selectFrom('loyalty_operations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('guest_id', '=', guestId)
    .where('remaining_points', '>', 0)
    .where('expires_at', '<=', now)
    .execute();
  if (due.length === 0) return 0;
  let expired = 0;
  for (const lot of due) {
    expired += lot.remaining_points;
    await trx
      .updateTable('loyalty_operations')
      .set({ remaining_points: 0, expired_points: (lot.expired_points ?? 0) - lot.remaining_points, updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', lot.id)
      .execute();
    await trx
      .insertInto('loyalty_lot_moves')
      .values({ account_id: accountId, lot_id: lot.id, operation_id: null, kind: 'expired', points: lot.remaining_points, at: now })
      .execute();
    await recordLoyaltyEvent(trx, accountId, {
      actor: 'system',
      guestId: guestId,
      key: `expired:${lot.id}`,
      type: 'loyalty.points_expired',
      subjects: { guestId, operationId: lot.id },
      data: { ...lot, remaining_points: 0, expired_points: -lot.remaining_points },
      at: now,
    });
  }
  const member = await memberRow(trx, accountId, guestId);
  await updateMember(trx, accountId, guestId, { points: member.points - expired }, now);
  return expired;
}

/** Guests of the account holding lots due by `now` (at most `limit`), for the expiry job. */
export async function guestsWithDueLots(db: Db, accountId: number, now: number, limit = 500): Promise<number[]> {
  const rows = await db
    .selectFrom('loyalty_operations')
    .select('guest_id')
    .distinct()
    .where('account_id', '=', accountId)
    .where('remaining_points', '>', 0)
    .where('expires_at', '<=', now)
    .limit(limit)
    .execute();
  return rows.map((row) => row.guest_id);
}
