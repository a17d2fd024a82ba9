import { useState } from 'react';
import { api, query } from '../../api';
import { ActionForm } from '../../components/ActionForm';
import { CardList, ItemTable, ShowList } from '../../components/Lists';
import { ActionButton, formatDateTime, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { DryRun, Preview, Rule, RuleList, TemplateList } from '../../types';

const TRIGGERS = ['stay.registered', 'stay.status_changed', 'stay.updated', 'stay.checked_in', 'stay.room_readied', 'stay.checked_out'];

/** /settings/rules: journey rules (a trigger and a message from a template) with preview and dry-run. */
export default function Rules() {
  const [loaded, reload] = useApiLoad(() => api<RuleList>('GET', '/rules'), []);
  const [templates] = useApiLoad(() => api<TemplateList>('GET', '/templates'), []);
  const templateNames = templates.state === 'ready' ? [...new Set(templates.data.templates.map((tp) => tp.name))] : [];
  const [openId, setOpenId] = useState<number | null>(null);
  return (
    <div>
      <h2>{t('settings.rules')}</h2>
      <ShowList loaded={loaded} retry={reload} items={(d) => d.rules}>
        {(rules) => (
          <CardList items={rules} itemKey={(r) => r.id}>
            {(r) => (
              <>
                <h3>{r.name}</h3>
                <p>
                  {t('rules.summary', { trigger: r.trigger, action: r.action.type, template: r.action.template ?? '—' })} ·{' '}
                  {r.enabled ? t('rules.enabled') : t('rules.disabled')}
                </p>
                <div className="button-row">
                  <ActionButton
                    text={r.enabled ? t('rules.disable') : t('rules.enable')}
                    action={() => api('POST', `/rules/${r.id}/${r.enabled ? 'disable' : 'enable'}`)}
                    done={reload}
                  />
                  <button type="button" aria-expanded={openId === r.id} onClick={() => setOpenId(openId === r.id ? null : r.id)}>
                    {t('rules.tools', { name: r.name })}
                  </button>
                </div>
                {openId === r.id && <RuleTools rule={r} />}
              </>
            )}
          </CardList>
        )}
      </ShowList>
      <NewRule templateNames={templateNames} done={reload} />
    </div>
  );
}

function NewRule({ templateNames, done }: { templateNames: string[]; done: () => void }) {
  const [name, setName] = useState('');
  const [trigger, setTrigger] = useState(TRIGGERS[3]);
  const [type, setType] = useState<'email' | 'sms'>('email');
  const [template, setTemplate] = useState('');
  const [enabled, setEnabled] = useState(true);
  return (
    <ActionForm
      title={t('rules.new')}
      submit={t('rules.create')}
      action={() => api<Rule>('POST', '/rules', { name, trigger, action: { type, template }, enabled })}
      done={() => {
        setName('');
        done();
      }}
    >
      <label>
        {t('rules.name')}
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t('rules.trigger')}
        <input required list="rule-triggers" value={trigger} onChange={(e) => setTrigger(e.target.value)} />
        <datalist id="rule-triggers">
          {TRIGGERS.map((tr) => (
            <option key={tr} value={tr} />
          ))}
        </datalist>
      </label>
      <label>
        {t('rules.channel')}
        <select value={type} onChange={(e) => setType(e.target.value as 'email' | 'sms')}>
          <option value="email">{t('rules.email')}</option>
          <option value="sms">{t('rules.sms')}</option>
        </select>
      </label>
      <label>
        {t('rules.template')}
        <input required list="rule-templates" value={template} onChange={(e) => setTemplate(e.target.value)} />
        <datalist id="rule-templates">
          {templateNames.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
      </label>
      <label className="choice">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        {t('rules.enabledBox')}
      </label>
    </ActionForm>
  );
}

/** Preview for a guest (nothing is sent) and dry-run against recent journey events (nothing changes). */
function RuleTools({ rule }: { rule: Rule }) {
  const [guestId, setGuestId] = useState('');
  const [language, setLanguage] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [dryRun, setDryRun] = useState<DryRun | null>(null);
  return (
    <div>
      <ActionForm
        plain
        title={t('rules.previewForm')}
        submit={t('rules.previewButton')}
        action={() => api<Preview>('POST', `/rules/${rule.id}/preview`, { guestId: Number(guestId), ...(language ? { language } : {}) })}
        done={setPreview}
      >
        <h4>{t('rules.preview')}</h4>
        <label>
          {t('rules.previewGuest')}
          <input type="number" min={1} required value={guestId} onChange={(e) => setGuestId(e.target.value)} />
        </label>
        <label>
          {t('rules.previewLanguage')}
          <input value={language} onChange={(e) => setLanguage(e.target.value)} />
        </label>
      </ActionForm>
      {preview && (
        <section className="preview" aria-label={t('rules.previewResult')}>
          <p>
            <strong>{t('rules.to')}</strong> {preview.to ?? '—'} · <strong>{t('rules.language')}</strong> {preview.language}
          </p>
          <p data-testid="preview-subject">
            <strong>{t('rules.subject')}</strong> {preview.subject}
          </p>
          <iframe title={t('rules.previewFrame')} sandbox="" srcDoc={preview.html} className="preview-frame" />
        </section>
      )}
      <h4>{t('rules.dryRun')}</h4>
      <ActionButton text={t('rules.dryRunButton')} action={() => api<DryRun>('POST', `/rules/${rule.id}/dry-run${query({ limit: 50 })}`)} done={setDryRun} />
      {dryRun &&
        (dryRun.results.length === 0 ? (
          <p role="status">{t('rules.noEvents')}</p>
        ) : (
          <ItemTable
            items={dryRun.results}
            rowKey={(r) => r.eventId}
            caption={t('rules.dryRun')}
            columns={[
              { label: t('rules.event'), cell: (r) => r.type },
              { label: t('rules.guest'), cell: (r) => r.guestId },
              { label: t('rules.when'), cell: (r) => formatDateTime(r.occurredAt) },
              { label: t('rules.wouldFire'), cell: (r) => (r.wouldFire ? t('common.yes') : t('common.no')) },
              { label: t('rules.why'), cell: (r) => r.reason },
            ]}
          />
        ))}
    </div>
  );
}
