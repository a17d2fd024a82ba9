import type { Db } from '../../db/database.js';
import { badRequest } from '../shared/errors.js';

/** How long earned points stay spendable unless the account says otherwise. */
export const DEFAULT_POINTS_VALIDITY_DAYS = 730;

export interface LoyaltyProgram {
  pointsValidityDays: number;
}

/** The account's programme settings (the defaults when it never set them). */
export async function loyaltyProgram(db: Db, accountId: number): Promise<LoyaltyProgram> {
  const row = await db.selectFrom('loyalty_programs').select('points_validity_days').where('account_id', '=', accountId).executeTakeFirst();
  return { pointsValidityDays: row?.points_validity_days ?? DEFAULT_POINTS_VALIDITY_DAYS };
}

/** Sets how many days earned points stay spendable (lots earned from now on; earlier lots keep their date). */
export async function setLoyaltyProgram(db: Db, accountId: number, program: LoyaltyProgram, now = Date.now()): Promise<LoyaltyProgram> {
  const days = program.pointsValidityDays;
  if (!Number.isInteger(days) || days < 1 || days > 36_500) throw badRequest('pointsValidityDays must be an integer from 1 to 36500');
  await db
    .insertInto('loyalty_programs')
    .values({ account_id: accountId, points_validity_days: days, updated_at: now })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ points_validity_days: days, updated_at: now }))
    .execute();
  return { pointsValidityDays: days };
}
