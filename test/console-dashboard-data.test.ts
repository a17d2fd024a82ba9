import { describe, expect, it } from 'vitest';
import { periodOf, summarise } from '../console/src/screens/dashboards/figures.js';

const row = (
  day: string,
  locationId: number,
  source: string,
  semanticId: number,
  v: Partial<{ answers: number; scored: number; scoreSum: number; promoters: number; passives: number; detractors: number }>,
) => ({
  day,
  locationId,
  source,
  semanticId,
  answers: 0,
  scored: 0,
  scoreSum: 0,
  promoters: 0,
  passives: 0,
  detractors: 0,
  ...v,
});

// The console's dashboard arithmetic over the daily rollups (no database: a pure function).
describe('console dashboard figures', () => {
  it('puts a day in its period: itself, the Monday of its week, the first of its month', () => {
    expect(periodOf('2026-12-02', 'day')).toBe('2026-12-02');
    expect(periodOf('2026-12-02', 'week')).toBe('2026-11-30');
    expect(periodOf('2026-11-30', 'week')).toBe('2026-11-30');
    expect(periodOf('2026-12-06', 'week')).toBe('2026-11-30');
    expect(periodOf('2026-12-31', 'month')).toBe('2026-12-01');
  });

  it('computes the NPS overall, by location, by source and per period, and question averages', () => {
    const d = summarise(
      {
        rollups: [
          row('2026-11-30', 1, 'poststay', 0, { answers: 3, promoters: 2, detractors: 1 }),
          row('2026-12-01', 2, 'public', 0, { answers: 5, promoters: 1, passives: 1, detractors: 3 }),
          row('2026-12-08', 1, 'poststay', 0, { answers: 1, passives: 1 }),
          row('2026-12-01', 1, 'poststay', 1004, { answers: 2, scored: 2, scoreSum: 1.5 }),
          row('2026-12-08', 1, 'poststay', 1004, { answers: 1, scored: 1, scoreSum: 0.25 }),
        ],
        questions: [{ semanticId: 1004, title: 'Restaurant' }],
      },
      'week',
    );
    // 3 promoters, 2 passives, 4 detractors of 9: -11.1 -> -11
    expect(d.overall).toEqual({ answers: 9, promoters: 3, passives: 2, detractors: 4, nps: -11 });
    expect(d.byLocation).toEqual([
      { locationId: 1, answers: 4, promoters: 2, passives: 1, detractors: 1, nps: 25 },
      { locationId: 2, answers: 5, promoters: 1, passives: 1, detractors: 3, nps: -40 },
    ]);
    expect(d.bySource.map((s) => [s.source, s.nps])).toEqual([
      ['poststay', 25],
      ['public', -40],
    ]);
    expect(d.trend).toEqual([
      { period: '2026-11-30', nps: -13, answers: 8 },
      { period: '2026-12-07', nps: 0, answers: 1 },
    ]);
    expect(d.questions).toEqual([{ semanticId: 1004, title: 'Restaurant', answers: 3, score: 58 }]);
    expect(d.questionTrend).toEqual([{ semanticId: 1004, title: 'Restaurant', scores: [75, 25] }]);
  });

  it('rounds an NPS half away from zero and gives none without answers', () => {
    const half = summarise({ rollups: [row('2026-12-01', 1, 'poststay', 0, { answers: 8, promoters: 1, passives: 6, detractors: 1 })], questions: [] }, 'day');
    expect(half.overall.nps).toBe(0);
    const neg = summarise({ rollups: [row('2026-12-01', 1, 'poststay', 0, { answers: 8, passives: 7, detractors: 1 })], questions: [] }, 'day');
    expect(neg.overall.nps).toBe(-13); // -12.5
    expect(summarise({ rollups: [], questions: [] }, 'month').overall.nps).toBeNull();
  });
});
