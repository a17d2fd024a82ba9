import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { Layout } from './components/Layout';
import { t } from './i18n/i18n';
import { NotFound } from './screens/NotFound';
import { ChatDetail } from './screens/inbox/ChatDetail';
import { Inbox } from './screens/inbox/Inbox';
import { RequestDetail } from './screens/inbox/RequestDetail';
import { ResetPassword } from './screens/ResetPassword';
import { SignIn } from './screens/SignIn';
import { SignInLink } from './screens/SignInLink';
import { SessionProvider, useSession } from './session';

/**
 * Every screen has a real URL (a reload keeps it: the server answers the console's page for any
 * GET outside the APIs). Screens are registered here, one line each.
 */
export function App() {
  return (
    <SessionProvider>
      <BrowserRouter>
        <Routes>
          <Route path="/sign-in" element={<SignIn />} />
          <Route path="/sign-in/link/:token" element={<SignInLink />} />
          <Route path="/reset-password" element={<ResetPassword />} />
          <Route path="/reset-password/:token" element={<ResetPassword />} />
          <Route element={<SignedIn />}>
            <Route index element={<Home />} />
            <Route path="/inbox" element={<Inbox />} />
            <Route path="/inbox/requests/:id" element={<RequestDetail />} />
            <Route path="/inbox/chats/:id" element={<ChatDetail />} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </SessionProvider>
  );
}

/** The signed-in part: sends a visitor without a session to the sign-in screen and back after. */
function SignedIn() {
  const { session } = useSession();
  const location = useLocation();
  if (session === undefined) return <p aria-live="polite">{t('common.loading')}</p>;
  if (session === null) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return <Layout />;
}

/** The first screen after sign-in: the inbox, or the dashboards for an analyst. */
function Home() {
  const { session } = useSession();
  return <Navigate to={session?.staff.role === 'analyst' ? '/dashboards' : '/inbox'} replace />;
}
