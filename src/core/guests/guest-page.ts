import { sql } from 'kysely';
import { isPostgres, type Db } from '../../db/database.js';
import type { Guest } from '../../db/schema.js';

export interface GuestPageFilter {
  /** keys of the person fields (guest-details.ts) and the value each must have (all must hold) */
  details?: Array<{ name: string; value: string; orMissing?: boolean }>;
  offset: number;
  limit: number;
}

/**
 * One page of the account's guests, oldest first, with how many there are in all: a face that
 * lists every profile (the Contacts face). Merged-away guests are left out: their survivor stands
 * for them. `details` filter on person fields; `orMissing` also takes the guests that have none
 * (the field's default is the value asked for).
 */
export async function pageOfGuests(db: Db, accountId: number, filter: GuestPageFilter): Promise<{ guests: Guest[]; total: number }> {
  let query = db.selectFrom('guests').where('account_id', '=', accountId).where('merged_into_id', 'is', null);
  for (const { name, value, orMissing } of filter.details ?? []) {
    // The one dialect difference: how a JSON text column is read.
    const field = isPostgres(db) ? sql<string | null>`(details::jsonb ->> ${name})` : sql<string | null>`json_extract(details, ${`$.${name}`})`;
    query = query.where((eb) => (orMissing ? eb.or([eb(field, '=', value), eb(field, 'is', null)]) : eb(field, '=', value)));
  }
  const counted = await query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst();
  const total = Number(counted?.n ?? 0);
  if (filter.offset >= total) return { guests: [], total };
  const guests = await query.selectAll().orderBy('id').limit(filter.limit).offset(filter.offset).execute();
  return { guests, total };
}
