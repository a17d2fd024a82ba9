import { useEffect, useState } from 'react';
import { api, query } from '../../api';
import { formatDateTime, TableWrap } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { AuditItem, AuditPage } from '../../types';

/** /audit: who did what, newest first (GET /admin/v1/audit, paged with `before`) */
export default function Audit() {
  const [items, setItems] = useState<AuditItem[]>([]);
  const [next, setNext] = useState<AuditPage['next']>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [message, setMessage] = useState('');
  const load = async (before: AuditPage['next']) => {
    setState('loading');
    try {
      const page = await api<AuditPage>('GET', `/audit${query({ limit: 50, before: before ?? undefined })}`);
      setItems((old) => (before === null ? page.items : [...old, ...page.items]));
      setNext(page.next);
      setState('ready');
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
      setState('error');
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: load once
  useEffect(() => {
    void load(null);
  }, []);
  return (
    <section>
      <h1>{t('audit.title')}</h1>
      {state === 'error' && (
        <p role="alert" className="error">
          {t('common.error', { message })}
        </p>
      )}
      {items.length > 0 && (
        <TableWrap>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('audit.when')}</th>
                <th scope="col">{t('audit.who')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.what')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id}>
                  <td>{formatDateTime(i.at)}</td>
                  <td>{i.actor.name ?? `${i.actor.type}${i.actor.id !== null ? `:${i.actor.id}` : ''}`}</td>
                  <td>{i.action}</td>
                  <td>{i.summary || `${i.entity} ${i.entityId ?? ''}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {state === 'ready' && items.length === 0 && <p className="muted">{t('audit.empty')}</p>}
      {state === 'loading' && <p aria-live="polite">{t('common.loading')}</p>}
      {state === 'ready' && next !== null && (
        <button type="button" onClick={() => void load(next)}>
          {t('audit.older')}
        </button>
      )}
    </section>
  );
}
