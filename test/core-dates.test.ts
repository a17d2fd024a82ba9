import { describe, expect, it } from 'vitest';
import { readDateRange } from '../src/api/loopon/routes/feedback-query.js';
import { todayUtc } from '../src/core/reputation/values.js';

// The defaults that depend on "today" take the instant as `now`: fixed instants, on both sides of
// midnight UTC, make them deterministic.
describe('date defaults from a given instant', () => {
  const lastMs = Date.parse('2026-11-16T23:59:59.999Z');
  const midnight = Date.parse('2026-11-17T00:00:00.000Z');

  it('ends a score range today (UTC) and starts it 30 days earlier', () => {
    expect(readDateRange(undefined, undefined, lastMs)).toEqual({ start: '2026-10-17', end: '2026-11-16' });
    expect(readDateRange(undefined, undefined, midnight)).toEqual({ start: '2026-10-18', end: '2026-11-17' });
    expect(readDateRange('2026-11-01', undefined, midnight)).toEqual({ start: '2026-11-01', end: '2026-11-17' });
    expect(readDateRange(undefined, '2026-03-01', midnight)).toEqual({ start: '2026-01-30', end: '2026-03-01' });
    expect(() => readDateRange('2026-11-18', undefined, lastMs)).toThrow(/startDate is after endDate/);
  });

  it("takes today's reputation date in UTC", () => {
    expect(todayUtc(new Date(lastMs))).toBe('2026-11-16');
    expect(todayUtc(new Date(midnight))).toBe('2026-11-17');
  });
});
