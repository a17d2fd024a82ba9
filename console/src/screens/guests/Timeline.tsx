import { useEffect, useState } from 'react';
import { api, query } from '../../api';
import { formatDateTime } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { TimelineItem, TimelinePage } from '../../types';

/**
 * One timeline across every face (GET /guests/{id}/timeline, newest first, paged with `before`).
 */
export function Timeline({ guestId }: { guestId: number }) {
  const [items, setItems] = useState<TimelineItem[]>([]);
  const [next, setNext] = useState<TimelinePage['next']>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [message, setMessage] = useState('');

  const load = async (before: TimelinePage['next'], append: boolean) => {
    setState('loading');
    try {
      const page = await api<TimelinePage>('GET', `/guests/${guestId}/timeline${query({ before: before ?? undefined, limit: 50 })}`);
      setItems((old) => (append ? [...old, ...page.items] : page.items));
      setNext(page.next);
      setState('ready');
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
      setState('error');
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the guest changes only
  useEffect(() => {
    setItems([]);
    void load(null, false);
  }, [guestId]);

  return (
    <>
      {state === 'error' && (
        <p role="alert" className="error">
          {t('common.error', { message })}
        </p>
      )}
      {state === 'ready' && items.length === 0 && <p className="muted">{t('timeline.empty')}</p>}
      <ol className="timeline">
        {items.map((item) => (
          <li key={`${item.kind}:${item.ref.type}:${item.ref.id}:${item.at}:${item.summary}`}>
            <time dateTime={new Date(item.at).toISOString()}>{formatDateTime(item.at)}</time>
            <span className={`tag kind-${item.kind.split('.')[0]}`}>{item.kind}</span>
            <span>{item.summary}</span>
          </li>
        ))}
      </ol>
      {state === 'loading' && <p aria-live="polite">{t('common.loading')}</p>}
      {state === 'ready' && next !== null && (
        <button type="button" onClick={() => void load(next, true)}>
          {t('timeline.older')}
        </button>
      )}
    </>
  );
}
