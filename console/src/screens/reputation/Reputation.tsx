import { lazy, Suspense, useMemo, useState } from 'react';
import { api, query } from '../../api';
import { ActionError, addDays, Form, ShowApi, TableWrap, titleOf, todayDay, useAction, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { CompetitiveSet, CompetitiveSetList, CompetitorList, DashboardReputation, Location, LocationList, ReviewQuestionList } from '../../types';

const TrendChart = lazy(() => import('../dashboards/TrendChart'));

/**
 * /reputation: the daily reputation score and the reviews of a location beside its competitive set
 * (GET /admin/v1/dashboards/reputation), the sets and competitors.
 */
export default function Reputation() {
  const [places, reloadPlaces] = useApiLoad(async () => {
    const [own, rivals, sets] = await Promise.all([
      api<LocationList>('GET', '/locations'),
      api<CompetitorList>('GET', '/competitors'),
      api<CompetitiveSetList>('GET', '/competitive-sets'),
    ]);
    return { locations: own.locations, competitors: rivals.competitors, sets: sets.competitiveSets };
  }, []);
  const [setId, setSetId] = useState<number | null>(null);
  const [days, setDays] = useState(30);
  return (
    <section>
      <h1>{t('rep.title')}</h1>
      <ShowApi loaded={places} retry={reloadPlaces}>
        {({ locations, competitors, sets }) => {
          const names = new Map([...locations, ...competitors].map((l) => [l.id, titleOf(l.title)]));
          const chosen = sets.find((s) => s.id === setId) ?? sets[0];
          return (
            <>
              <form className="filters" aria-label={t('rep.filters')} onSubmit={(e) => e.preventDefault()}>
                <label>
                  {t('rep.set')}
                  <select value={chosen?.id ?? ''} onChange={(e) => setSetId(Number(e.target.value))} disabled={sets.length === 0}>
                    {sets.length === 0 && <option value="">{t('rep.noSets')}</option>}
                    {sets.map((s) => (
                      <option key={s.id} value={s.id}>
                        {t('rep.setOption', { name: s.name, location: names.get(s.locationId) ?? `#${s.locationId}` })}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  {t('rep.days')}
                  <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
                    {[7, 30, 90, 365].map((n) => (
                      <option key={n} value={n}>
                        {t('rep.lastDays', { n })}
                      </option>
                    ))}
                  </select>
                </label>
              </form>
              {chosen && <Compare set={chosen} names={names} days={days} />}
              <div className="grid-2">
                <Sets locations={locations} competitors={competitors} sets={sets} names={names} done={reloadPlaces} />
                <Competitors competitors={competitors} done={reloadPlaces} />
              </div>
              <ReviewQuestions />
            </>
          );
        }}
      </ShowApi>
    </section>
  );
}

function Compare({ set, names, days }: { set: CompetitiveSet; names: Map<number, string>; days: number }) {
  const to = todayDay();
  const from = addDays(to, -(days - 1));
  const [loaded, reload] = useApiLoad(
    () => api<DashboardReputation>('GET', `/dashboards/reputation${query({ locationId: set.locationId, from, to, reviewsLimit: 20 })}`),
    [set.locationId, from, to],
  );
  return (
    <ShowApi loaded={loaded} retry={reload}>
      {(data) => <CompareFigures data={data} setId={set.id} names={names} />}
    </ShowApi>
  );
}

type PlaceFigures = DashboardReputation['location'];

const percent = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(100 * v));

/** The unit and the members of the chosen set: the latest daily score, the period's reviews, a chart of the daily scores. */
function CompareFigures({ data, setId, names }: { data: DashboardReputation; setId: number; names: Map<number, string> }) {
  const places: PlaceFigures[] = useMemo(
    () => [data.location, ...(data.competitiveSets.find((s) => s.id === setId)?.members ?? []).filter((m) => m.locationId !== data.location.locationId)],
    [data, setId],
  );
  const nameOf = (p: PlaceFigures) => names.get(p.locationId) ?? (p.title || `#${p.locationId}`);
  const dates = [...new Set(places.flatMap((p) => p.series.map((point) => point.date)))].sort();
  const series = places.map((p) => {
    const byDate = new Map(p.series.map((point) => [point.date, percent(point.normalizedScore)]));
    return { label: nameOf(p), values: dates.map((d) => byDate.get(d) ?? null) };
  });
  return (
    <div className="card">
      <h2>{t('rep.daily')}</h2>
      <TableWrap>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('rep.place')}</th>
              <th scope="col">{t('rep.score')}</th>
              <th scope="col">{t('rep.ratings')}</th>
            </tr>
          </thead>
          <tbody>
            {places.map((p, i) => {
              const latest = percent(p.series.at(-1)?.normalizedScore);
              return (
                <tr key={p.locationId}>
                  <td>
                    {nameOf(p)} {i === 0 ? t('rep.own') : ''}
                  </td>
                  <td>{latest === null ? '—' : `${latest}%`}</td>
                  <td>{p.reviews.reduce((sum, r) => sum + r.count, 0)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
      {dates.length > 0 ? (
        <Suspense fallback={<p aria-live="polite">{t('common.loading')}</p>}>
          <TrendChart periods={dates} series={series} label={t('rep.chartLabel')} />
        </Suspense>
      ) : (
        <p className="muted">{t('rep.noScores')}</p>
      )}
      <h3>{t('rep.reviews')}</h3>
      {data.latestReviews.length === 0 ? (
        <p className="muted">{t('rep.noReviews')}</p>
      ) : (
        <ul className="plain documents">
          {data.latestReviews.map((r) => (
            <li key={r.id} className="document">
              <p>
                <strong>{r.channel}</strong> · {r.reviewDate}
                {r.normalizedRating !== null ? ` · ${percent(r.normalizedRating)}%` : ''}
              </p>
              {r.title && <p>{r.title}</p>}
              {r.text && <p>{r.text}</p>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Sets({
  locations,
  competitors,
  sets,
  names,
  done,
}: {
  locations: Location[];
  competitors: Location[];
  sets: CompetitiveSet[];
  names: Map<number, string>;
  done: () => void;
}) {
  const own = locations.filter((l) => l.kind !== 'chain');
  const [locationId, setLocationId] = useState<number | ''>('');
  const [name, setName] = useState('');
  const [members, setMembers] = useState<number[]>([]);
  const action = useAction();
  const create = async () => {
    const made = await action.run(() => api<CompetitiveSet>('POST', '/competitive-sets', { locationId: Number(locationId), name, memberIds: members }));
    if (made) {
      setName('');
      setMembers([]);
      done();
    }
  };
  return (
    <div className="card">
      <h2>{t('rep.sets')}</h2>
      <ul className="plain">
        {sets.map((s) => (
          <li key={s.id}>
            <strong>{s.name}</strong> — {names.get(s.locationId)}: {s.memberIds.map((id) => names.get(id) ?? `#${id}`).join(', ') || '—'}
          </li>
        ))}
      </ul>
      <Form label={t('rep.newSet')} onSubmit={() => void create()}>
        <h3>{t('rep.newSet')}</h3>
        <label>
          {t('rep.setLocation')}
          <select required value={locationId} onChange={(e) => setLocationId(e.target.value ? Number(e.target.value) : '')}>
            <option value="">{t('rep.choose')}</option>
            {own.map((l) => (
              <option key={l.id} value={l.id}>
                {titleOf(l.title)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('rep.setName')}
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <fieldset>
          <legend>{t('rep.setMembers')}</legend>
          {competitors.length === 0 && <p className="muted">{t('rep.noCompetitors')}</p>}
          {competitors.map((c) => (
            <label key={c.id} className="choice">
              <input
                type="checkbox"
                checked={members.includes(c.id)}
                onChange={(e) => setMembers(e.target.checked ? [...members, c.id] : members.filter((m) => m !== c.id))}
              />
              {titleOf(c.title)}
            </label>
          ))}
        </fieldset>
        <ActionError error={action.error} />
        <button type="submit" disabled={action.busy}>
          {t('rep.createSet')}
        </button>
      </Form>
    </div>
  );
}

function Competitors({ competitors, done }: { competitors: Location[]; done: () => void }) {
  const [title, setTitle] = useState('');
  const [city, setCity] = useState('');
  const action = useAction();
  const create = async () => {
    const made = await action.run(() => api<Location>('POST', '/competitors', { title, city: city || null }));
    if (made) {
      setTitle('');
      setCity('');
      done();
    }
  };
  return (
    <div className="card">
      <h2>{t('rep.competitors')}</h2>
      <ul className="plain">
        {competitors.map((c) => (
          <li key={c.id}>
            {titleOf(c.title)} {c.city ? `· ${c.city}` : ''}
          </li>
        ))}
      </ul>
      <Form label={t('rep.newCompetitor')} onSubmit={() => void create()}>
        <h3>{t('rep.newCompetitor')}</h3>
        <label>
          {t('rep.competitorName')}
          <input required value={title} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label>
          {t('rep.city')}
          <input value={city} onChange={(e) => setCity(e.target.value)} />
        </label>
        <ActionError error={action.error} />
        <button type="submit" disabled={action.busy}>
          {t('rep.addCompetitor')}
        </button>
      </Form>
    </div>
  );
}

function ReviewQuestions() {
  const [loaded, reload] = useApiLoad(() => api<ReviewQuestionList>('GET', '/review-questions'), []);
  return (
    <div className="card">
      <h2>{t('rep.reviewQuestions')}</h2>
      <ShowApi loaded={loaded} retry={reload}>
        {({ reviewQuestions: list }) => {
          return list.length === 0 ? (
            <p className="muted">{t('rep.noReviewQuestions')}</p>
          ) : (
            <ul className="plain">
              {list.map((q) => (
                <li key={q.id}>
                  <strong>{q.key}</strong> — {q.description} ({q.answerType})
                </li>
              ))}
            </ul>
          );
        }}
      </ShowApi>
    </div>
  );
}
