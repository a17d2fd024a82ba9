import { NavLink, Outlet } from 'react-router';
import { t, type MessageKey } from '../../i18n/i18n';

export const SETTINGS: Array<{ path: string; label: MessageKey }> = [
  { path: 'locations', label: 'settings.locations' },
  { path: 'loop-types', label: 'settings.loopTypes' },
  { path: 'custom-fields', label: 'settings.customFields' },
  { path: 'surveys', label: 'settings.surveys' },
  { path: 'rules', label: 'settings.rules' },
  { path: 'templates', label: 'settings.templates' },
  { path: 'api-clients', label: 'settings.apiClients' },
  { path: 'webhooks', label: 'settings.webhooks' },
  { path: 'staff', label: 'settings.staff' },
  { path: 'account', label: 'settings.account' },
];

/** /settings/...: one sub-screen per part of the account's configuration, each with its own URL. */
export default function Settings() {
  return (
    <section>
      <h1>{t('settings.title')}</h1>
      <nav aria-label={t('settings.nav')} className="subnav">
        <ul>
          {SETTINGS.map((s) => (
            <li key={s.path}>
              <NavLink to={`/settings/${s.path}`}>{t(s.label)}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </section>
  );
}
