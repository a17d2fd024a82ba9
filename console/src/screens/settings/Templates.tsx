import { useState } from 'react';
import { api } from '../../api';
import { ActionError, ConfirmButton, Form, ShowApi, TableWrap, useAction, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { Template, TemplateList } from '../../types';

/** /settings/templates: message templates by name, channel and language (Liquid). */
export default function Templates() {
  const [loaded, reload] = useApiLoad(() => api<TemplateList>('GET', '/templates'), []);
  const [form, setForm] = useState({ name: '', channel: 'email', language: 'en', trigger: 'stay.checked_in', subject: '', body: '' });
  const action = useAction();
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const save = async () => {
    const { name, channel, language, trigger, subject, body } = form;
    const made = await action.run(() =>
      api<Template>('PUT', `/templates/${encodeURIComponent(name)}/${channel}/${encodeURIComponent(language)}`, {
        trigger,
        subject: channel === 'email' ? subject : null,
        body,
      }),
    );
    if (made) reload();
  };
  return (
    <div>
      <h2>{t('settings.templates')}</h2>
      <ShowApi loaded={loaded} retry={reload}>
        {({ templates }) =>
          templates.length === 0 ? (
            <p className="muted">{t('common.none')}</p>
          ) : (
            <TableWrap>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('templates.name')}</th>
                    <th scope="col">{t('templates.channel')}</th>
                    <th scope="col">{t('templates.language')}</th>
                    <th scope="col">{t('templates.trigger')}</th>
                    <th scope="col">
                      <span className="sr-only">{t('common.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {templates.map((tp) => (
                    <tr key={tp.id}>
                      <td>{tp.name}</td>
                      <td>{tp.channel}</td>
                      <td>{tp.language}</td>
                      <td>{tp.trigger}</td>
                      <td className="button-row">
                        <button
                          type="button"
                          aria-label={t('templates.editNamed', { name: `${tp.name}/${tp.channel}/${tp.language}` })}
                          onClick={() =>
                            setForm({
                              name: tp.name,
                              channel: tp.channel,
                              language: tp.language,
                              trigger: tp.trigger,
                              subject: tp.subject ?? '',
                              body: tp.body,
                            })
                          }
                        >
                          {t('templates.edit')}
                        </button>
                        <ConfirmButton
                          text={t('common.delete')}
                          label={t('common.deleteNamed', { name: `${tp.name}/${tp.channel}/${tp.language}` })}
                          question={t('common.deleteQuestion', { name: tp.name })}
                          confirm={t('common.delete')}
                          action={() => api('DELETE', `/templates/${tp.id}`)}
                          done={reload}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )
        }
      </ShowApi>
      <Form label={t('templates.save')} className="card" onSubmit={() => void save()}>
        <h3>{t('templates.save')}</h3>
        <label>
          {t('templates.name')}
          <input required value={form.name} onChange={set('name')} />
        </label>
        <label>
          {t('templates.channel')}
          <select value={form.channel} onChange={set('channel')}>
            <option value="email">{t('rules.email')}</option>
            <option value="sms">{t('rules.sms')}</option>
          </select>
        </label>
        <label>
          {t('templates.language')}
          <input required value={form.language} onChange={set('language')} />
        </label>
        <label>
          {t('templates.trigger')}
          <input required value={form.trigger} onChange={set('trigger')} />
        </label>
        {form.channel === 'email' && (
          <label>
            {t('templates.subject')}
            <input required value={form.subject} onChange={set('subject')} />
          </label>
        )}
        <label>
          {t('templates.body')}
          <textarea required rows={8} value={form.body} onChange={set('body')} spellCheck={false} />
        </label>
        <ActionError error={action.error} />
        <button type="submit" disabled={action.busy}>
          {t('templates.saveButton')}
        </button>
      </Form>
    </div>
  );
}
