import { lazy, Suspense, useMemo, useState } from 'react';
import { api, query } from '../../api';
import { ActionError, addDays, Form, formatDate, ShowApi, TableWrap, titleOf, todayDay, useAction, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { AnswerDocumentList, CompetitiveSet, FeedbackRollups, Location, ReviewQuestion } from '../../types';

const TrendChart = lazy(() => import('../dashboards/TrendChart'));

/**
 * /reputation: reviews (answer documents of source "reputation") and the daily reputation score
 * (average normalised rating of the day's reviews) of a location beside its competitive set.
 */
export default function Reputation() {
  const [places, reloadPlaces] = useApiLoad(async () => {
    const [own, rivals, sets] = await Promise.all([
      api<{ locations: Location[] }>('GET', '/locations'),
      api<{ competitors: Location[] }>('GET', '/competitors'),
      api<{ competitiveSets: CompetitiveSet[] }>('GET', '/competitive-sets'),
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
  const ids = [set.locationId, ...set.memberIds];
  const to = todayDay();
  const from = addDays(to, -(days - 1));
  const [loaded, reload] = useApiLoad(
    () => api<FeedbackRollups>('GET', `/feedback/rollups${query({ from, to, locationIds: ids, sources: ['reputation'] })}`),
    [ids.join(), from, to],
  );
  return (
    <ShowApi loaded={loaded} retry={reload}>
      {(data) => <CompareFigures data={data} ids={ids} names={names} from={from} to={to} />}
    </ShowApi>
  );
}

function CompareFigures({ data, ids, names, from, to }: { data: FeedbackRollups; ids: number[]; names: Map<number, string>; from: string; to: string }) {
  const { days, series, totals } = useMemo(() => {
    const byKey = new Map<string, { scored: number; sum: number; reviews: number }>();
    const totals = new Map<number, { scored: number; sum: number; answers: number }>();
    for (const r of data.rollups) {
      const key = `${r.locationId}|${r.day}`;
      const v = byKey.get(key) ?? { scored: 0, sum: 0, reviews: 0 };
      v.scored += r.scored;
      v.sum += r.scoreSum;
      byKey.set(key, v);
      const tot = totals.get(r.locationId) ?? { scored: 0, sum: 0, answers: 0 };
      tot.scored += r.scored;
      tot.sum += r.scoreSum;
      tot.answers += r.answers;
      totals.set(r.locationId, tot);
    }
    const days = [...new Set(data.rollups.map((r) => r.day))].sort();
    const series = ids.map((id) => ({
      label: names.get(id) ?? `#${id}`,
      values: days.map((d) => {
        const v = byKey.get(`${id}|${d}`);
        return v && v.scored > 0 ? Math.round((100 * v.sum) / v.scored) : null;
      }),
    }));
    return { days, series, totals };
  }, [data, ids, names]);
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
            {ids.map((id, i) => {
              const v = totals.get(id);
              return (
                <tr key={id}>
                  <td>
                    {names.get(id) ?? `#${id}`} {i === 0 ? t('rep.own') : ''}
                  </td>
                  <td>{v && v.scored > 0 ? `${Math.round((100 * v.sum) / v.scored)}%` : '—'}</td>
                  <td>{v?.answers ?? 0}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
      {days.length > 0 ? (
        <Suspense fallback={<p aria-live="polite">{t('common.loading')}</p>}>
          <TrendChart periods={days} series={series} label={t('rep.chartLabel')} />
        </Suspense>
      ) : (
        <p className="muted">{t('rep.noReviews')}</p>
      )}
      <Reviews ids={ids} names={names} from={from} to={to} />
    </div>
  );
}

function Reviews({ ids, names, from, to }: { ids: number[]; names: Map<number, string>; from: string; to: string }) {
  const [loaded, reload] = useApiLoad(
    () => api<AnswerDocumentList>('GET', `/answer-documents${query({ from, to, locationIds: ids, sources: ['reputation'], limit: 20 })}`),
    [ids.join(), from, to],
  );
  return (
    <>
      <h3>{t('rep.reviews')}</h3>
      <ShowApi loaded={loaded} retry={reload}>
        {(list) =>
          list.documents.length === 0 ? (
            <p className="muted">{t('rep.noReviews')}</p>
          ) : (
            <ul className="plain documents">
              {list.documents.map((doc) => (
                <li key={doc.id} className="document">
                  <p>
                    <strong>{names.get(doc.locationId) ?? `#${doc.locationId}`}</strong> · {doc.reputationSource ?? '—'} ·{' '}
                    {doc.checkoutDate ?? formatDate(doc.receivedAt)} · {doc.guestName ?? t('dash.anonymous')}
                  </p>
                  <ul className="plain">
                    {doc.answers.map((a) => (
                      <li key={a.questionId}>
                        {a.question}: {[a.option, a.text, a.number].filter((v) => v !== null && v !== '').join(' · ') || '—'}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          )
        }
      </ShowApi>
    </>
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
  const [loaded, reload] = useApiLoad(() => api<{ reviewQuestions: ReviewQuestion[] }>('GET', '/review-questions'), []);
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
