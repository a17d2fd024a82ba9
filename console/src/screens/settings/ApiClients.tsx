import { useState } from 'react';
import { api } from '../../api';
import { ActionError, ConfirmButton, Form, ShowApi, ShownOnce, TableWrap, useAction, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { ApiClientList, CreatedApiClient, Credential } from '../../types';

/** /settings/api-clients: OAuth API clients (register, revoke) and API tokens (issue). */
export default function ApiClients() {
  const [loaded, reload] = useApiLoad(() => api<ApiClientList>('GET', '/clients'), []);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState('');
  const [created, setCreated] = useState<CreatedApiClient | null>(null);
  const action = useAction();
  const create = async () => {
    const made = await action.run(() => api<CreatedApiClient>('POST', '/clients', { name: name || undefined, scopes: scopes.split(/[\s,]+/).filter(Boolean) }));
    if (made) {
      setCreated(made);
      setName('');
      reload();
    }
  };
  return (
    <div>
      <h2>{t('settings.apiClients')}</h2>
      <ShowApi loaded={loaded} retry={reload}>
        {({ clients }) =>
          clients.length === 0 ? (
            <p className="muted">{t('common.none')}</p>
          ) : (
            <TableWrap>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('clients.id')}</th>
                    <th scope="col">{t('clients.name')}</th>
                    <th scope="col">{t('clients.scopes')}</th>
                    <th scope="col">{t('clients.face')}</th>
                    <th scope="col">{t('clients.state')}</th>
                    <th scope="col">
                      <span className="sr-only">{t('common.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {clients.map((c) => (
                    <tr key={c.clientId}>
                      <td>
                        <code>{c.clientId}</code>
                      </td>
                      <td>{c.name ?? '—'}</td>
                      <td>{c.scopes.join(', ')}</td>
                      <td>{c.face}</td>
                      <td>{c.revoked ? t('clients.revoked', { at: c.revoked }) : t('clients.active')}</td>
                      <td>
                        {!c.revoked && (
                          <ConfirmButton
                            text={t('clients.revoke')}
                            label={t('clients.revokeNamed', { name: c.name ?? c.clientId })}
                            question={t('clients.revokeQuestion')}
                            confirm={t('clients.revoke')}
                            action={() => api('DELETE', `/clients/${encodeURIComponent(c.clientId)}`)}
                            done={reload}
                          />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )
        }
      </ShowApi>
      <Form label={t('clients.new')} className="card" onSubmit={() => void create()}>
        <h3>{t('clients.new')}</h3>
        <label>
          {t('clients.name')}
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('clients.scopesInput')}
          <input required value={scopes} placeholder="read_scores read_feedback" onChange={(e) => setScopes(e.target.value)} />
        </label>
        <ActionError error={action.error} />
        <button type="submit" disabled={action.busy}>
          {t('clients.create')}
        </button>
        {created && <ShownOnce label={t('clients.secret', { id: created.clientId })} value={created.clientSecret} />}
      </Form>
      <Tokens />
    </div>
  );
}

function Tokens() {
  const [kind, setKind] = useState<'loop' | 'admin' | 'loyalty'>('loop');
  const [label, setLabel] = useState('');
  const [revoke, setRevoke] = useState(false);
  const [issued, setIssued] = useState<Credential | null>(null);
  const action = useAction();
  const issue = async () => {
    const made = await action.run(() => api<Credential>('POST', '/credentials', { kind, label: label || undefined, revokeExisting: revoke }));
    if (made) setIssued(made);
  };
  return (
    <Form label={t('tokens.title')} className="card" onSubmit={() => void issue()}>
      <h3>{t('tokens.title')}</h3>
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
      <ActionError error={action.error} />
      <button type="submit" disabled={action.busy}>
        {t('tokens.issue')}
      </button>
      {issued && <ShownOnce label={t('tokens.token', { kind: issued.kind })} value={issued.token} />}
    </Form>
  );
}
