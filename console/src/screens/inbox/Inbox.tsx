import { type KeyboardEvent, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Show, useLoad } from '../../components/Async';
import { t } from '../../i18n/i18n';
import { useRealtime } from '../../realtime';
import { useSignedIn } from '../../session';
import type { Employee, InboxItem, Location } from '../../types';
import { employeeName, listEmployees, listInbox, listLocations, locationName } from './inbox-api';
import './inbox.css';

// 'ready': the socket (re)connected, and what changed before it did is read again
const LIVE_TYPES = new Set(['ready', 'request.opened', 'request.updated', 'chat.message', 'chat.message.updated', 'inbox.assigned', 'inbox.read']);

/** /inbox: open requests and chats, newest activity first, live, with unread badges and filters. */
export function Inbox() {
  const session = useSignedIn();
  const [locationId, setLocationId] = useState('');
  const [status, setStatus] = useState('open');
  const [mine, setMine] = useState(false);
  const [unread, setUnread] = useState(false);
  const filter = { locationId: locationId ? Number(locationId) : undefined, status, assignee: mine ? session.staff.id : undefined, unread };
  const [items, reload] = useLoad(() => listInbox(filter), [locationId, status, mine, unread]);
  const [people] = useLoad(() => Promise.all([listLocations(), listEmployees()]), []);
  useRealtime((event) => {
    if (LIVE_TYPES.has(event.type)) reload();
  });
  const [locations, employees] = people.state === 'ready' ? people.data : [[] as Location[], [] as Employee[]];

  return (
    <div className="inbox">
      <h1>{t('inbox.title')}</h1>
      <form className="inbox-filters" aria-label={t('inbox.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('inbox.location')}
          <select value={locationId} onChange={(e) => setLocationId(e.target.value)}>
            <option value="">{t('inbox.allLocations')}</option>
            {locations.map((l) => (
              <option key={l.id} value={l.id}>
                {locationName(l)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('inbox.status')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="open">{t('inbox.open')}</option>
            <option value="closed">{t('inbox.closed')}</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} />
          {t('inbox.assignedToMe')}
        </label>
        <label className="check">
          <input type="checkbox" checked={unread} onChange={(e) => setUnread(e.target.checked)} />
          {t('inbox.unreadOnly')}
        </label>
      </form>
      <Show loaded={items} retry={reload}>
        {(data) => <InboxList items={data} locations={locations} employees={employees} />}
      </Show>
    </div>
  );
}

function InboxList({ items, locations, employees }: { items: InboxItem[]; locations: Location[]; employees: Employee[] }) {
  const list = useRef<HTMLUListElement>(null);
  const byLocation = useMemo(() => new Map(locations.map((l) => [l.id, l])), [locations]);
  const byEmployee = useMemo(() => new Map(employees.map((e) => [e.id, e])), [employees]);
  if (items.length === 0) return <p className="muted">{t('inbox.empty')}</p>;
  // Arrow keys move between conversations; Tab and Enter work as on any link.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const links = [...(list.current?.querySelectorAll<HTMLAnchorElement>('a.inbox-item') ?? [])];
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = links[Math.max(0, Math.min(links.length - 1, at + (event.key === 'ArrowDown' ? 1 : -1)))];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  };
  return (
    <ul className="inbox-list" ref={list} onKeyDown={onKeyDown} aria-label={t('inbox.conversations')}>
      {items.map((item) => {
        const assignee = item.assigneeId === null ? undefined : byEmployee.get(item.assigneeId);
        const who = item.guestName ?? t('inbox.anonymous');
        const kind = item.kind === 'request' ? t('inbox.request') : t('inbox.chat');
        return (
          <li key={`${item.kind}-${item.id}`}>
            <Link
              className={item.unread ? 'inbox-item unread' : 'inbox-item'}
              to={item.kind === 'request' ? `/inbox/requests/${item.id}` : `/inbox/chats/${item.id}`}
            >
              <span className="inbox-line">
                <span className={`kind kind-${item.kind}`}>{kind}</span>
                <strong>{who}</strong>
                {item.unread && (
                  <span className="badge" role="status" aria-label={t('inbox.unreadCount', { count: item.unreadCount })}>
                    {item.unreadCount > 0 ? item.unreadCount : '•'}
                  </span>
                )}
                <time dateTime={new Date(item.lastActivityAt).toISOString()} className="muted">
                  {new Date(item.lastActivityAt).toLocaleString()}
                </time>
              </span>
              {item.title && <span className="inbox-title">{item.title}</span>}
              {item.preview && item.preview !== item.title && <span className="inbox-preview muted">{item.preview}</span>}
              <span className="muted inbox-meta">
                {locationName(byLocation.get(item.locationId))}
                {assignee ? ` · ${t('inbox.assignedTo', { name: employeeName(assignee) })}` : ''}
                {item.awaitingSince !== null ? ` · ${t('inbox.waiting')}` : ''}
              </span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
