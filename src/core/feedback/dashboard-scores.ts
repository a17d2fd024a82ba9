import { sql, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { parseJson, pickText, type I18nText } from '../shared/json.js';
import { addDays } from './dates.js';
import { NPS_SEMANTIC_ID } from './scores.js';
import { segmentOf, weekStart } from './score-segments.js';

/*
 * The scores dashboard: NPS and per-question averages (questions compared by semantic id, across
 * surveys and question-set versions) for a set of locations, a range of days and a set of sources,
 * in total, by location, by source and per period (day, week or month). The day of an answer is
 * the rollups' day: the checkout date, else the UTC day it was received.
 *
 * Reads the coarsest rollups that cover the range exactly (score-segments.ts): whole months, then
 * whole segments (a week within a month), then days at the cut edges. The trend reads periods no
 * coarser than its grouping; figures by location always read the coarsest. A year of a 50-hotel
 * chain by month reads ~20,000 month rows per query, by week ~100,000 segment rows; no answer.
 * When the selection holds every location with answers in the range's months (every unit, or a
 * chain that is the whole account), the trend, totals and sources read the account-level rollups
 * instead (whole months, whole ISO weeks, days at the edges): ~2,000 rows for a year by week.
 */

export type GroupBy = 'day' | 'week' | 'month';

export interface DashboardQuery {
  /** first day counted, YYYY-MM-DD */
  from: string;
  /** last day counted, inclusive */
  to: string;
  /** the units counted; null: every location of the account */
  locationIds: number[] | null;
  /** the feedback sources counted; null: all */
  sources: string[] | null;
  groupBy: GroupBy;
}

export interface Counts {
  answerCount: number;
  scoredCount: number;
  scoreSum: number;
  promoters: number;
  passives: number;
  detractors: number;
}

export interface NpsFigures {
  promoters: number;
  passives: number;
  detractors: number;
  /** promoters + passives + detractors */
  responses: number;
  /** % promoters - % detractors, rounded half away from zero; null without responses */
  nps: number | null;
}

export interface QuestionFigures {
  semanticId: number;
  answerCount: number;
  /** answers that carry a score */
  scoredCount: number;
  /** mean normalised score in [0, 1], 4 decimals; null without scored answers */
  average: number | null;
}

export interface Figures {
  nps: NpsFigures;
  questions: QuestionFigures[];
}

export interface DashboardScores {
  questions: Array<{ semanticId: number; title: string }>;
  total: Figures;
  periods: Array<{ start: string; end: string } & Figures>;
  byLocation: Array<{ locationId: number } & Figures>;
  bySource: Array<{ source: string } & Figures>;
}

const zero = (): Counts => ({ answerCount: 0, scoredCount: 0, scoreSum: 0, promoters: 0, passives: 0, detractors: 0 });

function add(into: Counts, row: Record<string, unknown>): void {
  into.answerCount += Number(row.answer_count);
  into.scoredCount += Number(row.scored_count);
  into.scoreSum += Number(row.score_sum);
  into.promoters += Number(row.promoters);
  into.passives += Number(row.passives);
  into.detractors += Number(row.detractors);
}

/** Rounds half away from zero, so an NPS of -12.5 is -13 as +12.5 is 13 (as the Loopon scores). */
const roundHalfAway = (value: number) => Math.sign(value) * Math.round(Math.abs(value)) + 0;

/** NPS and question averages of the counts of one cell (semantic id -> counts). */
export function figuresOf(bySemantic: Map<number, Counts>): Figures {
  const n = bySemantic.get(NPS_SEMANTIC_ID) ?? zero();
  const responses = n.promoters + n.passives + n.detractors;
  const questions = [...bySemantic.entries()]
    .sort(([a], [b]) => a - b)
    .map(([semanticId, c]) => ({
      semanticId,
      answerCount: c.answerCount,
      scoredCount: c.scoredCount,
      average: c.scoredCount > 0 ? Math.round((c.scoreSum / c.scoredCount) * 10_000) / 10_000 : null,
    }));
  return {
    nps: {
      promoters: n.promoters,
      passives: n.passives,
      detractors: n.detractors,
      responses,
      nps: responses > 0 ? roundHalfAway((100 * (n.promoters - n.detractors)) / responses) : null,
    },
    questions,
  };
}

/** The period `day` falls in: its first day. */
export function periodOf(day: string, groupBy: GroupBy): string {
  if (groupBy === 'day') return day;
  if (groupBy === 'week') return weekStart(day);
  return `${day.slice(0, 8)}01`;
}

function nextPeriod(start: string, groupBy: GroupBy): string {
  if (groupBy === 'day') return addDays(start, 1);
  if (groupBy === 'week') return addDays(start, 7);
  const [y, m] = start.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** Every period that meets [from, to], each clipped to the range, oldest first. */
export function periodsOf(from: string, to: string, groupBy: GroupBy): Array<{ start: string; end: string; key: string }> {
  const out: Array<{ start: string; end: string; key: string }> = [];
  for (let key = periodOf(from, groupBy); key <= to; key = nextPeriod(key, groupBy)) {
    const last = addDays(nextPeriod(key, groupBy), -1);
    out.push({ key, start: key < from ? from : key, end: last > to ? to : last });
  }
  return out;
}

/** The segments whole inside [from, to] (first and last start), and the days outside them. */
export function splitRange(from: string, to: string): { segments: [string, string] | null; days: Array<[string, string]> } {
  let first = segmentOf(from) === from ? from : undefined;
  if (first === undefined) {
    // The next segment start after `from`: the next Monday or the next 1st, whichever comes first.
    let d = addDays(from, 1);
    while (segmentOf(d) !== d) d = addDays(d, 1);
    first = d;
  }
  // The last whole segment ends at `to` when the day after `to` starts a segment.
  let end = to;
  while (end >= first && segmentOf(addDays(end, 1)) !== addDays(end, 1)) end = addDays(end, -1);
  if (end < first) return { segments: null, days: [[from, to]] };
  const lastStart = segmentOf(end);
  const days: Array<[string, string]> = [];
  if (from < first) days.push([from, addDays(first, -1)]);
  if (end < to) days.push([addDays(end, 1), to]);
  return { segments: [first, lastStart], days };
}

const sums = [
  sql<number>`sum(answer_count)`.as('answer_count'),
  sql<number>`sum(scored_count)`.as('scored_count'),
  sql<number>`sum(score_sum)`.as('score_sum'),
  sql<number>`sum(promoters)`.as('promoters'),
  sql<number>`sum(passives)`.as('passives'),
  sql<number>`sum(detractors)`.as('detractors'),
];

/** The newest title of each semantic id among the account's questions. */
async function titlesOf(db: Db, accountId: number, semanticIds: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (semanticIds.length === 0) return out;
  const rows = await db
    .selectFrom('questions')
    .select(['semantic_id', 'title'])
    .where('account_id', '=', accountId)
    .where('semantic_id', 'in', semanticIds)
    .orderBy('id', 'desc')
    .execute();
  for (const r of rows) if (r.semantic_id !== null && !out.has(r.semantic_id)) out.set(r.semantic_id, pickText(parseJson<I18nText>(r.title, {})));
  return out;
}

class Cells {
  private readonly cells = new Map<string, Map<number, Counts>>();
  add(key: string, semanticId: number, row: Record<string, unknown>): void {
    const cell = this.cells.get(key) ?? new Map<number, Counts>();
    this.cells.set(key, cell);
    const counts = cell.get(semanticId) ?? zero();
    cell.set(semanticId, counts);
    add(counts, row);
  }
  get(key: string): Map<number, Counts> {
    return this.cells.get(key) ?? new Map();
  }
  keys(): string[] {
    return [...this.cells.keys()];
  }
}

/** Months whole inside [from, to] (first and last 1st), and the ranges before and after them. */
export function splitMonths(from: string, to: string): { months: [string, string] | null; rest: Array<[string, string]> } {
  const first = from.endsWith('-01') ? from : nextPeriod(periodOf(from, 'month'), 'month');
  const afterTo = addDays(to, 1);
  const last = afterTo.endsWith('-01') ? periodOf(to, 'month') : addDays(periodOf(to, 'month'), -1).slice(0, 8) + '01';
  if (first > last) return { months: null, rest: [[from, to]] };
  const rest: Array<[string, string]> = [];
  if (from < first) rest.push([from, addDays(first, -1)]);
  const lastEnd = addDays(nextPeriod(last, 'month'), -1);
  if (lastEnd < to) rest.push([addDays(lastEnd, 1), to]);
  return { months: [first, last], rest };
}

/**
 * A read of rollups: whole periods of a grain ('m' months, 's' segments; 'am' months, 'aw' ISO
 * weeks of the whole account) or days; first and last are the first and last period starts.
 */
type Read = { grain: 'm' | 's' | 'am' | 'aw' | 'd'; first: string; last: string };

/** The ISO weeks whole inside [from, to] (first and last Monday), and the days outside them. */
export function splitWeeks(from: string, to: string): { weeks: [string, string] | null; days: Array<[string, string]> } {
  const fromMonday = weekStart(from);
  const first = fromMonday === from ? from : addDays(fromMonday, 7);
  const lastMonday = addDays(weekStart(addDays(to, 1)), -7);
  if (lastMonday < first) return { weeks: null, days: [[from, to]] };
  const days: Array<[string, string]> = [];
  if (from < first) days.push([from, addDays(first, -1)]);
  const end = addDays(lastMonday, 6);
  if (end < to) days.push([addDays(end, 1), to]);
  return { weeks: [first, lastMonday], days };
}

/** [from, to] cut at month boundaries. */
function byMonth(from: string, to: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let start = from; start <= to; ) {
    const next = nextPeriod(periodOf(start, 'month'), 'month');
    const end = addDays(next, -1) < to ? addDays(next, -1) : to;
    out.push([start, end]);
    start = next;
  }
  return out;
}

/**
 * The reads of account-level rollups that cover [from, to] exactly: whole months when `months`,
 * whole ISO weeks (cut at month ends when `months`, so a week lies in one month), the edges from
 * per-location segments and days.
 */
function coverAccount(from: string, to: string, months: boolean): Read[] {
  const reads: Read[] = [];
  const split = months ? splitMonths(from, to) : { months: null, rest: [[from, to]] as Array<[string, string]> };
  if (split.months) reads.push({ grain: 'am', first: split.months[0], last: split.months[1] });
  const pieces = months ? split.rest.flatMap(([a, b]) => byMonth(a, b)) : split.rest;
  for (const [start, end] of pieces) {
    const { weeks, days } = splitWeeks(start, end);
    if (weeks) reads.push({ grain: 'aw', first: weeks[0], last: weeks[1] });
    // The edges from the per-location segments where whole (1-5 January is one), else days.
    for (const [a, b] of days) reads.push(...coverRange(a, b, false));
  }
  return reads;
}

/**
 * Whether the selected locations hold every location with rollups in the months [from, to]
 * meets, so the account-level rollups count exactly what the selection does.
 */
async function coversAccount(db: Db, accountId: number, q: DashboardQuery): Promise<boolean> {
  if (q.locationIds === null) return true;
  const selected = new Set(q.locationIds);
  const rows = await db
    .selectFrom('score_rollup_segments')
    .select('location_id')
    .distinct()
    .where('account_id', '=', accountId)
    .where('grain', '=', 'm')
    .where('segment', '>=', periodOf(q.from, 'month'))
    .where('segment', '<=', q.to)
    .execute();
  return rows.every((r) => selected.has(r.location_id));
}

/** The reads that cover [from, to] exactly with the coarsest grains allowed (months only when `months`). */
function coverRange(from: string, to: string, months: boolean): Read[] {
  const reads: Read[] = [];
  const split = months ? splitMonths(from, to) : { months: null, rest: [[from, to]] as Array<[string, string]> };
  if (split.months) reads.push({ grain: 'm', first: split.months[0], last: split.months[1] });
  for (const [start, end] of split.rest) {
    const { segments, days } = splitRange(start, end);
    if (segments) reads.push({ grain: 's', first: segments[0], last: segments[1] });
    for (const [a, b] of days) reads.push({ grain: 'd', first: a, last: b });
  }
  return reads;
}

/**
 * The semantic ids with rollups in the account in the months [from, to] meets (from the
 * account-level months: a few hundred rows). Day reads name them, so each (location, semantic id)
 * reads only its days from the day rollups' key instead of every day of the location.
 */
async function semanticIdsIn(db: Db, accountId: number, from: string, to: string): Promise<number[]> {
  const rows = await db
    .selectFrom('score_rollup_segments')
    .select('semantic_id')
    .distinct()
    .where('account_id', '=', accountId)
    .where('grain', '=', 'am')
    .where('segment', '>=', periodOf(from, 'month'))
    .where('segment', '<=', to)
    .execute();
  return rows.map((r) => r.semantic_id).sort((a, b) => a - b);
}

type SegmentQuery = SelectQueryBuilder<Database, 'score_rollup_segments', Record<string, string | number>>;

/** Counts of one read grouped by `by` (period, source or location), with the semantic id. */
async function readCounts(
  db: Db,
  accountId: number,
  q: DashboardQuery,
  read: Read,
  by: 'period' | 'source' | 'location',
  semanticIds: number[],
): Promise<Array<Record<string, any>>> {
  const day = read.grain === 'd';
  if (day && semanticIds.length === 0) return [];
  const period = day ? 'day' : 'segment';
  const keys = by === 'period' ? ['semantic_id', period] : by === 'source' ? ['semantic_id', 'source'] : ['location_id', 'semantic_id'];
  const columns = [...keys.map((k) => sql.ref<string | number>(k).as(k)), ...sums];
  // Both tables have the columns filtered on; the builder is typed as the segment rollups'.
  let query = day
    ? (db
        .selectFrom('score_rollups')
        .select(columns)
        .where('account_id', '=', accountId)
        .where('semantic_id', 'in', semanticIds)
        .where('day', '>=', read.first)
        .where('day', '<=', read.last) as unknown as SegmentQuery)
    : db
        .selectFrom('score_rollup_segments')
        .select(columns)
        .where('account_id', '=', accountId)
        .where('grain', '=', read.grain as 'm')
        .where('segment', '>=', read.first)
        .where('segment', '<=', read.last);
  // Account-level rows carry location 0: the caller checked that the selection covers the account.
  if (q.locationIds && read.grain !== 'am' && read.grain !== 'aw') query = query.where('location_id', 'in', q.locationIds);
  if (q.sources) query = query.where('source', 'in', q.sources);
  const rows: Array<Record<string, any>> = await query.groupBy(keys.map((k) => sql.ref(k))).execute();
  return by === 'period' ? rows.map((r) => ({ ...r, period: r[period] })) : rows;
}

/**
 * The dashboard's figures; see the file comment. `accountRollups: false` reads per location only
 * (the same figures; the bench compares the two).
 */
export async function readDashboardScores(db: Db, accountId: number, q: DashboardQuery, options: { accountRollups?: boolean } = {}): Promise<DashboardScores> {
  const total = new Cells();
  const byPeriod = new Cells();
  const byLocation = new Cells();
  const bySource = new Cells();
  const empty = q.locationIds?.length === 0 || q.sources?.length === 0;
  // A selection of the whole account reads the trend, totals and sources from the account-level rollups.
  const [account, withRollups] = await Promise.all([
    !empty && options.accountRollups !== false && coversAccount(db, accountId, q),
    empty ? [] : semanticIdsIn(db, accountId, q.from, q.to),
  ]);
  // The trend reads periods no coarser than groupBy; totals and sources the coarsest cover (each
  // read grouped only by what it answers: a weekly trend is weeks x questions, not x sources).
  const cover = account ? coverAccount : coverRange;
  const trendReads = empty ? [] : q.groupBy === 'day' ? [{ grain: 'd' as const, first: q.from, last: q.to }] : cover(q.from, q.to, q.groupBy === 'month');
  const sourceReads = empty ? [] : cover(q.from, q.to, true);
  const locationReads = empty ? [] : coverRange(q.from, q.to, true);
  const [trendRows, sourceRows, locationRows] = await Promise.all(
    (
      [
        [trendReads, 'period'],
        [sourceReads, 'source'],
        [locationReads, 'location'],
      ] as const
    ).map(([reads, by]) => Promise.all(reads.map((read) => readCounts(db, accountId, q, read, by, withRollups)))),
  );
  for (const r of trendRows.flat()) byPeriod.add(periodOf(r.period, q.groupBy), r.semantic_id, r);
  for (const r of sourceRows.flat()) {
    bySource.add(r.source, r.semantic_id, r);
    total.add('', r.semantic_id, r);
  }
  for (const r of locationRows.flat()) byLocation.add(String(r.location_id), r.semantic_id, r);

  const semanticIds = [...total.get('').keys()].sort((a, b) => a - b);
  const titles = await titlesOf(db, accountId, semanticIds);
  const locationIds = q.locationIds ?? byLocation.keys().map(Number);
  return {
    questions: semanticIds.map((semanticId) => ({ semanticId, title: titles.get(semanticId) ?? '' })),
    total: figuresOf(total.get('')),
    periods: periodsOf(q.from, q.to, q.groupBy).map(({ key, start, end }) => ({ start, end, ...figuresOf(byPeriod.get(key)) })),
    byLocation: [...new Set(locationIds)].sort((a, b) => a - b).map((locationId) => ({ locationId, ...figuresOf(byLocation.get(String(locationId))) })),
    bySource: (q.sources ?? bySource.keys())
      .slice()
      .sort()
      .map((source) => ({ source, ...figuresOf(bySource.get(source)) })),
  };
}
