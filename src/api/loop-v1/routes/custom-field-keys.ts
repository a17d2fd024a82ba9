import type { Db } from '../../../db/database.js';
import { listCustomFields } from '../../../core/locations/custom-fields.js';
import { notFound } from '../../../core/shared/errors.js';
import { decodeId } from '../ids.js';

const LOOP_ID = /^[0-9a-f]{24}$/i;

/**
 * Loop keys a loop's custom fields by custom field id; clients also send the shortcode. Both are
 * stored under the shortcode so the value reads the same whichever way it arrived. A key written
 * as a Loop id (24 hex digits) that names no custom field of the account is a 404, as every unknown
 * id is; other keys that name no configured field are kept as sent (a PMS's own fields).
 */
export async function resolveCustomFieldKeys(db: Db, accountId: number, values: Record<string, string>): Promise<Record<string, string>> {
  if (Object.keys(values).length === 0) return values;
  const fields = await listCustomFields(db, accountId);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const id = decodeId('customfield', key);
    const field = fields.find((f) => f.loop_id === key) ?? (id !== undefined ? fields.find((f) => f.id === id) : fields.find((f) => f.shortcode === key));
    if (!field && LOOP_ID.test(key)) throw notFound(`custom field "${key}"`);
    out[field?.shortcode ?? key] = value;
  }
  return out;
}
