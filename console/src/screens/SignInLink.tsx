import { useEffect, useState } from 'react';
import { Navigate, useParams } from 'react-router';
import { api } from '../api';
import { t } from '../i18n/i18n';
import { useSession } from '../session';
import type { Session } from '../types';

/** A one-time sign-in link (`openstay staff create`, invitations): signs in, then home. */
export function SignInLink() {
  const { token } = useParams();
  const { signedIn } = useSession();
  const [state, setState] = useState<'pending' | 'done' | 'invalid'>('pending');
  useEffect(() => {
    api<Session>('POST', '/session/link', { token }).then(
      (s) => {
        signedIn(s);
        setState('done');
      },
      () => setState('invalid'),
    );
  }, [token, signedIn]);
  if (state === 'done') return <Navigate to="/" replace />;
  return (
    <main className="narrow">
      <p role={state === 'invalid' ? 'alert' : 'status'}>{state === 'invalid' ? t('link.invalid') : t('link.signingIn')}</p>
    </main>
  );
}
