import { useState } from 'react';
import { NavLink, Outlet } from 'react-router';
import { t, type MessageKey } from '../i18n/i18n';
import { useSession, useSignedIn } from '../session';

const NAV: Array<{ to: string; label: MessageKey; roles?: string[] }> = [
  { to: '/inbox', label: 'nav.inbox', roles: ['owner', 'manager', 'agent'] },
  { to: '/guests', label: 'nav.guests' },
  { to: '/dashboards', label: 'nav.dashboards', roles: ['owner', 'manager', 'analyst'] },
  { to: '/reputation', label: 'nav.reputation', roles: ['owner', 'manager', 'analyst'] },
  { to: '/loyalty', label: 'nav.loyalty', roles: ['owner', 'manager', 'agent'] },
  { to: '/settings', label: 'nav.settings', roles: ['owner', 'manager'] },
  { to: '/audit', label: 'nav.audit', roles: ['owner', 'manager'] },
];

/** The signed-in frame: the navigation (a menu button below 720 px) and the current screen. */
export function Layout() {
  const session = useSignedIn();
  const { signOut } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const items = NAV.filter((item) => !item.roles || item.roles.includes(session.staff.role));
  return (
    <div className="frame">
      <header className="topbar">
        <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>
          {t('nav.menu')}
        </button>
        <span className="brand">{session.account.name}</span>
        <span className="who">{session.staff.name ?? session.staff.email}</span>
        <button type="button" onClick={() => void signOut()}>
          {t('nav.signOut')}
        </button>
      </header>
      <nav id="main-nav" aria-label={t('nav.main')} className={menuOpen ? 'nav open' : 'nav'}>
        <ul>
          {items.map((item) => (
            <li key={item.to}>
              <NavLink to={item.to} onClick={() => setMenuOpen(false)}>
                {t(item.label)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main className="screen">
        <Outlet />
      </main>
    </div>
  );
}
