import { badRequest } from '../shared/errors.js';

/* Calendar dates ('YYYY-MM-DD', local at the hotel) and instants (epoch ms) of the feedback model. */

const DAY_MS = 86_400_000;

/** True for a real calendar date written YYYY-MM-DD (2017-02-30 is not one). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

/** A calendar date, or a 400 naming the field. */
export function readCalendarDate(value: string, field: string): string {
  const v = value.trim();
  if (!isCalendarDate(v)) throw badRequest(`${field} must be a date written YYYY-MM-DD`);
  return v;
}

/** The UTC calendar day of an instant. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `day` moved by `days` (negative: earlier). */
export function addDays(day: string, days: number): string {
  return utcDay(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS);
}

/**
 * An ISO 8601 instant (2017-11-20T01:42:41Z, with or without milliseconds or an offset; a bare
 * date means its midnight UTC) as epoch ms, or undefined when it is not one.
 */
export function parseInstant(value: string): number | undefined {
  const v = value.trim();
  if (isCalendarDate(v)) return Date.parse(`${v}T00:00:00Z`);
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(v);
  if (!m || !isCalendarDate(m[1]) || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) return undefined;
  const ms = Date.parse(m[5] ? v.replace(' ', 'T') : `${v.replace(' ', 'T')}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

/** An ISO 8601 instant as epoch ms, or a 400 naming the field. */
export function readInstant(value: string, field: string): number {
  const ms = parseInstant(value);
  if (ms === undefined) throw badRequest(`${field} must be an ISO 8601 timestamp such as 2017-11-20T01:42:41Z`);
  return ms;
}
