import { useState } from 'react';
import { api } from '../../api';
import { ActionForm } from '../../components/ActionForm';
import { ItemTable, ShowList } from '../../components/Lists';
import { ConfirmButton, ShownOnce, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { ApiClientList, CreatedApiClient, Credential } from '../../types';

/** /settings/api-clients: OAuth API clients (register, revoke) and API tokens (issue). */
export default function ApiClients() {
  const [loaded, reload] = useApiLoad(() => api<ApiClientList>('GET', '/clients'), []);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState('');
  const [created, setCreated] = useState<CreatedApiClient | null>(null);
  return (
    <div>
      <h2>{t('settings.apiClients')}</h2>
      <ShowList loaded={loaded} retry={reload} items={(d) => d.clients}>
        {(clients) => (
          <ItemTable
            items={clients}
            rowKey={(c) => c.clientId}
            columns={[
              { label: t('clients.id'), cell: (c) => <code>{c.clientId}</code> },
              { label: t('clients.name'), cell: (c) => c.name ?? '—' },
              { label: t('clients.scopes'), cell: (c) => c.scopes.join(', ') },
              { label: t('clients.face'), cell: (c) => c.face },
              { label: t('clients.state'), cell: (c) => (c.revoked ? t('clients.revoked', { at: c.revoked }) : t('clients.active')) },
            ]}
            actions={(c) =>
              !c.revoked && (
                <ConfirmButton
                  text={t('clients.revoke')}
                  label={t('clients.revokeNamed', { name: c.name ?? c.clientId })}
                  question={t('clients.revokeQuestion')}
                  action={() => api('DELETE', `/clients/${encodeURIComponent(c.clientId)}`)}
                  done={reload}
                />
              )
            }
          />
        )}
      </ShowList>
      <ActionForm
        title={t('clients.new')}
        submit={t('clients.create')}
        action={() => api<CreatedApiClient>('POST', '/clients', { name: name || undefined, scopes: scopes.split(/[\s,]+/).filter(Boolean) })}
        done={(made) => {
          setCreated(made);
          setName('');
          reload();
        }}
        after={created && <ShownOnce label={t('clients.secret', { id: created.clientId })} value={created.clientSecret} />}
      >
        <label>
          {t('clients.name')}
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('clients.scopesInput')}
          <input required value={scopes} placeholder="read_scores read_feedback" onChange={(e) => setScopes(e.target.value)} />
        </label>
      </ActionForm>
      <Tokens />
    </div>
  );
}

function Tokens() {
  const [kind, setKind] = useState<'loop' | 'admin' | 'loyalty'>('loop');
  const [label, setLabel] = useState('');
  const [revoke, setRevoke] = useState(false);
  const [issued, setIssued] = useState<Credential | null>(null);
  return (
    <ActionForm
      title={t('tokens.title')}
      submit={t('tokens.issue')}
      action={() => api<Credential>('POST', '/credentials', { kind, label: label || undefined, revokeExisting: revoke })}
      done={setIssued}
      after={issued && <ShownOnce label={t('tokens.token', { kind: issued.kind })} value={issued.token} />}
    >
      <label>
        {t('tokens.kind')}
        <select value={kind} onChange={(e) => setKind(e.target.value as 'loop' | 'admin' | 'loyalty')}>
          <option value="loop">{t('tokens.loop')}</option>
          <option value="loyalty">{t('tokens.loyalty')}</option>
          <option value="admin">{t('tokens.admin')}</option>
        </select>
      </label>
      <label>
        {t('tokens.label')}
        <input value={label} onChange={(e) => setLabel(e.target.value)} />
      </label>
      <label className="choice">
        <input type="checkbox" checked={revoke} onChange={(e) => setRevoke(e.target.checked)} />
        {t('tokens.revokeExisting')}
      </label>
    </ActionForm>
  );
}
