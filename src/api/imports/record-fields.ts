import { isCalendarDate } from '../../core/reputation/values.js';

/*
 * Readers for the fields of one import record (a JSON object from one line). Each throws a
 * RecordError naming the field, so a bad line is reported with a message a person can act on.
 */

/** A line that cannot be imported; the message is reported with the line number. */
export class RecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordError';
  }
}

interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

/** The fields of one record; unknown fields are refused so a typo is reported, not ignored. */
export class RecordFields {
  private readonly obj: Record<string, unknown>;

  constructor(value: unknown, allowed: readonly string[]) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RecordError('a line must be a JSON object');
    this.obj = value as Record<string, unknown>;
    const unknown = Object.keys(this.obj).filter((k) => !allowed.includes(k));
    if (unknown.length) throw new RecordError(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`);
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  raw(key: string): unknown {
    return this.obj[key];
  }

  text(key: string, opts: { required: true; max?: number }): string;
  text(key: string, opts?: { required?: boolean; max?: number }): string | null;
  text(key: string, opts: { required?: boolean; max?: number } = {}): string | null {
    const value = this.obj[key];
    if (value === undefined || value === null) {
      if (opts.required) throw new RecordError(`${key} is required`);
      return null;
    }
    return checkText(value, key, opts.max ?? 1000, opts.required ?? false);
  }

  date(key: string, required: true): string;
  date(key: string, required?: boolean): string | null;
  date(key: string, required = false): string | null {
    const value = this.obj[key];
    if (value === undefined || value === null) {
      if (required) throw new RecordError(`${key} is required`);
      return null;
    }
    if (!isCalendarDate(value)) throw new RecordError(`${key} must be a date written YYYY-MM-DD`);
    return value;
  }

  number(key: string, rule: NumberRule = {}): number | null {
    return checkNumber(this.obj[key], key, rule);
  }

  bool(key: string, fallback: boolean): boolean {
    const value = this.obj[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') throw new RecordError(`${key} must be true or false`);
    return value;
  }
}

/** A string, trimmed, at most `max` characters, without NUL characters (no database stores them). */
export function checkText(value: unknown, key: string, max: number, required = false): string | null {
  if (typeof value !== 'string') throw new RecordError(`${key} must be a string`);
  const text = value.trim();
  if (text.includes('\u0000')) throw new RecordError(`${key} must not contain NUL characters`);
  if (text.length > max) throw new RecordError(`${key} is longer than ${max} characters`);
  if (!text) {
    if (required) throw new RecordError(`${key} cannot be blank`);
    return null;
  }
  return text;
}

/** A finite number within the rule's range, or null when absent. */
export function checkNumber(value: unknown, key: string, rule: NumberRule = {}): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RecordError(`${key} must be a number`);
  if (rule.integer && !Number.isInteger(value)) throw new RecordError(`${key} must be a whole number`);
  if (rule.min !== undefined && value < rule.min) throw new RecordError(`${key} must be at least ${rule.min}`);
  if (rule.max !== undefined && value > rule.max) throw new RecordError(`${key} must be at most ${rule.max}`);
  return value;
}
