import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, setCsrfToken } from './api';
import type { Session } from './types';

interface SessionState {
  /** undefined while the first GET /session is on its way; null when nobody is signed in */
  session: Session | null | undefined;
  /** after a successful sign-in, link or password answer (each returns a Session) */
  signedIn(session: Session): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  useEffect(() => {
    api<Session>('GET', '/session').then(
      (s) => {
        setCsrfToken(s.csrfToken);
        setSession(s);
      },
      (err: unknown) => {
        if (!(err instanceof ApiError && err.status === 401)) console.error(err);
        setSession(null);
      },
    );
  }, []);

  const signedIn = useCallback((s: Session) => {
    setCsrfToken(s.csrfToken);
    setSession(s);
  }, []);

  const signOut = useCallback(async () => {
    await api('DELETE', '/session').catch(() => undefined);
    setCsrfToken('');
    setSession(null);
  }, []);

  const value = useMemo(() => ({ session, signedIn, signOut }), [session, signedIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The signed-in session (inside the signed-in part of the console only). */
export function useSignedIn(): Session {
  const { session } = useSession();
  if (!session) throw new Error('useSignedIn without a session');
  return session;
}

/** Whether the signed-in person's role may change account settings (owner, manager). */
export const canManage = (session: Session) => session.staff.role === 'owner' || session.staff.role === 'manager';
