import { type FormEvent, useState } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { ApiError, api } from '../api';
import { t } from '../i18n/i18n';
import { useSession } from '../session';
import type { Session } from '../types';

/** E-mail and password; after sign-in, back to the screen that asked for it. */
export function SignIn() {
  const { session, signedIn } = useSession();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  if (session) return <Navigate to={from} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      signedIn(await api<Session>('POST', '/session', { email, password }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'locked') setError(t('signIn.locked', { minutes: Math.ceil((err.retryAfterSeconds ?? 900) / 60) }));
      else if (err instanceof ApiError && err.status === 401) setError(t('signIn.failed'));
      else setError(t('common.error', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="narrow">
      <h1>{t('signIn.title')}</h1>
      <form onSubmit={submit}>
        <label>
          {t('signIn.email')}
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t('signIn.password')}
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
      <p>
        <Link to="/reset-password">{t('signIn.forgot')}</Link>
      </p>
      <p>
        <a href="/about">{t('signIn.about')}</a>
      </p>
    </main>
  );
}
