import type { Db } from '../../../db/database.js';
import { listCustomFields } from '../../../core/locations/custom-fields.js';
import { decodeId } from '../ids.js';

/**
 * Loop keys a loop's custom fields by custom field id; clients also send the shortcode. Both are
 * stored under the shortcode so the value reads the same whichever way it arrived. Keys that name
 * no configured field are kept as sent.
 */
export async function resolveCustomFieldKeys(db: Db, accountId: number, values: Record<string, string>): Promise<Record<string, string>> {
  if (Object.keys(values).length === 0) return values;
  const fields = await listCustomFields(db, accountId);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const id = decodeId('customfield', key);
    const field = id !== undefined ? fields.find((f) => f.id === id) : fields.find((f) => f.shortcode === key);
    out[field?.shortcode ?? key] = value;
  }
  return out;
}
