import type { Db } from '../../db/database.js';
import type { ReputationSnapshot } from '../../db/schema.js';

/*
 * Reputation snapshots: a unit's online reputation at the end of a day, per review source, plus
 * optionally an all-sources row (source ''). Without a stored all-sources row, the all-sources
 * figures are the average of that day's per-source rows.
 */

/** The source name of the all-sources row. */
export const ALL_SOURCES = '';

export interface SnapshotInput {
  locationId: number;
  day: string;
  /** '' for all sources */
  source: string;
  rank: number | null;
  rankOf: number | null;
  score: number | null;
  normalizedScore: number | null;
}

export interface ReputationResult {
  date: string;
  rank: number | null;
  rankOf: number | null;
  score: number | null;
  normalizedScore: number | null;
}

/** Inserts or replaces snapshots (by unit, day and source); a key given twice: the last wins. */
export async function upsertSnapshots(db: Db, accountId: number, inputs: SnapshotInput[]): Promise<void> {
  const byKey = new Map<string, SnapshotInput>();
  for (const s of inputs) byKey.set(`${s.locationId}\u0000${s.day}\u0000${s.source}`, s);
  const rows = [...byKey.values()].map((s) => ({
    account_id: accountId,
    location_id: s.locationId,
    day: s.day,
    source: s.source,
    rank: s.rank,
    rank_of: s.rankOf,
    score: s.score,
    normalized_score: s.normalizedScore,
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('reputation_snapshots')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) =>
        oc.columns(['account_id', 'location_id', 'day', 'source']).doUpdateSet((eb) => ({
          rank: eb.ref('excluded.rank'),
          rank_of: eb.ref('excluded.rank_of'),
          score: eb.ref('excluded.score'),
          normalized_score: eb.ref('excluded.normalized_score'),
        })),
      )
      .execute();
  }
}

const average = (values: Array<number | null>): number | null => {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : null;
};

/** An average as a figure to show: 8.63, not 8.633333333333335 (null stays null). */
const rounded = (value: number | null, decimals: number): number | null => (value === null ? null : Number(value.toFixed(decimals)));

/** The all-sources figures of one unit's day: the stored '' row, else the mean of its sources. */
function allSources(day: string, rows: ReputationSnapshot[]): ReputationResult {
  const stored = rows.find((r) => r.source === ALL_SOURCES);
  if (stored) return fromRow(day, stored);
  const rankOf = average(rows.map((r) => r.rank_of));
  return {
    date: day,
    rank: rounded(average(rows.map((r) => r.rank)), 2),
    rankOf: rankOf === null ? null : Math.round(rankOf),
    score: rounded(average(rows.map((r) => r.score)), 2),
    normalizedScore: rounded(average(rows.map((r) => r.normalized_score)), 4),
  };
}

function fromRow(day: string, row: ReputationSnapshot | undefined): ReputationResult {
  return {
    date: day,
    rank: rounded(row?.rank ?? null, 2),
    rankOf: row?.rank_of ?? null,
    score: rounded(row?.score ?? null, 2),
    normalizedScore: rounded(row?.normalized_score ?? null, 4),
  };
}

/**
 * The reputation of each unit on `day`, for one source or (source null or '') all of them. A unit
 * without data gets a result whose figures are all null.
 */
export async function reputationOn(
  db: Db,
  accountId: number,
  locationIds: number[],
  day: string,
  source: string | null,
): Promise<Map<number, ReputationResult>> {
  const out = new Map<number, ReputationResult>();
  if (locationIds.length === 0) return out;
  let query = db
    .selectFrom('reputation_snapshots')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('location_id', 'in', [...new Set(locationIds)])
    .where('day', '=', day);
  if (source) query = query.where('source', '=', source);
  const rows = await query.execute();
  for (const id of locationIds) {
    const own = rows.filter((r) => r.location_id === id);
    out.set(id, source ? fromRow(day, own[0]) : own.length ? allSources(day, own) : fromRow(day, undefined));
  }
  return out;
}

/**
 * The daily reputation of each unit from `from` to `to` (inclusive), for one source or (null or
 * '') all of them: only the days with a snapshot, oldest first. One range read for all units.
 */
export async function reputationSeries(
  db: Db,
  accountId: number,
  locationIds: number[],
  range: { from: string; to: string },
  source: string | null,
): Promise<Map<number, ReputationResult[]>> {
  const out = new Map<number, ReputationResult[]>(locationIds.map((id) => [id, []]));
  if (locationIds.length === 0) return out;
  let query = db
    .selectFrom('reputation_snapshots')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('location_id', 'in', [...new Set(locationIds)])
    .where('day', '>=', range.from)
    .where('day', '<=', range.to);
  if (source) query = query.where('source', '=', source);
  const rows = await query.orderBy('location_id').orderBy('day').execute();
  const byUnitDay = new Map<string, ReputationSnapshot[]>();
  for (const r of rows) {
    const key = `${r.location_id}\u0000${r.day}`;
    const list = byUnitDay.get(key);
    if (list) list.push(r);
    else byUnitDay.set(key, [r]);
  }
  for (const list of byUnitDay.values()) {
    const { location_id: id, day } = list[0];
    out.get(id)?.push(source ? fromRow(day, list[0]) : allSources(day, list));
  }
  return out;
}
