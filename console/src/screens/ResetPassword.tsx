import { type FormEvent, useState } from 'react';
import { Navigate, useParams } from 'react-router';
import { api } from '../api';
import { t } from '../i18n/i18n';
import { useSession } from '../session';
import type { Session } from '../types';

/** Without a token: ask for a reset link. With one (from the e-mail): choose a new password. */
export function ResetPassword() {
  const { token } = useParams();
  return token ? <ChoosePassword token={token} /> : <AskForLink />;
}

function AskForLink() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      await api('POST', '/session/password-reset', { email });
      setSent(email);
    } catch (err) {
      setError(t('common.error', { message: err instanceof Error ? err.message : String(err) }));
    }
  }
  return (
    <main className="narrow">
      <h1>{t('reset.askTitle')}</h1>
      {sent ? (
        <p role="status">{t('reset.sent', { email: sent })}</p>
      ) : (
        <form onSubmit={submit}>
          <label>
            {t('signIn.email')}
            <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <button type="submit">{t('reset.ask')}</button>
        </form>
      )}
    </main>
  );
}

function ChoosePassword({ token }: { token: string }) {
  const { session, signedIn } = useSession();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (session) return <Navigate to="/" replace />;
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (password.length < 10) return setError(t('reset.tooShort'));
    try {
      signedIn(await api<Session>('POST', '/session/password', { token, password }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }
  return (
    <main className="narrow">
      <h1>{t('reset.title')}</h1>
      <form onSubmit={submit}>
        <label>
          {t('reset.newPassword')}
          <input
            type="password"
            name="password"
            autoComplete="new-password"
            minLength={10}
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit">{t('reset.submit')}</button>
      </form>
    </main>
  );
}
