/**
 * True when a string anywhere in `value` (keys included) holds a NUL character: PostgreSQL text
 * cannot store one, so such input is refused up front (400) instead of failing in the database.
 * Runs on every request (params, query and body): plain loops, no allocation.
 */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.indexOf('\u0000') !== -1;
  if (value === null || typeof value !== 'object' || depth > 32) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (containsNul(value[i], depth + 1)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (key.indexOf('\u0000') !== -1 || containsNul(record[key], depth + 1)) return true;
  }
  return false;
}
