import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api';
import { addDays, formatDateTime, ShowApi, TableWrap, titleOf, todayDay, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { LocationList } from '../../types';
import { type Dashboard, type GroupBy, loadAnswerDocuments, loadScores, type NpsFigure, type ScoreFilter } from './data';

const TrendChart = lazy(() => import('./TrendChart'));

const SOURCES = ['poststay', 'prestay', 'instay', 'nextstay', 'public', 'manual', 'reputation'] as const;

/** /dashboards: NPS and question scores by location, period and source, trends, drill-down to the answers. */
export default function Dashboards() {
  const [params, setParams] = useSearchParams();
  const filter: ScoreFilter = {
    from: params.get('from') ?? addDays(todayDay(), -89),
    to: params.get('to') ?? todayDay(),
    locationIds: params.get('location') ? [Number(params.get('location'))] : [],
    sources: params.get('source') ? [params.get('source') as string] : [],
    groupBy: (params.get('groupBy') as GroupBy) || 'week',
  };
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const [locations] = useApiLoad(() => api<LocationList>('GET', '/locations'), []);
  const locationList = locations.state === 'ready' ? locations.data.locations : [];
  const names = new Map(locationList.map((l) => [l.id, titleOf(l.title)]));
  const key = `${filter.from}|${filter.to}|${filter.locationIds.join()}|${filter.sources.join()}|${filter.groupBy}`;
  const [loaded, reload] = useApiLoad(() => loadScores(filter), [key]);
  const [drill, setDrill] = useState<{ locationIds: number[]; sources: string[]; label: string } | null>(null);

  return (
    <section>
      <h1>{t('dash.title')}</h1>
      <form className="filters" aria-label={t('dash.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('dash.from')}
          <input type="date" value={filter.from} max={filter.to} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label>
          {t('dash.to')}
          <input type="date" value={filter.to} min={filter.from} onChange={(e) => set('to', e.target.value)} />
        </label>
        <label>
          {t('dash.location')}
          <select value={filter.locationIds[0] ?? ''} onChange={(e) => set('location', e.target.value)}>
            <option value="">{t('dash.allLocations')}</option>
            {locationList.map((l) => (
              <option key={l.id} value={l.id}>
                {titleOf(l.title)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('dash.source')}
          <select value={filter.sources[0] ?? ''} onChange={(e) => set('source', e.target.value)}>
            <option value="">{t('dash.allSources')}</option>
            {SOURCES.map((s) => (
              <option key={s} value={s}>
                {t(`source.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('dash.groupBy')}
          <select value={filter.groupBy} onChange={(e) => set('groupBy', e.target.value)}>
            <option value="day">{t('dash.day')}</option>
            <option value="week">{t('dash.week')}</option>
            <option value="month">{t('dash.month')}</option>
          </select>
        </label>
        <button type="button" onClick={reload}>
          {t('dash.refresh')}
        </button>
      </form>
      <ShowApi loaded={loaded} retry={reload}>
        {(d) => <Figures d={d} names={names} onDrill={(locationIds, sources, label) => setDrill({ locationIds, sources, label })} filter={filter} />}
      </ShowApi>
      {drill && (
        <Answers
          filter={{ ...filter, locationIds: drill.locationIds, sources: drill.sources }}
          label={drill.label}
          names={names}
          onClose={() => setDrill(null)}
        />
      )}
    </section>
  );
}

const npsText = (f: NpsFigure) => (f.nps === null ? '—' : String(f.nps));

function Figures({
  d,
  names,
  filter,
  onDrill,
}: {
  d: Dashboard;
  names: Map<number, string>;
  filter: ScoreFilter;
  onDrill: (locationIds: number[], sources: string[], label: string) => void;
}) {
  const periods = useMemo(() => d.trend.map((p) => p.period), [d]);
  const npsSeries = useMemo(() => [{ label: t('dash.nps'), values: d.trend.map((p) => p.nps) }], [d]);
  const questionSeries = useMemo(() => d.questionTrend.map((q) => ({ label: q.title, values: q.scores })), [d]);
  return (
    <>
      <div className="kpis">
        <section className="card kpi" aria-labelledby="nps-heading">
          <h2 id="nps-heading">{t('dash.nps')}</h2>
          <p className="big" data-testid="nps">
            {npsText(d.overall)}
          </p>
          <p className="muted">
            {t('dash.counts', { answers: d.overall.answers, promoters: d.overall.promoters, passives: d.overall.passives, detractors: d.overall.detractors })}
          </p>
          <button type="button" onClick={() => onDrill(filter.locationIds, filter.sources, t('dash.allAnswers'))}>
            {t('dash.showAnswers')}
          </button>
        </section>
      </div>
      {d.trend.length > 0 && (
        <div className="card">
          <h2>{t('dash.npsTrend')}</h2>
          <Suspense fallback={<p aria-live="polite">{t('common.loading')}</p>}>
            <TrendChart periods={periods} series={npsSeries} label={t('dash.npsTrendLabel')} />
          </Suspense>
          <details>
            <summary>{t('dash.asTable')}</summary>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('dash.period')}</th>
                  <th scope="col">{t('dash.nps')}</th>
                  <th scope="col">{t('dash.answers')}</th>
                </tr>
              </thead>
              <tbody>
                {d.trend.map((p) => (
                  <tr key={p.period}>
                    <td>{p.period}</td>
                    <td>{p.nps ?? '—'}</td>
                    <td>{p.answers}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </div>
      )}
      <div className="grid-2">
        <div className="card">
          <h2>{t('dash.byLocation')}</h2>
          <FigureTable
            rows={d.byLocation.map((f) => ({ key: String(f.locationId), label: names.get(f.locationId) ?? `#${f.locationId}`, f }))}
            onDrill={(row) => onDrill([Number(row.key)], filter.sources, row.label)}
          />
        </div>
        <div className="card">
          <h2>{t('dash.bySource')}</h2>
          <FigureTable
            rows={d.bySource.map((f) => ({ key: f.source, label: t(`source.${f.source}` as 'source.public'), f }))}
            onDrill={(row) => onDrill(filter.locationIds, [row.key], row.label)}
          />
        </div>
      </div>
      <div className="card">
        <h2>{t('dash.questions')}</h2>
        {d.questions.length === 0 ? (
          <p className="muted">{t('dash.noQuestions')}</p>
        ) : (
          <TableWrap>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('dash.question')}</th>
                  <th scope="col">{t('dash.score')}</th>
                  <th scope="col">{t('dash.answers')}</th>
                </tr>
              </thead>
              <tbody>
                {d.questions.map((q) => (
                  <tr key={q.semanticId}>
                    <td>{q.title}</td>
                    <td>{q.score === null ? '—' : `${q.score}%`}</td>
                    <td>{q.answers}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        {questionSeries.length > 0 && d.trend.length > 0 && (
          <Suspense fallback={null}>
            <TrendChart periods={periods} series={questionSeries} label={t('dash.questionTrendLabel')} />
          </Suspense>
        )}
      </div>
    </>
  );
}

interface Row {
  key: string;
  label: string;
  f: NpsFigure;
}

function FigureTable({ rows, onDrill }: { rows: Row[]; onDrill: (row: Row) => void }) {
  if (rows.length === 0) return <p className="muted">{t('dash.noAnswers')}</p>;
  return (
    <TableWrap>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('dash.name')}</th>
            <th scope="col">{t('dash.nps')}</th>
            <th scope="col">{t('dash.answers')}</th>
            <th scope="col">
              <span className="sr-only">{t('dash.drill')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <td>{row.label}</td>
              <td>{npsText(row.f)}</td>
              <td>{row.f.answers}</td>
              <td>
                <button type="button" onClick={() => onDrill(row)} aria-label={t('dash.showAnswersOf', { name: row.label })}>
                  {t('dash.showAnswers')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

const PAGE = 20;

function Answers({ filter, label, names, onClose }: { filter: Omit<ScoreFilter, 'groupBy'>; label: string; names: Map<number, string>; onClose: () => void }) {
  // pages by cursor: `pages` holds the `before` of each page shown so far (undefined: the newest)
  const [pages, setPages] = useState<Array<number | undefined>>([undefined]);
  const before = pages[pages.length - 1];
  const key = `${filter.from}|${filter.to}|${filter.locationIds.join()}|${filter.sources.join()}|${before}`;
  const [loaded, reload] = useApiLoad(() => loadAnswerDocuments(filter, { limit: PAGE, before }), [key]);
  return (
    <section className="card" aria-labelledby="answers-heading">
      <h2 id="answers-heading">{t('dash.answersOf', { name: label })}</h2>
      <button type="button" onClick={onClose}>
        {t('dash.closeAnswers')}
      </button>
      <ShowApi loaded={loaded} retry={reload}>
        {(list) => (
          <>
            <p role="status">
              {list.next === null && pages.length === 1
                ? t('dash.answerCount', { count: list.documents.length })
                : t('dash.answerPage', { from: (pages.length - 1) * PAGE + 1, to: (pages.length - 1) * PAGE + list.documents.length })}
            </p>
            <ul className="plain documents">
              {list.documents.map((doc) => (
                <li key={doc.id} className="document">
                  <p>
                    <strong>{doc.guestName ?? t('dash.anonymous')}</strong> · {names.get(doc.locationId) ?? `#${doc.locationId}`} ·{' '}
                    {t(`source.${doc.source}` as 'source.public')} · {doc.checkoutDate ?? formatDateTime(doc.receivedAt)}
                    {doc.guestId && (
                      <>
                        {' '}
                        · <Link to={`/guests/${doc.guestId}`}>{t('dash.guestProfile')}</Link>
                      </>
                    )}
                  </p>
                  <dl className="facts">
                    {doc.answers.map((a) => (
                      <div key={a.id} className="fact">
                        <dt>{a.question}</dt>
                        <dd>
                          {[a.option, a.text, a.numberValue].filter((v) => v !== null && v !== '').join(' · ') || '—'}
                          {a.segment && <span className={`tag ${a.segment}`}>{t(`dash.segment.${a.segment}` as 'dash.segment.promoter')}</span>}
                        </dd>
                      </div>
                    ))}
                  </dl>
                </li>
              ))}
            </ul>
            <div className="button-row">
              <button type="button" disabled={pages.length === 1} onClick={() => setPages(pages.slice(0, -1))}>
                {t('common.previous')}
              </button>
              <button type="button" disabled={list.next === null} onClick={() => list.next !== null && setPages([...pages, list.next])}>
                {t('common.next')}
              </button>
            </div>
          </>
        )}
      </ShowApi>
    </section>
  );
}
