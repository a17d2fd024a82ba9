import type { Db } from '../../db/database.js';
import type { LoyaltyLevel } from '../../db/schema.js';
import { badRequest, notFound } from '../shared/errors.js';
import { MAX_POINTS } from './points-limit.js';

/*
 * Levels of the programme, by thresholds of level points (qualification points, apart from the
 * spendable balance): a member is at the highest level whose threshold their level points reach.
 */

export async function listLevels(db: Db, accountId: number): Promise<LoyaltyLevel[]> {
  return db.selectFrom('loyalty_levels').selectAll().where('account_id', '=', accountId).orderBy('min_level_points').orderBy('id').execute();
}

export async function findLevel(db: Db, accountId: number, id: number): Promise<LoyaltyLevel | undefined> {
  return db.selectFrom('loyalty_levels').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export interface LevelInput {
  name?: string;
  minLevelPoints?: number;
}

function checkLevel(input: LevelInput): void {
  if (input.name !== undefined && input.name.trim() === '') throw badRequest('name must not be empty');
  const points = input.minLevelPoints;
  if (points !== undefined && (!Number.isInteger(points) || points < 0 || points > MAX_POINTS)) {
    throw badRequest(`minLevelPoints must be an integer from 0 to ${MAX_POINTS}`);
  }
}

export async function createLevel(db: Db, accountId: number, input: Required<LevelInput>, now = Date.now()): Promise<LoyaltyLevel> {
  checkLevel(input);
  return db
    .insertInto('loyalty_levels')
    .values({ account_id: accountId, name: input.name.trim(), min_level_points: input.minLevelPoints, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Changes a level; members keep their level until their level points next change (docs/compat.md). */
export async function updateLevel(db: Db, accountId: number, id: number, input: LevelInput, now = Date.now()): Promise<LoyaltyLevel> {
  checkLevel(input);
  const row = await db
    .updateTable('loyalty_levels')
    .set({
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.minLevelPoints !== undefined ? { min_level_points: input.minLevelPoints } : {}),
      updated_at: now,
    })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound('level');
  return row;
}

/** The level that `levelPoints` reach among `levels`, or null when they reach none. */
export function levelFor(levels: LoyaltyLevel[], levelPoints: number): number | null {
  let best: LoyaltyLevel | undefined;
  for (const level of levels) {
    if (level.min_level_points <= levelPoints && (!best || level.min_level_points > best.min_level_points)) best = level;
  }
  return best?.id ?? null;
}
