import { type DependencyList, type ReactNode, useCallback, useEffect, useState } from 'react';
import { t } from '../i18n/i18n';

export type Loaded<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: T };

/** Runs `load` when `deps` change; `reload` runs it again (after a write, or on a live event). */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): [Loaded<T>, () => void] {
  const [value, setValue] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what `load` depends on
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setValue({ state: 'ready', data }),
      (err: unknown) => live && setValue({ state: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return [value, reload];
}

/** Shows a loading line, an error with a retry button, or `children(data)`. */
export function Show<T>({ loaded, retry, children }: { loaded: Loaded<T>; retry?: () => void; children: (data: T) => ReactNode }) {
  if (loaded.state === 'loading') return <p aria-live="polite">{t('common.loading')}</p>;
  if (loaded.state === 'error')
    return (
      <div role="alert">
        <p>{t('common.error', { message: loaded.message })}</p>
        {retry && (
          <button type="button" onClick={retry}>
            {t('common.retry')}
          </button>
        )}
      </div>
    );
  return <>{children(loaded.data)}</>;
}
