// from the server's schema module itself, not ../../types: a node test imports this file, and the
// root typecheck (NodeNext) cannot resolve the extensionless paths ../../types imports from
import type { DashboardScores } from '../../../../src/api/admin/routes/dashboards-schemas.js';

/*
 * The dashboards' figures as the screen shows them, from GET /admin/v1/dashboards/scores (the
 * server computes NPS and averages from its rollups). Pure, so it is unit-tested apart from the
 * screen (test/console-dashboard-data.test.ts).
 */

export type GroupBy = DashboardScores['groupBy'];

export interface NpsFigure {
  /** NPS answers (promoters + passives + detractors) */
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
  /** one point per period (its first day), empty periods included (nps null) */
  trend: Array<{ period: string; nps: number | null; answers: number }>;
  /** per question, the average score per period, same periods as `trend` */
  questionTrend: Array<{ semanticId: number; title: string; scores: Array<number | null> }>;
}

type Figures = DashboardScores['total'];

const nps = (f: Figures): NpsFigure => ({
  answers: f.nps.responses,
  promoters: f.nps.promoters,
  passives: f.nps.passives,
  detractors: f.nps.detractors,
  nps: f.nps.nps,
});

const percent = (average: number | null) => (average === null ? null : Math.round(100 * average));

/** Pure: the screen's figures from the scores endpoint's answer. */
export function fromScores(data: DashboardScores): Dashboard {
  const titles = new Map(data.questions.map((q) => [q.semanticId, q.title]));
  const titleOf = (semanticId: number) => titles.get(semanticId) ?? `#${semanticId}`;
  const asked = data.total.questions.filter((q) => q.semanticId !== 0);
  return {
    overall: nps(data.total),
    byLocation: data.byLocation.map((l) => ({ ...nps(l), locationId: l.locationId })),
    bySource: data.bySource.map((s) => ({ ...nps(s), source: s.source })),
    questions: asked.map((q) => ({ semanticId: q.semanticId, title: titleOf(q.semanticId), answers: q.answerCount, score: percent(q.average) })),
    trend: data.periods.map((p) => ({ period: p.start, nps: p.nps.nps, answers: p.nps.responses })),
    questionTrend: asked.map((q) => ({
      semanticId: q.semanticId,
      title: titleOf(q.semanticId),
      scores: data.periods.map((p) => percent(p.questions.find((pq) => pq.semanticId === q.semanticId)?.average ?? null)),
    })),
  };
}
