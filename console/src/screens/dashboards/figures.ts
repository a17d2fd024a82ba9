/*
 * The dashboards' arithmetic: NPS, question averages and periods from daily rollups. Pure (no
 * imports), so it is unit-tested apart from the screen (test/console-dashboard-data.test.ts).
 */

/** One day's sums of a location, source and question (GET /feedback/rollups). */
export interface RollupRow {
  day: string;
  locationId: number;
  source: string;
  semanticId: number;
  answers: number;
  scored: number;
  scoreSum: number;
  promoters: number;
  passives: number;
  detractors: number;
}

export interface Rollups {
  rollups: RollupRow[];
  questions: Array<{ semanticId: number; title: string }>;
}

export type GroupBy = 'day' | 'week' | 'month';

export interface NpsFigure {
  answers: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** % promoters - % detractors, rounded half away from zero; null without answers */
  nps: number | null;
}

export interface QuestionFigure {
  semanticId: number;
  title: string;
  answers: number;
  /** average normalised score in percent; null without scored answers */
  score: number | null;
}

export interface Dashboard {
  overall: NpsFigure;
  byLocation: Array<NpsFigure & { locationId: number }>;
  bySource: Array<NpsFigure & { source: string }>;
  questions: QuestionFigure[];
  /** one point per period (its first day) with answers */
  trend: Array<{ period: string; nps: number | null; answers: number }>;
  /** per question, the average score per period, same periods as `trend` */
  questionTrend: Array<{ semanticId: number; title: string; scores: Array<number | null> }>;
}

const empty = (): NpsFigure => ({ answers: 0, promoters: 0, passives: 0, detractors: 0, nps: null });

function add(into: NpsFigure, r: RollupRow): void {
  into.answers += r.answers;
  into.promoters += r.promoters;
  into.passives += r.passives;
  into.detractors += r.detractors;
}

function finish<T extends NpsFigure>(f: T): T {
  const segmented = f.promoters + f.passives + f.detractors;
  const raw = segmented > 0 ? (100 * (f.promoters - f.detractors)) / segmented : null;
  return { ...f, nps: raw === null ? null : Math.sign(raw) * Math.round(Math.abs(raw)) + 0 };
}

/** The first day of the period `day` falls in (weeks start on Monday). */
export function periodOf(day: string, groupBy: GroupBy): string {
  if (groupBy === 'day') return day;
  if (groupBy === 'month') return `${day.slice(0, 7)}-01`;
  const ms = Date.parse(`${day}T00:00:00Z`);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7;
  return new Date(ms - weekday * 86_400_000).toISOString().slice(0, 10);
}

/** Pure: the dashboard from daily rollups (exported for tests of the arithmetic). */
export function summarise(data: Rollups, groupBy: GroupBy): Dashboard {
  const overall = empty();
  const byLocation = new Map<number, NpsFigure>();
  const bySource = new Map<string, NpsFigure>();
  const byPeriod = new Map<string, NpsFigure>();
  const questions = new Map<number, { answers: number; scored: number; sum: number }>();
  const questionPeriods = new Map<string, { scored: number; sum: number }>();
  for (const r of data.rollups) {
    const period = periodOf(r.day, groupBy);
    if (r.semanticId === 0) {
      add(overall, r);
      if (!byLocation.has(r.locationId)) byLocation.set(r.locationId, empty());
      add(byLocation.get(r.locationId)!, r);
      if (!bySource.has(r.source)) bySource.set(r.source, empty());
      add(bySource.get(r.source)!, r);
      if (!byPeriod.has(period)) byPeriod.set(period, empty());
      add(byPeriod.get(period)!, r);
    } else {
      const q = questions.get(r.semanticId) ?? { answers: 0, scored: 0, sum: 0 };
      q.answers += r.answers;
      q.scored += r.scored;
      q.sum += r.scoreSum;
      questions.set(r.semanticId, q);
      const key = `${r.semanticId}|${period}`;
      const qp = questionPeriods.get(key) ?? { scored: 0, sum: 0 };
      qp.scored += r.scored;
      qp.sum += r.scoreSum;
      questionPeriods.set(key, qp);
      if (!byPeriod.has(period)) byPeriod.set(period, empty());
    }
  }
  const titles = new Map(data.questions.map((q) => [q.semanticId, q.title]));
  const periods = [...byPeriod.keys()].sort();
  return {
    overall: finish(overall),
    byLocation: [...byLocation].map(([locationId, f]) => finish({ ...f, locationId })),
    bySource: [...bySource].map(([source, f]) => finish({ ...f, source })),
    questions: [...questions]
      .sort(([a], [b]) => a - b)
      .map(([semanticId, q]) => ({
        semanticId,
        title: titles.get(semanticId) ?? `#${semanticId}`,
        answers: q.answers,
        score: q.scored > 0 ? Math.round((100 * q.sum) / q.scored) : null,
      })),
    trend: periods.map((period) => {
      const f = finish(byPeriod.get(period)!);
      return { period, nps: f.nps, answers: f.answers };
    }),
    questionTrend: [...questions.keys()]
      .sort((a, b) => a - b)
      .map((semanticId) => ({
        semanticId,
        title: titles.get(semanticId) ?? `#${semanticId}`,
        scores: periods.map((p) => {
          const qp = questionPeriods.get(`${semanticId}|${p}`);
          return qp && qp.scored > 0 ? Math.round((100 * qp.sum) / qp.scored) : null;
        }),
      })),
  };
}
