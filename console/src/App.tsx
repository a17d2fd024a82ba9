import { lazy, type ReactNode, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { Layout } from './components/Layout';
import './screens/screens.css';
import { t } from './i18n/i18n';
import { NotFound } from './screens/NotFound';
import { ChatDetail } from './screens/inbox/ChatDetail';
import { Inbox } from './screens/inbox/Inbox';
import { RequestDetail } from './screens/inbox/RequestDetail';
import { ResetPassword } from './screens/ResetPassword';
import { SignIn } from './screens/SignIn';
import { SignInLink } from './screens/SignInLink';
import { SessionProvider, useSession } from './session';

// Screens other than sign-in load on first visit (each its own chunk: the first load stays small).
const GuestSearch = lazy(() => import('./screens/guests/GuestSearch'));
const GuestProfile = lazy(() => import('./screens/guests/GuestProfile'));
const Dashboards = lazy(() => import('./screens/dashboards/Dashboards'));
const Reputation = lazy(() => import('./screens/reputation/Reputation'));
const Loyalty = lazy(() => import('./screens/loyalty/Loyalty'));
const LoyaltyMember = lazy(() => import('./screens/loyalty/Member'));
const Settings = lazy(() => import('./screens/settings/Settings'));
const SettingsLocations = lazy(() => import('./screens/settings/Locations'));
const SettingsLoopTypes = lazy(() => import('./screens/settings/Shortcodes').then((m) => ({ default: m.LoopTypes })));
const SettingsCustomFields = lazy(() => import('./screens/settings/Shortcodes').then((m) => ({ default: m.CustomFields })));
const SettingsSurveys = lazy(() => import('./screens/settings/Surveys'));
const SettingsRules = lazy(() => import('./screens/settings/Rules'));
const SettingsTemplates = lazy(() => import('./screens/settings/Templates'));
const SettingsApiClients = lazy(() => import('./screens/settings/ApiClients'));
const SettingsWebhooks = lazy(() => import('./screens/settings/Webhooks'));
const SettingsStaff = lazy(() => import('./screens/settings/Staff'));
const SettingsAccount = lazy(() => import('./screens/settings/Account'));
const Audit = lazy(() => import('./screens/audit/Audit'));

const loading = <p aria-live="polite">{t('common.loading')}</p>;
const screen = (element: ReactNode) => <Suspense fallback={loading}>{element}</Suspense>;

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
            <Route path="/guests" element={screen(<GuestSearch />)} />
            <Route path="/guests/:id" element={screen(<GuestProfile />)} />
            <Route path="/dashboards" element={screen(<Dashboards />)} />
            <Route path="/reputation" element={screen(<Reputation />)} />
            <Route path="/loyalty" element={screen(<Loyalty />)} />
            <Route path="/loyalty/members/:id" element={screen(<LoyaltyMember />)} />
            <Route path="/settings" element={screen(<Settings />)}>
              <Route index element={<Navigate to="/settings/locations" replace />} />
              <Route path="locations" element={screen(<SettingsLocations />)} />
              <Route path="loop-types" element={screen(<SettingsLoopTypes />)} />
              <Route path="custom-fields" element={screen(<SettingsCustomFields />)} />
              <Route path="surveys" element={screen(<SettingsSurveys />)} />
              <Route path="rules" element={screen(<SettingsRules />)} />
              <Route path="templates" element={screen(<SettingsTemplates />)} />
              <Route path="api-clients" element={screen(<SettingsApiClients />)} />
              <Route path="webhooks" element={screen(<SettingsWebhooks />)} />
              <Route path="staff" element={screen(<SettingsStaff />)} />
              <Route path="account" element={screen(<SettingsAccount />)} />
            </Route>
            <Route path="/audit" element={screen(<Audit />)} />
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
