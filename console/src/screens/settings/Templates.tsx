import { useState } from 'react';
import { api } from '../../api';
import { ActionForm } from '../../components/ActionForm';
import { ItemTable, ShowList } from '../../components/Lists';
import { ConfirmButton, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { Template, TemplateList } from '../../types';

/** /settings/templates: message templates by name, channel and language (Liquid). */
export default function Templates() {
  const [loaded, reload] = useApiLoad(() => api<TemplateList>('GET', '/templates'), []);
  const [form, setForm] = useState({ name: '', channel: 'email', language: 'en', trigger: 'stay.checked_in', subject: '', body: '' });
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const save = () => {
    const { name, channel, language, trigger, subject, body } = form;
    return api<Template>('PUT', `/templates/${encodeURIComponent(name)}/${channel}/${encodeURIComponent(language)}`, {
      trigger,
      subject: channel === 'email' ? subject : null,
      body,
    });
  };
  return (
    <div>
      <h2>{t('settings.templates')}</h2>
      <ShowList loaded={loaded} retry={reload} items={(d) => d.templates}>
        {(templates) => (
          <ItemTable
            items={templates}
            rowKey={(tp) => tp.id}
            columns={[
              { label: t('templates.name'), cell: (tp) => tp.name },
              { label: t('templates.channel'), cell: (tp) => tp.channel },
              { label: t('templates.language'), cell: (tp) => tp.language },
              { label: t('templates.trigger'), cell: (tp) => tp.trigger },
            ]}
            actions={(tp) => (
              <>
                <button
                  type="button"
                  aria-label={t('templates.editNamed', { name: `${tp.name}/${tp.channel}/${tp.language}` })}
                  onClick={() =>
                    setForm({ name: tp.name, channel: tp.channel, language: tp.language, trigger: tp.trigger, subject: tp.subject ?? '', body: tp.body })
                  }
                >
                  {t('templates.edit')}
                </button>
                <ConfirmButton
                  text={t('common.delete')}
                  label={t('common.deleteNamed', { name: `${tp.name}/${tp.channel}/${tp.language}` })}
                  question={t('common.deleteQuestion', { name: tp.name })}
                  action={() => api('DELETE', `/templates/${tp.id}`)}
                  done={reload}
                />
              </>
            )}
          />
        )}
      </ShowList>
      <ActionForm title={t('templates.save')} submit={t('templates.saveButton')} action={save} done={reload}>
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
      </ActionForm>
    </div>
  );
}
