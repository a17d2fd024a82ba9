import { useState } from 'react';
import { api } from '../../api';
import { ActionForm } from '../../components/ActionForm';
import { type Column, ItemTable, ShowList } from '../../components/Lists';
import { ConfirmButton, titleOf, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { CustomFieldList, LoopTypeList } from '../../types';

/** The list answers shown here, by key: GET /loop-types ({ loopTypes }) and GET /custom-fields ({ customFields }). */
type ShortcodeLists = LoopTypeList & CustomFieldList;

/** A list of shortcode + title records with create and delete: loop types and custom fields. */
function ShortcodeList<K extends keyof ShortcodeLists>({
  path,
  listKey,
  heading,
  withRequired,
}: {
  path: string;
  listKey: K;
  heading: string;
  withRequired?: boolean;
}) {
  const [loaded, reload] = useApiLoad(() => api<Pick<ShortcodeLists, K>>('GET', path), [path]);
  const [shortcode, setShortcode] = useState('');
  const [title, setTitle] = useState('');
  const [required, setRequired] = useState(false);
  const columns: Array<Column<ShortcodeLists[K][number]>> = [
    { label: t('loc.shortcode'), cell: (r) => r.shortcode },
    { label: t('loc.title'), cell: (r) => titleOf(r.title) },
  ];
  if (withRequired) columns.push({ label: t('fields.required'), cell: (r) => ('required' in r && r.required ? t('common.yes') : t('common.no')) });
  return (
    <div>
      <h2>{heading}</h2>
      <ShowList loaded={loaded} retry={reload} items={(data) => data[listKey]}>
        {(rows) => (
          <ItemTable
            items={rows}
            rowKey={(r) => r.id}
            columns={columns}
            actions={(r) => (
              <ConfirmButton
                text={t('common.delete')}
                label={t('common.deleteNamed', { name: r.shortcode })}
                question={t('common.deleteQuestion', { name: r.shortcode })}
                action={() => api('DELETE', `${path}/${r.id}`)}
                done={reload}
              />
            )}
          />
        )}
      </ShowList>
      <ActionForm
        title={t('common.add')}
        submit={t('common.add')}
        action={() => api<ShortcodeLists[K][number]>('POST', path, withRequired ? { shortcode, title, required } : { shortcode, title })}
        done={() => {
          setShortcode('');
          setTitle('');
          setRequired(false);
          reload();
        }}
      >
        <label>
          {t('loc.shortcode')}
          <input required value={shortcode} onChange={(e) => setShortcode(e.target.value)} />
        </label>
        <label>
          {t('loc.title')}
          <input required value={title} onChange={(e) => setTitle(e.target.value)} />
        </label>
        {withRequired && (
          <label className="choice">
            <input type="checkbox" checked={required} onChange={(e) => setRequired(e.target.checked)} />
            {t('fields.required')}
          </label>
        )}
      </ActionForm>
    </div>
  );
}

export function LoopTypes() {
  return <ShortcodeList path="/loop-types" listKey="loopTypes" heading={t('settings.loopTypes')} />;
}

export function CustomFields() {
  return <ShortcodeList path="/custom-fields" listKey="customFields" heading={t('settings.customFields')} withRequired />;
}
