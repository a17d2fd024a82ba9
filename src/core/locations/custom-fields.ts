import type { Db } from '../../db/database.js';
import type { CustomField } from '../../db/schema.js';
import { isUniqueViolation } from '../../db/errors.js';
import { badRequest, conflict, notFound } from '../shared/errors.js';
import type { I18nText } from '../shared/json.js';

/** Account-specific fields (room number...) that loops and guests carry as key/value pairs. */
export async function createCustomField(db: Db, accountId: number, input: { shortcode: string; title: I18nText; required?: boolean }): Promise<CustomField> {
  if (!input.shortcode.trim()) throw badRequest('shortcode is required');
  try {
    return await db
      .insertInto('custom_fields')
      .values({
        account_id: accountId,
        shortcode: input.shortcode.trim(),
        title: JSON.stringify(input.title),
        required: input.required ? 1 : 0,
        created_at: Date.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`a custom field with shortcode "${input.shortcode}" already exists`);
    throw err;
  }
}

/** Changes a custom field (the configuration import); a taken shortcode is a 409. */
export async function updateCustomField(
  db: Db,
  accountId: number,
  id: number,
  input: { shortcode: string; title: I18nText; required?: boolean },
): Promise<CustomField> {
  if (!input.shortcode.trim()) throw badRequest('shortcode is required');
  try {
    return await db
      .updateTable('custom_fields')
      .set({ shortcode: input.shortcode.trim(), title: JSON.stringify(input.title), required: input.required ? 1 : 0 })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`a custom field with shortcode "${input.shortcode}" already exists`);
    throw err;
  }
}

export async function listCustomFields(db: Db, accountId: number): Promise<CustomField[]> {
  return db.selectFrom('custom_fields').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
}

export async function findCustomFieldByShortcode(db: Db, accountId: number, shortcode: string): Promise<CustomField | undefined> {
  return db.selectFrom('custom_fields').selectAll().where('account_id', '=', accountId).where('shortcode', '=', shortcode).executeTakeFirst();
}

export async function deleteCustomField(db: Db, accountId: number, id: number): Promise<void> {
  const result = await db.deleteFrom('custom_fields').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw notFound('custom field');
}
