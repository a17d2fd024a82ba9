import { type DependencyList, type FormEvent, type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '../api';
import { language, t } from '../i18n/i18n';

/*
 * Small pieces the screens share: loading with the HTTP status kept (a 404 of an endpoint that a
 * newer server adds is "not available here", not an error), dialogs, action state, formatting.
 */

export type ApiLoaded<T> = { state: 'loading' } | { state: 'error'; message: string; status?: number } | { state: 'ready'; data: T };

/** Runs `load` when `deps` change; `reload` runs it again. Keeps the status of an ApiError. */
export function useApiLoad<T>(load: () => Promise<T>, deps: DependencyList): [ApiLoaded<T>, () => void] {
  const [value, setValue] = useState<ApiLoaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what `load` depends on
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setValue({ state: 'ready', data }),
      (err: unknown) =>
        live &&
        setValue({ state: 'error', message: err instanceof Error ? err.message : String(err), status: err instanceof ApiError ? err.status : undefined }),
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return [value, reload];
}

/** Loading line, an error with a retry button (or `unavailable` for a 404), or `children(data)`. */
export function ShowApi<T>({
  loaded,
  retry,
  unavailable,
  children,
}: {
  loaded: ApiLoaded<T>;
  retry?: () => void;
  /** the message shown when the endpoint answers 404 (not on this server yet) */
  unavailable?: string;
  children: (data: T) => ReactNode;
}) {
  if (loaded.state === 'loading') return <p aria-live="polite">{t('common.loading')}</p>;
  if (loaded.state === 'error') {
    if (unavailable && loaded.status === 404)
      return (
        <p className="notice" role="status">
          {unavailable}
        </p>
      );
    return (
      <div role="alert">
        <p className="error">{t('common.error', { message: loaded.message })}</p>
        {retry && (
          <button type="button" onClick={retry}>
            {t('common.retry')}
          </button>
        )}
      </div>
    );
  }
  return <>{children(loaded.data)}</>;
}

/** A write's state: `run` calls `action`, keeps busy and the error message (an ApiError's own). */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; status?: number } | null>(null);
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (err) {
      setError({ message: err instanceof Error ? err.message : String(err), status: err instanceof ApiError ? err.status : undefined });
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(null) };
}

export function ActionError({ error, unavailable }: { error: { message: string; status?: number } | null; unavailable?: string }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {unavailable && error.status === 404 ? unavailable : t('common.error', { message: error.message })}
    </p>
  );
}

/** A modal dialog (the platform's <dialog>: focus kept inside, Escape closes), titled by its heading. */
export function Dialog({ title, open, onClose, children }: { title: string; open: boolean; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose} className="dialog">
      {open && (
        <>
          <h2 id={titleId}>{title}</h2>
          {children}
        </>
      )}
    </dialog>
  );
}

/** A form that calls `onSubmit` without reloading the page. */
export function Form({ onSubmit, children, label, className }: { onSubmit: () => void; children: ReactNode; label?: string; className?: string }) {
  return (
    <form
      aria-label={label}
      className={className}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}

const dateTime = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
const date = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });

export const formatDateTime = (ms: number | null | undefined) => (ms === null || ms === undefined ? '—' : dateTime.format(new Date(ms)));
export const formatDate = (ms: number | null | undefined) => (ms === null || ms === undefined ? '—' : date.format(new Date(ms)));

/** The display name of a guest-like record. */
export function guestName(g: { name?: string | null; firstName?: string | null; lastName?: string | null; email?: string | null; id?: number }): string {
  const full = [g.firstName, g.lastName].filter(Boolean).join(' ');
  return g.name || full || g.email || (g.id ? t('guests.unnamed', { id: g.id }) : t('guests.unnamedNoId'));
}

/** Today as YYYY-MM-DD (UTC), and days added to one. */
export const todayDay = () => new Date().toISOString().slice(0, 10);
export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The title of a location (its English text, else any). */
export const titleOf = (title: Record<string, string> | undefined | null) => (title ? (title.en ?? Object.values(title)[0] ?? '') : '');

/** A button that runs one write, then `done` with its answer once it succeeded; a failure shows after the button. */
export function ActionButton<T>({ text, label, action, done }: { text: string; label?: string; action: () => Promise<T>; done?: (answer: T) => void }) {
  const state = useAction();
  const run = async () => {
    // wrapped: a write that answers 204 (undefined) succeeded too; useAction gives undefined on failure
    const result = await state.run(async () => ({ answer: await action() }));
    if (result) done?.(result.answer);
  };
  return (
    <>
      <button type="button" aria-label={label} disabled={state.busy} onClick={() => void run()}>
        {text}
      </button>
      <ActionError error={state.error} />
    </>
  );
}

/** A button that asks first (a dialog), then runs `action`; `label` names the button for screen readers, `confirm` (else `text`) the dialog's button. */
export function ConfirmButton({
  text,
  label,
  question,
  confirm,
  action,
  done,
  danger = true,
}: {
  text: string;
  label?: string;
  question: string;
  confirm?: string;
  action: () => Promise<unknown>;
  done?: () => void;
  danger?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const state = useAction();
  const run = async () => {
    const ok = await state.run(async () => {
      await action();
      return true;
    });
    if (ok) {
      setOpen(false);
      done?.();
    }
  };
  return (
    <>
      <button type="button" className={danger ? 'danger' : undefined} aria-label={label} onClick={() => setOpen(true)}>
        {text}
      </button>
      <Dialog title={label ?? text} open={open} onClose={() => setOpen(false)}>
        <p>{question}</p>
        <ActionError error={state.error} />
        <div className="button-row">
          <button type="button" className={danger ? 'danger' : 'primary'} disabled={state.busy} onClick={() => void run()}>
            {confirm ?? text}
          </button>
          <button type="button" onClick={() => setOpen(false)}>
            {t('common.cancel')}
          </button>
        </div>
      </Dialog>
    </>
  );
}

/** A secret shown once after it was made (a client secret, a token, a webhook secret). */
export function ShownOnce({ label, value }: { label: string; value: string }) {
  return (
    <div className="notice" role="status">
      <p>{t('common.shownOnce')}</p>
      <label>
        {label}
        <input readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
      </label>
    </div>
  );
}

/** A horizontally scrollable box for a wide table, focusable so that a keyboard can scroll it. */
export function TableWrap({ children }: { children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus to be scrolled by keyboard (axe scrollable-region-focusable)
    <div className="table-wrap" tabIndex={0}>
      {children}
    </div>
  );
}
