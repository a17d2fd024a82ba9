import { useState } from 'react';
import { api } from '../../api';
import { ActionError, ConfirmButton, Form, ShowApi, useAction, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { Account as AccountData, Blocklist, MessagingSettings } from '../../types';
import { RetentionCard } from './Retention';

/** /settings/account: the account's name and identity settings, quiet hours, the identity blocklist, retention. */
export default function Account() {
  return (
    <div>
      <h2>{t('settings.account')}</h2>
      <AccountForm />
      <QuietHours />
      <BlocklistCard />
      <RetentionCard />
    </div>
  );
}

function AccountForm() {
  const [loaded, reload] = useApiLoad(() => api<AccountData>('GET', '/account'), []);
  return (
    <ShowApi loaded={loaded} retry={reload}>
      {(account) => <AccountFields account={account} done={reload} />}
    </ShowApi>
  );
}

function AccountFields({ account, done }: { account: AccountData; done: () => void }) {
  const [name, setName] = useState(account.name);
  const [country, setCountry] = useState(account.settings.defaultCountry ?? '');
  const [limit, setLimit] = useState(String(account.settings.sharedIdentifierLimit ?? ''));
  const [loops, setLoops] = useState(Boolean(account.settings.responsesCreateLoops));
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const save = async () => {
    setSaved(false);
    const made = await action.run(() =>
      api<AccountData>('PATCH', '/account', {
        name,
        settings: { defaultCountry: country ? country.toUpperCase() : null, sharedIdentifierLimit: limit ? Number(limit) : null, responsesCreateLoops: loops },
      }),
    );
    if (made) {
      setSaved(true);
      done();
    }
  };
  return (
    <Form label={t('account.settings')} className="card" onSubmit={() => void save()}>
      <h3>{t('account.settings')}</h3>
      <label>
        {t('account.name')}
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t('account.country')}
        <input value={country} maxLength={2} onChange={(e) => setCountry(e.target.value)} />
      </label>
      <label>
        {t('account.sharedLimit')}
        <input type="number" min={1} max={1000} value={limit} onChange={(e) => setLimit(e.target.value)} />
      </label>
      <label className="choice">
        <input type="checkbox" checked={loops} onChange={(e) => setLoops(e.target.checked)} />
        {t('account.responsesCreateLoops')}
      </label>
      <ActionError error={action.error} />
      {saved && <p role="status">{t('common.saved')}</p>}
      <button type="submit" disabled={action.busy}>
        {t('common.save')}
      </button>
    </Form>
  );
}

function QuietHours() {
  const [loaded, reload] = useApiLoad(() => api<MessagingSettings>('GET', '/messaging/settings'), []);
  return (
    <ShowApi loaded={loaded} retry={reload}>
      {(settings) => <QuietHoursForm settings={settings} done={reload} />}
    </ShowApi>
  );
}

function QuietHoursForm({ settings, done }: { settings: MessagingSettings; done: () => void }) {
  const [on, setOn] = useState(settings.quietHours !== null);
  const [start, setStart] = useState(settings.quietHours?.start ?? '22:00');
  const [end, setEnd] = useState(settings.quietHours?.end ?? '08:00');
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const save = async () => {
    setSaved(false);
    const made = await action.run(() => api<MessagingSettings>('PUT', '/messaging/settings', { quietHours: on ? { start, end } : null }));
    if (made) {
      setSaved(true);
      done();
    }
  };
  return (
    <Form label={t('account.quietHours')} className="card" onSubmit={() => void save()}>
      <h3>{t('account.quietHours')}</h3>
      <p className="muted">{t('account.quietHoursHelp')}</p>
      <label className="choice">
        <input type="checkbox" checked={on} onChange={(e) => setOn(e.target.checked)} />
        {t('account.quietHoursOn')}
      </label>
      <label>
        {t('account.quietStart')}
        <input type="time" disabled={!on} value={start} onChange={(e) => setStart(e.target.value)} />
      </label>
      <label>
        {t('account.quietEnd')}
        <input type="time" disabled={!on} value={end} onChange={(e) => setEnd(e.target.value)} />
      </label>
      <ActionError error={action.error} />
      {saved && <p role="status">{t('common.saved')}</p>}
      <button type="submit" disabled={action.busy}>
        {t('common.save')}
      </button>
    </Form>
  );
}

function BlocklistCard() {
  const [loaded, reload] = useApiLoad(() => api<Blocklist>('GET', '/identity/blocklist'), []);
  const [pattern, setPattern] = useState('');
  const action = useAction();
  const add = async () => {
    const made = await action.run(() => api('POST', '/identity/blocklist', { pattern }));
    if (made !== undefined) {
      setPattern('');
      reload();
    }
  };
  return (
    <div className="card">
      <h3>{t('account.blocklist')}</h3>
      <p className="muted">{t('account.blocklistHelp')}</p>
      <ShowApi loaded={loaded} retry={reload}>
        {(list) => (
          <>
            {list.entries.length === 0 ? (
              <p className="muted">{t('common.none')}</p>
            ) : (
              <ul className="plain">
                {list.entries.map((e) => (
                  <li key={e.id} className="button-row">
                    <span>
                      {e.kind}: <code>{e.pattern}</code>
                    </span>
                    <ConfirmButton
                      text={t('common.remove')}
                      label={t('account.removeEntry', { pattern: e.pattern })}
                      question={t('account.removeQuestion', { pattern: e.pattern })}
                      confirm={t('common.remove')}
                      action={() => api('DELETE', `/identity/blocklist/${e.id}`)}
                      done={reload}
                    />
                  </li>
                ))}
              </ul>
            )}
            <p className="muted">{t('account.phoneRules', { rules: list.phoneRules.map((r) => r.pattern).join(', ') })}</p>
          </>
        )}
      </ShowApi>
      <Form label={t('account.addEntry')} onSubmit={() => void add()}>
        <label>
          {t('account.pattern')}
          <input required value={pattern} placeholder="noemail@*" onChange={(e) => setPattern(e.target.value)} />
        </label>
        <ActionError error={action.error} />
        <button type="submit" disabled={action.busy}>
          {t('account.addEntry')}
        </button>
      </Form>
    </div>
  );
}
