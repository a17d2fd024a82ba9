import { useState } from 'react';
import { api } from '../../api';
import { ActionError, ConfirmButton, Form, ShowApi, TableWrap, titleOf, useAction, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { Location, LocationList } from '../../types';

/** /settings/locations: locations (hotels, restaurants...) and the chains that group them. */
export default function Locations() {
  const [loaded, reload] = useApiLoad(() => api<LocationList>('GET', '/locations'), []);
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<'location' | 'chain'>('location');
  const [parentId, setParentId] = useState('');
  const [shortcode, setShortcode] = useState('');
  const [timezone, setTimezone] = useState('');
  const [city, setCity] = useState('');
  const action = useAction();
  const create = async () => {
    const made = await action.run(() =>
      api<Location>('POST', '/locations', {
        title,
        kind,
        parentId: parentId ? Number(parentId) : null,
        shortcode: shortcode || null,
        timezone: timezone || null,
        city: city || null,
      }),
    );
    if (made) {
      setTitle('');
      setShortcode('');
      setCity('');
      reload();
    }
  };
  return (
    <div>
      <h2>{t('settings.locations')}</h2>
      <ShowApi loaded={loaded} retry={reload}>
        {({ locations }) => {
          const names = new Map(locations.map((l) => [l.id, titleOf(l.title)]));
          const chains = locations.filter((l) => l.kind === 'chain');
          return (
            <>
              <TableWrap>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('loc.title')}</th>
                      <th scope="col">{t('loc.kind')}</th>
                      <th scope="col">{t('loc.parent')}</th>
                      <th scope="col">{t('loc.shortcode')}</th>
                      <th scope="col">{t('loc.timezone')}</th>
                      <th scope="col">
                        <span className="sr-only">{t('common.actions')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {locations.map((l) => (
                      <tr key={l.id}>
                        <td>{titleOf(l.title)}</td>
                        <td>{l.kind === 'chain' ? t('loc.chain') : t('loc.location')}</td>
                        <td>{l.parentId ? names.get(l.parentId) : '—'}</td>
                        <td>{l.shortcode ?? '—'}</td>
                        <td>{l.timezone ?? '—'}</td>
                        <td>
                          <ConfirmButton
                            text={t('common.delete')}
                            label={t('loc.delete', { name: titleOf(l.title) })}
                            question={t('loc.deleteQuestion')}
                            confirm={t('common.delete')}
                            action={() => api('DELETE', `/locations/${l.id}`)}
                            done={reload}
                          />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
              <Form label={t('loc.new')} className="card" onSubmit={() => void create()}>
                <h3>{t('loc.new')}</h3>
                <label>
                  {t('loc.title')}
                  <input required value={title} onChange={(e) => setTitle(e.target.value)} />
                </label>
                <label>
                  {t('loc.kind')}
                  <select value={kind} onChange={(e) => setKind(e.target.value as 'location' | 'chain')}>
                    <option value="location">{t('loc.location')}</option>
                    <option value="chain">{t('loc.chain')}</option>
                  </select>
                </label>
                <label>
                  {t('loc.parent')}
                  <select value={parentId} onChange={(e) => setParentId(e.target.value)}>
                    <option value="">{t('loc.noParent')}</option>
                    {chains.map((c) => (
                      <option key={c.id} value={c.id}>
                        {titleOf(c.title)}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  {t('loc.shortcode')}
                  <input value={shortcode} onChange={(e) => setShortcode(e.target.value)} />
                </label>
                <label>
                  {t('loc.timezone')}
                  <input value={timezone} placeholder="Europe/Madrid" onChange={(e) => setTimezone(e.target.value)} />
                </label>
                <label>
                  {t('loc.city')}
                  <input value={city} onChange={(e) => setCity(e.target.value)} />
                </label>
                <ActionError error={action.error} />
                <button type="submit" disabled={action.busy}>
                  {t('loc.create')}
                </button>
              </Form>
            </>
          );
        }}
      </ShowApi>
    </div>
  );
}
