import { api, query } from '../../api';
import type { DashboardScores, DrillDown } from '../../types';
import { type Dashboard, type GroupBy, fromScores } from './figures';

export type { Dashboard, GroupBy, NpsFigure } from './figures';

/*
 * The dashboards' only data access: GET /admin/v1/dashboards/scores (computed by the server from
 * its score rollups) and GET /admin/v1/dashboards/answer-documents (the drill-down).
 */

export interface ScoreFilter {
  from: string;
  to: string;
  /** empty: every location */
  locationIds: number[];
  /** empty: every source */
  sources: string[];
  groupBy: GroupBy;
}

const selection = (filter: Omit<ScoreFilter, 'groupBy'>) => ({
  from: filter.from,
  to: filter.to,
  locationIds: filter.locationIds.length ? filter.locationIds.join(',') : undefined,
  sources: filter.sources.length ? filter.sources.join(',') : undefined,
});

/** NPS and question scores for the filter. */
export async function loadScores(filter: ScoreFilter): Promise<Dashboard> {
  return fromScores(await api<DashboardScores>('GET', `/dashboards/scores${query({ ...selection(filter), groupBy: filter.groupBy })}`));
}

/** The answer documents behind a figure (drill-down), newest first; `before` is the previous page's `next`. */
export async function loadAnswerDocuments(filter: Omit<ScoreFilter, 'groupBy'>, page: { limit: number; before?: number }): Promise<DrillDown> {
  return api<DrillDown>('GET', `/dashboards/answer-documents${query({ ...selection(filter), ...page })}`);
}
