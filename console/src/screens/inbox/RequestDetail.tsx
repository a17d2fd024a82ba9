import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api';
import { Show, useLoad } from '../../components/Async';
import { t } from '../../i18n/i18n';
import { useRealtime } from '../../realtime';
import { useSignedIn } from '../../session';
import type { GuestRequest, InboxItem, LoopTypeList } from '../../types';
import { listEmployees, listLocations, locationName } from './inbox-api';
import { ReplyForm } from './ReplyForm';
import { AssignControl, NotesPanel } from './ThreadSide';
import './inbox.css';

/** /inbox/requests/:id — a guest request: its activities, a reply, internal notes, assignee, close and reopen. */
export function RequestDetail() {
  const id = Number(useParams().id);
  const [round, setRound] = useState(0);
  const [request, reload] = useLoad(() => api<GuestRequest>('GET', `/requests/${id}`), [id]);
  const [context] = useLoad(() => Promise.all([listLocations(), listEmployees(), api<LoopTypeList>('GET', '/loop-types').then((r) => r.loopTypes)]), []);
  useEffect(() => {
    void api('POST', `/requests/${id}/read`, {}).catch(() => undefined);
  }, [id]);
  useRealtime((event) => {
    const thread = event.thread as Pick<InboxItem, 'kind' | 'id'> | undefined;
    if (event.type === 'ready' || (event.type === 'request.updated' && (event.request as GuestRequest).id === id)) reload();
    if (thread?.kind === 'request' && thread.id === id && event.type !== 'inbox.read') setRound((r) => r + 1);
  });
  return (
    <div className="thread">
      <p>
        <Link to="/inbox">{t('inbox.back')}</Link>
      </p>
      <Show loaded={request} retry={reload}>
        {(r) => {
          const [locations, employees, loopTypes] = context.state === 'ready' ? context.data : [[], [], []];
          const type = loopTypes.find((l) => l.id === r.loopTypeId);
          return (
            <div className="thread-grid">
              <section className="thread-main" aria-labelledby="request-title">
                <h1 id="request-title">{r.title ?? r.description ?? t('inbox.request')}</h1>
                <dl className="facts">
                  <dt>{t('inbox.guest')}</dt>
                  <dd>{r.guestId === null ? t('inbox.anonymous') : <Link to={`/guests/${r.guestId}`}>{guestNameOf(r) ?? `#${r.guestId}`}</Link>}</dd>
                  <dt>{t('inbox.location')}</dt>
                  <dd>{locationName(locations.find((l) => l.id === r.locationId))}</dd>
                  <dt>{t('inbox.type')}</dt>
                  <dd>{type ? (type.title.en ?? Object.values(type.title)[0]) : '—'}</dd>
                  <dt>{t('inbox.status')}</dt>
                  <dd>{r.state === 'open' ? t('inbox.open') : t('inbox.closed')}</dd>
                </dl>
                <ol className="activities" aria-label={t('inbox.activities')}>
                  {r.activities.map((a) => (
                    <li key={a.id} className={a.person.kind === 'employee' ? 'from-staff' : 'from-guest'}>
                      <span className="muted">
                        {activityLabel(a.type)} · {a.person.name ?? (a.person.kind === 'employee' ? t('inbox.staff') : t('inbox.guest'))} ·{' '}
                        {new Date(a.occurredAt).toLocaleString()}
                      </span>
                      {typeof (a.data.message ?? a.data.description) === 'string' && <p>{String(a.data.message ?? a.data.description)}</p>}
                    </li>
                  ))}
                </ol>
                <RequestReply id={id} onDone={reload} />
                <StateButton request={r} onDone={reload} />
              </section>
              <aside className="thread-side" aria-label={t('inbox.details')}>
                <AssignControl kind="request" id={id} employees={employees} round={round} />
                <NotesPanel kind="request" id={id} round={round} />
              </aside>
            </div>
          );
        }}
      </Show>
    </div>
  );
}

const guestNameOf = (r: GuestRequest) => r.activities.find((a) => a.person.kind === 'customer' && a.person.name)?.person.name ?? null;

function activityLabel(type: string): string {
  if (type === 'open') return t('inbox.activity.open');
  if (type === 'close') return t('inbox.activity.close');
  if (type === 'reopen') return t('inbox.activity.reopen');
  return t('inbox.activity.message');
}

function RequestReply({ id, onDone }: { id: number; onDone: () => void }) {
  const session = useSignedIn();
  const send = async (text: string) => {
    await api('POST', `/requests/${id}/messages`, { message: text, authorName: session.staff.name ?? session.staff.email });
    onDone();
  };
  return <ReplyForm label={t('inbox.replyLabel')} send={send} />;
}

function StateButton({ request, onDone }: { request: GuestRequest; onDone: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const next = request.state === 'open' ? 'closed' : 'open';
  const change = async () => {
    setError(null);
    try {
      await api('PATCH', `/requests/${request.id}`, { state: next });
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <p>
      <button type="button" onClick={() => void change()}>
        {next === 'closed' ? t('inbox.close') : t('inbox.reopen')}
      </button>
      {error && (
        <span role="alert" className="error">
          {' '}
          {error}
        </span>
      )}
    </p>
  );
}
