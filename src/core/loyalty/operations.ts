import type { Db } from '../../db/database.js';
import type { LoyaltyOperation } from '../../db/schema.js';

export interface OperationFilter {
  /** only these guests' operations (an empty list matches none) */
  guestIds?: number[];
  pointType?: number;
  /** created at or after / at or before (epoch ms) */
  from?: number;
  to?: number;
  limit: number;
  offset: number;
}

/** The account's ledger operations, newest first, with how many match the filter. */
export async function listOperations(db: Db, accountId: number, filter: OperationFilter): Promise<{ count: number; rows: LoyaltyOperation[] }> {
  if (filter.guestIds && filter.guestIds.length === 0) return { count: 0, rows: [] };
  let query = db.selectFrom('loyalty_operations').where('account_id', '=', accountId);
  if (filter.guestIds) query = query.where('guest_id', 'in', filter.guestIds);
  if (filter.pointType !== undefined) query = query.where('point_type', '=', filter.pointType);
  if (filter.from !== undefined) query = query.where('created_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('created_at', '<=', filter.to);
  const { count } = await query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const rows = await query.selectAll().orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
  return { count: Number(count), rows };
}

export async function findOperation(db: Db, accountId: number, id: number): Promise<LoyaltyOperation | undefined> {
  return db.selectFrom('loyalty_operations').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}
