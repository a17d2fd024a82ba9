import { addDays, isCalendarDate, parseInstant, utcDay } from '../../../core/feedback/dates.js';
import type { DateRange } from '../../../core/feedback/scores.js';
import { EMAIL_SOURCES, FEEDBACK_SOURCES, type FeedbackSource, type SourceFilter } from '../../../core/feedback/vocabulary.js';
import { AppError, badRequest } from '../../../core/shared/errors.js';

/* Query strings and path segments of Loopon's survey endpoints, read into core's neutral terms. */

/** Loopon's `source` values and the feedback sources each stands for. */
const SOURCE_VALUES: Record<string, FeedbackSource[]> = {
  email: EMAIL_SOURCES,
  public: ['public'],
  manual: ['manual'],
  reputation: ['reputation'],
  all: [...FEEDBACK_SOURCES],
};

const list = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Reads Loopon's `source` (email, public, manual, reputation, all; comma-separated) and
 * `reputationSources` parameters. Naming review sites selects source=reputation, as documented.
 */
export function readSourceFilter(source: string | undefined, reputationSources: string | undefined, fallback: 'email' | 'all'): SourceFilter {
  const sites = list(reputationSources).map((s) => s.toLowerCase());
  if (sites.length > 0) return { sources: ['reputation'], reputationSources: [...new Set(sites)] };
  const names = list(source).map((s) => s.toLowerCase());
  if (names.length === 0) names.push(fallback);
  const out = new Set<FeedbackSource>();
  for (const name of names) {
    const sources = SOURCE_VALUES[name];
    if (!sources) throw badRequest(`source "${name}" is not one of ${Object.keys(SOURCE_VALUES).join(', ')}`);
    for (const s of sources) out.add(s);
  }
  return { sources: FEEDBACK_SOURCES.filter((s) => out.has(s)), reputationSources: null };
}

const invalidRange = (why: string) => new AppError('invalid_date_range', 400, `The specified date range is invalid: ${why}`);

function readDay(value: string | undefined, field: string): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (isCalendarDate(v)) return v;
  const ms = parseInstant(v);
  if (ms === undefined) throw invalidRange(`${field} must be a date written YYYY-MM-DD`);
  return utcDay(ms);
}

/**
 * The checkout-date range of a score: startDate and endDate (YYYY-MM-DD; a timestamp is read as
 * its UTC day), by default the 30 days before endDate, which defaults to today (UTC).
 */
export function readDateRange(startDate: string | undefined, endDate: string | undefined, now = Date.now()): DateRange {
  const end = readDay(endDate, 'endDate') ?? utcDay(now);
  const start = readDay(startDate, 'startDate') ?? addDays(end, -30);
  if (start > end) throw invalidRange('startDate is after endDate');
  return { start, end };
}

/** A semantic id from a path: a non-negative integer, else Loopon's 400. */
export function readSemanticId(value: string): number {
  // Written as Loopon writes it: "00", "+1" or " 1" are not semantic ids (a 400, as Loopon documents).
  const v = value;
  if (!/^(0|[1-9][0-9]{0,8})$/.test(v))
    throw new AppError('invalid_semantic_id', 400, `The specified semantic id is invalid: "${value}" is not a non-negative integer`);
  return Number(v);
}

/** Loopon's 400 for a semantic id that no question of the evaluation carries. */
export function unknownSemanticId(semanticId: number): AppError {
  return new AppError('invalid_semantic_id', 400, `The specified semantic id is invalid: no question of this evaluation has semantic id ${semanticId}`);
}
