import { describe, expect, it } from 'vitest';
import { fromScores } from '../console/src/screens/dashboards/figures.js';

const figures = (promoters: number, passives: number, detractors: number, questions: Array<[number, number, number | null]> = []) => {
  const responses = promoters + passives + detractors;
  const raw = responses ? (100 * (promoters - detractors)) / responses : null;
  return {
    nps: { promoters, passives, detractors, responses, nps: raw === null ? null : Math.sign(raw) * Math.round(Math.abs(raw)) + 0 },
    questions: questions.map(([semanticId, answerCount, average]) => ({ semanticId, answerCount, scoredCount: average === null ? 0 : answerCount, average })),
  };
};

// The console's dashboard figures from GET /dashboards/scores (no database: a pure function).
describe('console dashboard figures', () => {
  it('maps the scores endpoint to the screen: NPS overall, by location, by source, per period, and question averages in percent', () => {
    const d = fromScores({
      from: '2026-11-01',
      to: '2026-12-31',
      groupBy: 'month',
      questions: [
        { semanticId: 0, title: 'Recommend?' },
        { semanticId: 7, title: 'Breakfast' },
      ],
      total: figures(3, 1, 4, [
        [0, 8, 0.5],
        [7, 2, 0.625],
      ]),
      periods: [
        { start: '2026-11-01', end: '2026-11-30', ...figures(2, 0, 1, [[7, 1, 0.5]]) },
        { start: '2026-12-01', end: '2026-12-31', ...figures(0, 0, 0) },
      ],
      byLocation: [{ locationId: 4, ...figures(3, 1, 4) }],
      bySource: [{ source: 'poststay', ...figures(1, 0, 0) }],
      drillDown: '/admin/v1/dashboards/answer-documents?from=2026-11-01&to=2026-12-31',
    });
    expect(d.overall).toEqual({ answers: 8, promoters: 3, passives: 1, detractors: 4, nps: -13 });
    expect(d.byLocation).toEqual([{ locationId: 4, answers: 8, promoters: 3, passives: 1, detractors: 4, nps: -13 }]);
    expect(d.bySource).toEqual([{ source: 'poststay', answers: 1, promoters: 1, passives: 0, detractors: 0, nps: 100 }]);
    // the NPS question is the NPS, not a question average
    expect(d.questions).toEqual([{ semanticId: 7, title: 'Breakfast', answers: 2, score: 63 }]);
    expect(d.trend).toEqual([
      { period: '2026-11-01', nps: 33, answers: 3 },
      { period: '2026-12-01', nps: null, answers: 0 },
    ]);
    expect(d.questionTrend).toEqual([{ semanticId: 7, title: 'Breakfast', scores: [50, null] }]);
  });

  it('names a question without a title by its semantic id', () => {
    const d = fromScores({
      from: '2026-12-01',
      to: '2026-12-01',
      groupBy: 'day',
      questions: [],
      total: figures(0, 0, 0, [[9, 1, null]]),
      periods: [{ start: '2026-12-01', end: '2026-12-01', ...figures(0, 0, 0) }],
      byLocation: [],
      bySource: [],
      drillDown: '',
    });
    expect(d.questions).toEqual([{ semanticId: 9, title: '#9', answers: 1, score: null }]);
    expect(d.overall.nps).toBeNull();
  });
});
