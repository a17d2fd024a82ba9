import { useState } from 'react';
import { api } from '../../api';
import { ActionForm } from '../../components/ActionForm';
import { ConfirmButton, ShowApi, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { Account as AccountData, Blocklist, MessagingSettings } from '../../types';
import { RetentionCard } from './Retention';

/** /settings/account: the account's name and identity settings, quiet hours, the identity blocklist, retention. */
export default function Account() {
  const [account, reloadAccount] = useApiLoad(() => api<AccountData>('GET', '/account'), []);
  const [messaging, reloadMessaging] = useApiLoad(() => api<MessagingSettings>('GET', '/messaging/settings'), []);
  return (
    <div>
      <h2>{t('settings.account')}</h2>
      <ShowApi loaded={account} retry={reloadAccount}>
        {(data) => <AccountFields account={data} done={reloadAccount} />}
      </ShowApi>
      <ShowApi loaded={messaging} retry={reloadMessaging}>
        {(settings) => <QuietHoursForm settings={settings} done={reloadMessaging} />}
      </ShowApi>
      <BlocklistCard />
      <RetentionCard />
    </div>
  );
}

function AccountFields({ account, done }: { account: AccountData; done: () => void }) {
  const [name, setName] = useState(account.name);
  const [country, setCountry] = useState(account.settings.defaultCountry ?? '');
  const [limit, setLimit] = useState(String(account.settings.sharedIdentifierLimit ?? ''));
  const [loops, setLoops] = useState(Boolean(account.settings.responsesCreateLoops));
  return (
    <ActionForm
      title={t('account.settings')}
      submit={t('common.save')}
      saved
      action={() =>
        api<AccountData>('PATCH', '/account', {
          name,
          settings: {
            defaultCountry: country ? country.toUpperCase() : null,
            sharedIdentifierLimit: limit ? Number(limit) : null,
            responsesCreateLoops: loops,
          },
        })
      }
      done={done}
    >
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
    </ActionForm>
  );
}

function QuietHoursForm({ settings, done }: { settings: MessagingSettings; done: () => void }) {
  const [on, setOn] = useState(settings.quietHours !== null);
  const [start, setStart] = useState(settings.quietHours?.start ?? '22:00');
  const [end, setEnd] = useState(settings.quietHours?.end ?? '08:00');
  return (
    <ActionForm
      title={t('account.quietHours')}
      submit={t('common.save')}
      saved
      action={() => api<MessagingSettings>('PUT', '/messaging/settings', { quietHours: on ? { start, end } : null })}
      done={done}
    >
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
    </ActionForm>
  );
}

function BlocklistCard() {
  const [loaded, reload] = useApiLoad(() => api<Blocklist>('GET', '/identity/blocklist'), []);
  const [pattern, setPattern] = useState('');
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
      <ActionForm
        plain
        title={t('account.addEntry')}
        submit={t('account.addEntry')}
        action={() => api('POST', '/identity/blocklist', { pattern })}
        done={() => {
          setPattern('');
          reload();
        }}
      >
        <label>
          {t('account.pattern')}
          <input required value={pattern} placeholder="noemail@*" onChange={(e) => setPattern(e.target.value)} />
        </label>
      </ActionForm>
    </div>
  );
}
