import { useState } from 'react';
import { api } from '../../api';
import { ActionError, ConfirmButton, Form, ShowApi, TableWrap, titleOf, useAction, useApiLoad } from '../../components/ui';
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
  const action = useAction();
  const create = async () => {
    const made = await action.run(() => api<ShortcodeLists[K][number]>('POST', path, withRequired ? { shortcode, title, required } : { shortcode, title }));
    if (made) {
      setShortcode('');
      setTitle('');
      setRequired(false);
      reload();
    }
  };
  return (
    <div>
      <h2>{heading}</h2>
      <ShowApi loaded={loaded} retry={reload}>
        {(data) => {
          const rows = data[listKey];
          return rows.length === 0 ? (
            <p className="muted">{t('common.none')}</p>
          ) : (
            <TableWrap>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('loc.shortcode')}</th>
                    <th scope="col">{t('loc.title')}</th>
                    {withRequired && <th scope="col">{t('fields.required')}</th>}
                    <th scope="col">
                      <span className="sr-only">{t('common.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.id}>
                      <td>{r.shortcode}</td>
                      <td>{titleOf(r.title)}</td>
                      {withRequired && <td>{'required' in r && r.required ? t('common.yes') : t('common.no')}</td>}
                      <td>
                        <ConfirmButton
                          text={t('common.delete')}
                          label={t('common.deleteNamed', { name: r.shortcode })}
                          question={t('common.deleteQuestion', { name: r.shortcode })}
                          confirm={t('common.delete')}
                          action={() => api('DELETE', `${path}/${r.id}`)}
                          done={reload}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          );
        }}
      </ShowApi>
      <Form label={t('common.add')} className="card" onSubmit={() => void create()}>
        <h3>{t('common.add')}</h3>
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
        <ActionError error={action.error} />
        <button type="submit" disabled={action.busy}>
          {t('common.add')}
        </button>
      </Form>
    </div>
  );
}

export function LoopTypes() {
  return <ShortcodeList path="/loop-types" listKey="loopTypes" heading={t('settings.loopTypes')} />;
}

export function CustomFields() {
  return <ShortcodeList path="/custom-fields" listKey="customFields" heading={t('settings.customFields')} withRequired />;
}
