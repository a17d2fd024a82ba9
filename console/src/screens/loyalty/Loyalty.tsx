import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, query } from '../../api';
import { ActionError, Form, formatDate, ShowApi, TableWrap, useAction, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { Level, LevelList, MemberList, Product, ProductList } from '../../types';

/** /loyalty: members (search), levels and products. */
export default function Loyalty() {
  return (
    <section>
      <h1>{t('loyalty.title')}</h1>
      <Members />
      <div className="grid-2">
        <Levels />
        <Products />
      </div>
    </section>
  );
}

function Members() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const [loaded, reload] = useApiLoad(() => api<MemberList>('GET', `/loyalty/members${query(q.includes('@') ? { email: q } : { name: q })}`), [q]);
  return (
    <div className="card">
      <h2>{t('loyalty.members')}</h2>
      <Form label={t('loyalty.searchForm')} className="inline-form" onSubmit={() => setParams(text.trim() ? { q: text.trim() } : {})}>
        <label>
          {t('loyalty.search')}
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit">{t('guests.searchButton')}</button>
      </Form>
      <ShowApi loaded={loaded} retry={reload}>
        {({ members }) =>
          members.length === 0 ? (
            <p role="status">{t('loyalty.noMembers')}</p>
          ) : (
            <TableWrap>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('guests.name')}</th>
                    <th scope="col">{t('guests.email')}</th>
                    <th scope="col">{t('loyalty.points')}</th>
                    <th scope="col">{t('loyalty.enrolled')}</th>
                  </tr>
                </thead>
                <tbody>
                  {members.map((m) => (
                    <tr key={m.guestId}>
                      <td>
                        <Link to={`/loyalty/members/${m.guestId}`}>{m.name ?? m.email ?? `#${m.guestId}`}</Link>
                      </td>
                      <td>{m.signinEmail ?? m.email ?? '—'}</td>
                      <td>{m.points}</td>
                      <td>{formatDate(m.enrolledAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )
        }
      </ShowApi>
    </div>
  );
}

function Levels() {
  const [loaded, reload] = useApiLoad(() => api<LevelList>('GET', '/loyalty/levels'), []);
  const [name, setName] = useState('');
  const [min, setMin] = useState('0');
  const action = useAction();
  const create = async () => {
    const made = await action.run(() => api<Level>('POST', '/loyalty/levels', { name, minLevelPoints: Number(min) }));
    if (made) {
      setName('');
      setMin('0');
      reload();
    }
  };
  return (
    <div className="card">
      <h2>{t('loyalty.levels')}</h2>
      <ShowApi loaded={loaded} retry={reload}>
        {({ levels }) =>
          levels.length === 0 ? (
            <p className="muted">{t('loyalty.noLevels')}</p>
          ) : (
            <ul className="plain">
              {levels.map((l) => (
                <li key={l.id}>{t('loyalty.levelLine', { name: l.name, points: l.minLevelPoints })}</li>
              ))}
            </ul>
          )
        }
      </ShowApi>
      <Form label={t('loyalty.newLevel')} onSubmit={() => void create()}>
        <h3>{t('loyalty.newLevel')}</h3>
        <label>
          {t('loyalty.levelName')}
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('loyalty.levelMin')}
          <input type="number" min={0} required value={min} onChange={(e) => setMin(e.target.value)} />
        </label>
        <ActionError error={action.error} />
        <button type="submit" disabled={action.busy}>
          {t('loyalty.addLevel')}
        </button>
      </Form>
    </div>
  );
}

function Products() {
  const [loaded, reload] = useApiLoad(() => api<ProductList>('GET', '/loyalty/products'), []);
  const [title, setTitle] = useState('');
  const [points, setPoints] = useState('100');
  const action = useAction();
  const create = async () => {
    const made = await action.run(() => api<Product>('POST', '/loyalty/products', { title, points: Number(points) }));
    if (made) {
      setTitle('');
      reload();
    }
  };
  return (
    <div className="card">
      <h2>{t('loyalty.products')}</h2>
      <ShowApi loaded={loaded} retry={reload}>
        {({ products }) =>
          products.length === 0 ? (
            <p className="muted">{t('loyalty.noProducts')}</p>
          ) : (
            <ul className="plain">
              {products.map((p) => (
                <li key={p.id}>
                  {t('loyalty.productLine', { title: p.title, points: p.points })} {p.isVisible ? '' : t('loyalty.hidden')}
                </li>
              ))}
            </ul>
          )
        }
      </ShowApi>
      <Form label={t('loyalty.newProduct')} onSubmit={() => void create()}>
        <h3>{t('loyalty.newProduct')}</h3>
        <label>
          {t('loyalty.productTitle')}
          <input required value={title} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label>
          {t('loyalty.productPoints')}
          <input type="number" min={0} required value={points} onChange={(e) => setPoints(e.target.value)} />
        </label>
        <ActionError error={action.error} />
        <button type="submit" disabled={action.busy}>
          {t('loyalty.addProduct')}
        </button>
      </Form>
    </div>
  );
}
