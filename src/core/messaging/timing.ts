import { DateTime } from 'luxon';
import { badRequest } from '../shared/errors.js';

/*
 * When a rule's message may leave: at once, after a delay ("2 hours after checkout"), or at a
 * local time some days after the event ("09:00 the day after checkout"), in the location's time
 * zone, then moved out of the account's quiet hours. Time-zone arithmetic is Luxon's: a local
 * time that does not exist (a spring-forward gap) moves forward, one that exists twice (the
 * autumn hour) is its first occurrence; a delay is elapsed time, the same whatever the clocks do.
 */

export type Timing = { type: 'immediate' } | { type: 'delay'; minutes: number } | { type: 'local_time'; time: string; daysAfter: number };

export interface QuietHours {
  /** HH:MM local: no message leaves from here... */
  start: string;
  /** ...until here (the next day when it is earlier than start) */
  end: string;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MAX_DELAY_MINUTES = 60 * 24 * 60;

export function isLocalTime(value: unknown): value is string {
  return typeof value === 'string' && HH_MM.test(value);
}

/** A timing as sent (undefined: immediate); bad input is a 400. */
export function readTiming(input: unknown): Timing {
  if (input === undefined || input === null) return { type: 'immediate' };
  if (typeof input !== 'object') throw badRequest('action.timing must be an object');
  const t = input as Record<string, unknown>;
  if (t.type === 'immediate') return { type: 'immediate' };
  if (t.type === 'delay') {
    if (!Number.isInteger(t.minutes) || (t.minutes as number) < 1 || (t.minutes as number) > MAX_DELAY_MINUTES) {
      throw badRequest(`action.timing.minutes must be a whole number from 1 to ${MAX_DELAY_MINUTES} (60 days)`);
    }
    return { type: 'delay', minutes: t.minutes as number };
  }
  if (t.type === 'local_time') {
    if (!isLocalTime(t.time)) throw badRequest('action.timing.time must be a local time HH:MM (24 h), e.g. 09:00');
    const days = t.daysAfter ?? 0;
    if (!Number.isInteger(days) || (days as number) < 0 || (days as number) > 60)
      throw badRequest('action.timing.daysAfter must be a whole number from 0 to 60');
    return { type: 'local_time', time: t.time, daysAfter: days as number };
  }
  throw badRequest('action.timing.type must be immediate, delay or local_time');
}

/** A valid IANA zone name, else UTC (a location without one, or a name Luxon does not know). */
export function zoneOrUtc(zone: string | null | undefined): string {
  return zone && DateTime.now().setZone(zone).isValid ? zone : 'UTC';
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The first instant at or after `at` outside the quiet hours, in `zone`. */
export function afterQuietHours(at: number, quiet: QuietHours | null, zone: string): number {
  if (!quiet) return at;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return at;
  const local = DateTime.fromMillis(at, { zone });
  const minute = local.hour * 60 + local.minute;
  const endOn = (day: DateTime) => day.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 }).toMillis();
  if (start < end) return minute >= start && minute < end ? endOn(local) : at;
  if (minute >= start) return endOn(local.plus({ days: 1 }));
  if (minute < end) return endOn(local);
  return at;
}

/**
 * When a message of a rule with `timing` may leave, for an event that occurred at `eventAt` at a
 * location in `zone`: never before `now`, and outside the quiet hours.
 */
export function dueAt(timing: Timing, opts: { eventAt: number; now: number; zone: string | null | undefined; quiet: QuietHours | null }): number {
  const zone = zoneOrUtc(opts.zone);
  let at: number;
  if (timing.type === 'immediate') at = opts.now;
  else if (timing.type === 'delay') at = opts.eventAt + timing.minutes * 60_000;
  else {
    const [hour, minute] = [Number(timing.time.slice(0, 2)), Number(timing.time.slice(3, 5))];
    at = DateTime.fromMillis(opts.eventAt, { zone }).plus({ days: timing.daysAfter }).set({ hour, minute, second: 0, millisecond: 0 }).toMillis();
  }
  return afterQuietHours(Math.max(at, opts.now), opts.quiet, zone);
}
