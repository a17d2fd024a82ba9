import { badRequest } from '../../core/shared/errors.js';

/*
 * Tolerant readers for what Loop clients send: booleans as "true"/"false", custom fields as an
 * array of single-key objects (or a plain object), dates as ISO 8601 or RFC 2822.
 */

/** true/false, "true"/"false" (any case), 1/0, "1"/"0", "yes"/"no"; anything else is a 400. */
export function readBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (['true', '1', 'yes', 'y'].includes(v)) return true;
    if (['false', '0', 'no', 'n'].includes(v)) return false;
  }
  throw badRequest(`${field} must be true or false`);
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const RFC_2822 = /^(?:[A-Za-z]{3},?\s+)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|[A-Za-z]{1,5})?$/;
/** Below this a number is epoch seconds, not milliseconds (1e11 s is the year 5138; 1e11 ms is 1973). */
const EPOCH_SECONDS_BELOW = 1e11;

// The largest instant a JS Date holds; beyond it (e.g. 1e20) a number is no date, and would
// overflow PostgreSQL's bigint.
const MAX_DATE_MS = 8.64e15;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** False for a day that is not in its month (2020-02-31), which Date.parse silently rolls over. */
function dayExists(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** dayExists for an RFC 2822 date's day, month name and year. */
function rfcDayExists(text: string): boolean {
  const rfc = /(\d{1,2})\s+([A-Za-z]{3})\s+(\d{2,4})/.exec(text);
  if (!rfc) return false;
  const y = Number(rfc[3]);
  // RFC 2822 obsolete two-digit years: 00-49 are 20xx, 50-99 are 19xx
  return dayExists(y >= 100 ? y : y < 50 ? 2000 + y : 1900 + y, MONTHS.indexOf(rfc[2].toLowerCase()) + 1, Number(rfc[1]));
}

/**
 * Epoch ms of an ISO 8601 or RFC 2822 date, or of an epoch number (seconds or milliseconds, also
 * as a string of digits); anything else is a 400. An ISO time without a zone is UTC (never the
 * server's zone), `t`/`z` may be lower case, an offset may be `+01`, and an RFC 2822 date may end
 * in a comment such as `(UTC)`.
 */
export function readDate(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const fail = () => badRequest(`${field} must be an ISO 8601 or RFC 2822 date`);
  if (typeof value === 'string' && /^\s*\d+(?:\.\d+)?\s*$/.test(value)) value = Number(value);
  if (typeof value === 'number') {
    const ms = value < EPOCH_SECONDS_BELOW ? value * 1000 : value;
    if (Number.isFinite(ms) && ms > 0 && ms <= MAX_DATE_MS) return Math.trunc(ms);
    throw fail();
  }
  if (typeof value !== 'string') throw fail();
  const text = value.trim();
  const iso = ISO_8601.exec(text.toUpperCase());
  if (iso) {
    if (!dayExists(Number(iso[1]), Number(iso[2]), Number(iso[3]))) throw fail();
    const zone = iso[5] === undefined ? 'Z' : iso[5] === 'Z' ? 'Z' : /^[+-]\d{2}$/.test(iso[5]) ? `${iso[5]}:00` : iso[5];
    const ms = iso[4] === undefined ? Date.parse(`${iso[1]}-${iso[2]}-${iso[3]}T00:00:00Z`) : Date.parse(`${iso[1]}-${iso[2]}-${iso[3]}T${iso[4]}${zone}`);
    if (!Number.isNaN(ms)) return ms;
    throw fail();
  }
  const rfc = text.replace(/\s*\([^()]*\)\s*$/, '');
  if (RFC_2822.test(rfc) && rfcDayExists(rfc)) {
    const ms = Date.parse(rfc);
    if (!Number.isNaN(ms)) return ms;
  }
  throw fail();
}

/** Custom fields as a flat {key: value} map; values must be scalars. */
export function readCustomFields(value: unknown, field = 'customFields'): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const out: Record<string, string> = {};
  const add = (key: string, v: unknown) => {
    if (v === null || v === undefined) return;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw badRequest(`${field}.${key} must be a string`);
    }
    out[key] = String(v);
  };
  if (Array.isArray(value)) {
    for (const item of value) {
      if (!item || typeof item !== 'object' || Array.isArray(item)) throw badRequest(`${field} must be an array of {key: value} objects`);
      for (const [k, v] of Object.entries(item)) add(k, v);
    }
    return out;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) add(k, v);
    return out;
  }
  throw badRequest(`${field} must be an array of {key: value} objects`);
}

/**
 * An id field exactly as sent: not trimmed like other text, since an id names a row only in the
 * spelling the face issued (ids.ts decodeId); a number is read as its text (and names nothing).
 */
export function readId(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw badRequest(`${field} must be a string`);
}

/** A string field (numbers are accepted and turned into text); other types are a 400. */
export function readString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw badRequest(`${field} must be a string`);
}
