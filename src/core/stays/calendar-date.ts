/** A calendar day as 'YYYY-MM-DD' (local at the hotel: no time, no zone). */
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * True for a real day written YYYY-MM-DD. Date.parse would roll 2017-02-30 over to March; a stay's
 * dates are matched as text, so only the one canonical spelling of a real day is accepted.
 */
export function isCalendarDate(text: string): boolean {
  const m = DAY.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
