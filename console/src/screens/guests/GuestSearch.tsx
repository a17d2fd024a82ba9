import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Form, guestName, ShowApi, TableWrap, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { GuestList } from '../../types';
import { searchGuests } from './search';

/** /guests: find a guest by name, e-mail or phone; the search is in the URL (?q=) so a reload keeps it. */
export default function GuestSearch() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const [loaded, reload] = useApiLoad<GuestList | null>(() => (q ? searchGuests(q) : Promise.resolve(null)), [q]);
  return (
    <section>
      <h1>{t('guests.title')}</h1>
      <Form label={t('guests.searchForm')} className="inline-form" onSubmit={() => setParams(text.trim() ? { q: text.trim() } : {})}>
        <label>
          {t('guests.search')}
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('guests.searchHint')} />
        </label>
        <button type="submit">{t('guests.searchButton')}</button>
      </Form>
      <ShowApi loaded={loaded} retry={reload}>
        {(list) =>
          list === null ? (
            <p className="muted">{t('guests.searchFirst')}</p>
          ) : list.guests.length === 0 ? (
            <p role="status">{t('guests.none', { q })}</p>
          ) : (
            <TableWrap>
              <table>
                <caption className="sr-only">{t('guests.results', { q })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('guests.name')}</th>
                    <th scope="col">{t('guests.email')}</th>
                    <th scope="col">{t('guests.mobile')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.guests.map((g) => (
                    <tr key={g.id}>
                      <td>
                        <Link to={`/guests/${g.id}`}>{guestName(g)}</Link>
                      </td>
                      <td>{g.email ?? '—'}</td>
                      <td>{g.mobile ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )
        }
      </ShowApi>
    </section>
  );
}
