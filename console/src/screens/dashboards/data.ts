import { api, query } from '../../api';
import type { AnswerDocumentList, FeedbackRollups } from '../../types';
import { type Dashboard, type GroupBy, summarise } from './figures';

export type { Dashboard, GroupBy, NpsFigure } from './figures';

/*
 * The dashboards' only data access. Today it reads GET /admin/v1/feedback/rollups (daily sums per
 * location, source and question) and computes NPS and averages per period here; a server-side
 * GET /admin/v1/dashboards/scores can replace loadScores without touching the screen.
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

/** NPS and question scores for the filter. */
export async function loadScores(filter: ScoreFilter): Promise<Dashboard> {
  const data = await api<FeedbackRollups>(
    'GET',
    `/feedback/rollups${query({ from: filter.from, to: filter.to, locationIds: filter.locationIds, sources: filter.sources })}`,
  );
  return summarise(data, filter.groupBy);
}

/** The answer documents behind a figure (drill-down), newest first. */
export async function loadAnswerDocuments(filter: Omit<ScoreFilter, 'groupBy'>, page: { limit: number; offset: number }): Promise<AnswerDocumentList> {
  return api<AnswerDocumentList>(
    'GET',
    `/answer-documents${query({ from: filter.from, to: filter.to, locationIds: filter.locationIds, sources: filter.sources, ...page })}`,
  );
}
