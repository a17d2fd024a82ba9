import { useState } from 'react';
import { api, query } from '../../api';
import { ActionError, Form, formatDateTime, ShowApi, TableWrap, useAction, useApiLoad } from '../../components/ui';
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
      <ShowApi loaded={loaded} retry={reload}>
        {({ rules }) =>
          rules.length === 0 ? (
            <p className="muted">{t('common.none')}</p>
          ) : (
            <ul className="plain">
              {rules.map((r) => (
                <li key={r.id} className="card">
                  <h3>{r.name}</h3>
                  <p>
                    {t('rules.summary', { trigger: r.trigger, action: r.action.type, template: r.action.template ?? '—' })} ·{' '}
                    {r.enabled ? t('rules.enabled') : t('rules.disabled')}
                  </p>
                  <div className="button-row">
                    <ToggleRule rule={r} done={reload} />
                    <button type="button" aria-expanded={openId === r.id} onClick={() => setOpenId(openId === r.id ? null : r.id)}>
                      {t('rules.tools', { name: r.name })}
                    </button>
                  </div>
                  {openId === r.id && <RuleTools rule={r} />}
                </li>
              ))}
            </ul>
          )
        }
      </ShowApi>
      <NewRule templateNames={templateNames} done={reload} />
    </div>
  );
}

function ToggleRule({ rule, done }: { rule: Rule; done: () => void }) {
  const action = useAction();
  return (
    <>
      <button
        type="button"
        disabled={action.busy}
        onClick={() => void action.run(() => api('POST', `/rules/${rule.id}/${rule.enabled ? 'disable' : 'enable'}`)).then(done)}
      >
        {rule.enabled ? t('rules.disable') : t('rules.enable')}
      </button>
      <ActionError error={action.error} />
    </>
  );
}

function NewRule({ templateNames, done }: { templateNames: string[]; done: () => void }) {
  const [name, setName] = useState('');
  const [trigger, setTrigger] = useState(TRIGGERS[3]);
  const [type, setType] = useState<'email' | 'sms'>('email');
  const [template, setTemplate] = useState('');
  const [enabled, setEnabled] = useState(true);
  const action = useAction();
  const create = async () => {
    const made = await action.run(() => api<Rule>('POST', '/rules', { name, trigger, action: { type, template }, enabled }));
    if (made) {
      setName('');
      done();
    }
  };
  return (
    <Form label={t('rules.new')} className="card" onSubmit={() => void create()}>
      <h3>{t('rules.new')}</h3>
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
      <ActionError error={action.error} />
      <button type="submit" disabled={action.busy}>
        {t('rules.create')}
      </button>
    </Form>
  );
}

/** Preview for a guest (nothing is sent) and dry-run against recent journey events (nothing changes). */
function RuleTools({ rule }: { rule: Rule }) {
  const [guestId, setGuestId] = useState('');
  const [language, setLanguage] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [dryRun, setDryRun] = useState<DryRun | null>(null);
  const previewAction = useAction();
  const dryAction = useAction();
  return (
    <div>
      <Form
        label={t('rules.previewForm')}
        onSubmit={() =>
          void previewAction
            .run(() => api<Preview>('POST', `/rules/${rule.id}/preview`, { guestId: Number(guestId), ...(language ? { language } : {}) }))
            .then((p) => p && setPreview(p))
        }
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
        <ActionError error={previewAction.error} />
        <button type="submit" disabled={previewAction.busy}>
          {t('rules.previewButton')}
        </button>
      </Form>
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
      <button
        type="button"
        disabled={dryAction.busy}
        onClick={() => void dryAction.run(() => api<DryRun>('POST', `/rules/${rule.id}/dry-run${query({ limit: 50 })}`)).then((d) => d && setDryRun(d))}
      >
        {t('rules.dryRunButton')}
      </button>
      <ActionError error={dryAction.error} />
      {dryRun &&
        (dryRun.results.length === 0 ? (
          <p role="status">{t('rules.noEvents')}</p>
        ) : (
          <TableWrap>
            <table>
              <caption className="sr-only">{t('rules.dryRun')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('rules.event')}</th>
                  <th scope="col">{t('rules.guest')}</th>
                  <th scope="col">{t('rules.when')}</th>
                  <th scope="col">{t('rules.wouldFire')}</th>
                  <th scope="col">{t('rules.why')}</th>
                </tr>
              </thead>
              <tbody>
                {dryRun.results.map((r) => (
                  <tr key={r.eventId}>
                    <td>{r.type}</td>
                    <td>{r.guestId}</td>
                    <td>{formatDateTime(r.occurredAt)}</td>
                    <td>{r.wouldFire ? t('common.yes') : t('common.no')}</td>
                    <td>{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        ))}
    </div>
  );
}
