/* Values of the reputation model: calendar days, and review-site names compared without case. */

/** True for a real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Today's date in UTC, YYYY-MM-DD: the default end of date ranges. */
export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Channel and source names are identifiers, compared without case and surrounding blanks. */
export function normalizeSource(value: string): string {
  return value.trim().toLowerCase();
}
