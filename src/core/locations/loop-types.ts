import type { Db } from '../../db/database.js';
import type { LoopType } from '../../db/schema.js';
import { isUniqueViolation } from '../../db/errors.js';
import { badRequest, conflict, notFound } from '../shared/errors.js';
import type { I18nText } from '../shared/json.js';

/** Loop types (housekeeping, maintenance...) are shared by all locations of an account. */
export async function createLoopType(db: Db, accountId: number, shortcode: string, title: I18nText): Promise<LoopType> {
  if (!shortcode.trim()) throw badRequest('shortcode is required');
  try {
    return await db
      .insertInto('loop_types')
      .values({ account_id: accountId, shortcode: shortcode.trim(), title: JSON.stringify(title), created_at: Date.now() })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`a loop type with shortcode "${shortcode}" already exists`);
    throw err;
  }
}

/** Changes a loop type's shortcode and title (the configuration import); a taken shortcode is a 409. */
export async function updateLoopType(db: Db, accountId: number, id: number, input: { shortcode: string; title: I18nText }): Promise<LoopType> {
  if (!input.shortcode.trim()) throw badRequest('shortcode is required');
  try {
    return await db
      .updateTable('loop_types')
      .set({ shortcode: input.shortcode.trim(), title: JSON.stringify(input.title) })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`a loop type with shortcode "${input.shortcode}" already exists`);
    throw err;
  }
}

export async function listLoopTypes(db: Db, accountId: number): Promise<LoopType[]> {
  return db.selectFrom('loop_types').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
}

export async function findLoopType(db: Db, accountId: number, id: number): Promise<LoopType | undefined> {
  return db.selectFrom('loop_types').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function findLoopTypeByShortcode(db: Db, accountId: number, shortcode: string): Promise<LoopType | undefined> {
  return db.selectFrom('loop_types').selectAll().where('account_id', '=', accountId).where('shortcode', '=', shortcode).executeTakeFirst();
}

export async function deleteLoopType(db: Db, accountId: number, id: number): Promise<void> {
  const result = await db.deleteFrom('loop_types').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw notFound('loop type');
}
