import { useState } from 'react';
import { api } from '../../api';
import { ActionForm } from '../../components/ActionForm';
import { ItemTable, ShowList } from '../../components/Lists';
import { ConfirmButton, titleOf, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { Location, LocationList } from '../../types';

/** /settings/locations: locations (hotels, restaurants...) and the chains that group them. */
export default function Locations() {
  const [loaded, reload] = useApiLoad(() => api<LocationList>('GET', '/locations'), []);
  const chains = loaded.state === 'ready' ? loaded.data.locations.filter((l) => l.kind === 'chain') : [];
  return (
    <div>
      <h2>{t('settings.locations')}</h2>
      <ShowList loaded={loaded} retry={reload} items={(d) => d.locations}>
        {(locations) => {
          const names = new Map(locations.map((l) => [l.id, titleOf(l.title)]));
          return (
            <ItemTable
              items={locations}
              rowKey={(l) => l.id}
              columns={[
                { label: t('loc.title'), cell: (l) => titleOf(l.title) },
                { label: t('loc.kind'), cell: (l) => (l.kind === 'chain' ? t('loc.chain') : t('loc.location')) },
                { label: t('loc.parent'), cell: (l) => (l.parentId ? names.get(l.parentId) : '—') },
                { label: t('loc.shortcode'), cell: (l) => l.shortcode ?? '—' },
                { label: t('loc.timezone'), cell: (l) => l.timezone ?? '—' },
              ]}
              actions={(l) => (
                <ConfirmButton
                  text={t('common.delete')}
                  label={t('loc.delete', { name: titleOf(l.title) })}
                  question={t('loc.deleteQuestion')}
                  action={() => api('DELETE', `/locations/${l.id}`)}
                  done={reload}
                />
              )}
            />
          );
        }}
      </ShowList>
      <NewLocation chains={chains} done={reload} />
    </div>
  );
}

function NewLocation({ chains, done }: { chains: Location[]; done: () => void }) {
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<'location' | 'chain'>('location');
  const [parentId, setParentId] = useState('');
  const [shortcode, setShortcode] = useState('');
  const [timezone, setTimezone] = useState('');
  const [city, setCity] = useState('');
  return (
    <ActionForm
      title={t('loc.new')}
      submit={t('loc.create')}
      action={() =>
        api<Location>('POST', '/locations', {
          title,
          kind,
          parentId: parentId ? Number(parentId) : null,
          shortcode: shortcode || null,
          timezone: timezone || null,
          city: city || null,
        })
      }
      done={() => {
        setTitle('');
        setShortcode('');
        setCity('');
        done();
      }}
    >
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
    </ActionForm>
  );
}
