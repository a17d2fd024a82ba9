import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../api';
import { ActionError, Dialog, Form, formatDateTime, guestName, ShowApi, TableWrap, useAction, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { GuestDetail, GuestExport, GuestList, MergeResult, SplitResult } from '../../types';
import { searchGuests } from './search';
import { Timeline } from './Timeline';

/** /guests/:id: contact details, identifiers with their match reasons, merge, split, export, erase, timeline. */
export default function GuestProfile() {
  const id = Number(useParams().id);
  const [loaded, reload] = useApiLoad(() => api<GuestDetail>('GET', `/guests/${id}`), [id]);
  return (
    <section>
      <p>
        <Link to="/guests">{t('guests.back')}</Link>
      </p>
      <ShowApi loaded={loaded} retry={reload}>
        {(guest) => <Profile guest={guest} reload={reload} />}
      </ShowApi>
    </section>
  );
}

function Profile({ guest, reload }: { guest: GuestDetail; reload: () => void }) {
  return (
    <>
      <h1>{guestName(guest)}</h1>
      {guest.requestedId !== guest.id && (
        <p role="status" className="notice">
          {t('guests.mergedInto', { requested: guest.requestedId, id: guest.id })}
        </p>
      )}
      <div className="grid-2">
        <div className="card">
          <h2>{t('guests.contact')}</h2>
          <dl className="facts">
            <dt>{t('guests.firstName')}</dt>
            <dd>{guest.firstName ?? '—'}</dd>
            <dt>{t('guests.lastName')}</dt>
            <dd>{guest.lastName ?? '—'}</dd>
            <dt>{t('guests.email')}</dt>
            <dd>{guest.email ?? '—'}</dd>
            <dt>{t('guests.mobile')}</dt>
            <dd>{guest.mobile ?? '—'}</dd>
            <dt>{t('guests.language')}</dt>
            <dd>{guest.language ?? '—'}</dd>
            <dt>{t('guests.vip')}</dt>
            <dd>{guest.vipStatus ?? '—'}</dd>
          </dl>
        </div>
        <div className="card">
          <h2>{t('guests.actions')}</h2>
          <div className="button-row">
            <MergeButton guest={guest} done={reload} />
            <ExportButton guestId={guest.id} />
            <EraseButton guestId={guest.id} />
          </div>
        </div>
      </div>
      <Identifiers guest={guest} reload={reload} />
      <div className="card">
        <h2>{t('guests.timeline')}</h2>
        <Timeline guestId={guest.id} />
      </div>
    </>
  );
}

function Identifiers({ guest, reload }: { guest: GuestDetail; reload: () => void }) {
  const [splitting, setSplitting] = useState<string | null>(null);
  const action = useAction();
  const navigate = useNavigate();
  const split = async () => {
    const key = splitting;
    if (!key) return;
    const result = await action.run(() => api<SplitResult>('POST', `/guests/${guest.id}/split`, { key }));
    if (!result) return;
    setSplitting(null);
    reload();
    navigate(`/guests/${result.splitOff.id}`);
  };
  return (
    <div className="card">
      <h2>{t('guests.identifiers')}</h2>
      {guest.identifiers.length === 0 ? (
        <p className="muted">{t('guests.noIdentifiers')}</p>
      ) : (
        <ul className="plain">
          {guest.identifiers.map((i) => (
            <li key={`${i.kind}:${i.value}`}>
              <strong>{i.kind === 'email' ? t('guests.email') : t('guests.mobile')}</strong> {i.value} —{' '}
              {i.matches ? t('guests.matches') : t('guests.doesNotMatch', { reason: t(`guests.reason.${i.reason ?? 'blocked'}` as 'guests.reason.blocked') })}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('guests.keys')}</h3>
      {guest.keys.length === 0 ? (
        <p className="muted">{t('guests.noKeys')}</p>
      ) : (
        <TableWrap>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('guests.keySource')}</th>
                <th scope="col">{t('guests.keyValue')}</th>
                <th scope="col">
                  <span className="sr-only">{t('guests.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {guest.keys.map((k) => (
                <tr key={k.key}>
                  <td>{k.source}</td>
                  <td>{k.value}</td>
                  <td>
                    <button type="button" onClick={() => setSplitting(k.key)} aria-label={t('guests.splitKey', { key: k.key })}>
                      {t('guests.split')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <h3>{t('guests.matchReasons')}</h3>
      {guest.matches.length === 0 ? (
        <p className="muted">{t('guests.noMatches')}</p>
      ) : (
        <TableWrap>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('guests.matchRule')}</th>
                <th scope="col">{t('guests.matchSource')}</th>
                <th scope="col">{t('guests.matchIdentifier')}</th>
                <th scope="col">{t('guests.matchReason')}</th>
                <th scope="col">{t('guests.matchCount')}</th>
                <th scope="col">{t('guests.matchLast')}</th>
              </tr>
            </thead>
            <tbody>
              {guest.matches.map((m) => (
                <tr key={`${m.rule}:${m.source}:${m.identifier}:${m.reason}`}>
                  <td>{m.rule}</td>
                  <td>{m.source}</td>
                  <td>{m.identifier}</td>
                  <td>{m.reason ?? '—'}</td>
                  <td>{m.count}</td>
                  <td>{formatDateTime(m.lastAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {guest.merges.length > 0 && (
        <>
          <h3>{t('guests.merges')}</h3>
          <ul className="plain">
            {guest.merges.map((m) => (
              <li key={m.id}>
                {t('guests.mergeLine', { merged: m.mergedId, at: formatDateTime(m.createdAt), actor: m.actor })}
                {m.splitAt ? ` ${t('guests.mergeSplit', { at: formatDateTime(m.splitAt) })}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      <Dialog title={t('guests.splitTitle')} open={splitting !== null} onClose={() => setSplitting(null)}>
        <p>{t('guests.splitExplain', { key: splitting ?? '' })}</p>
        <ActionError error={action.error} />
        <div className="button-row">
          <button type="button" className="primary" disabled={action.busy} onClick={() => void split()}>
            {t('guests.splitConfirm')}
          </button>
          <button type="button" onClick={() => setSplitting(null)}>
            {t('common.cancel')}
          </button>
        </div>
      </Dialog>
    </div>
  );
}

/** Merge: choose the other guest (found by name, e-mail or phone), who merges into this one. */
function MergeButton({ guest, done }: { guest: GuestDetail; done: () => void }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [found, setFound] = useState<GuestList['guests'] | null>(null);
  const [otherId, setOtherId] = useState<number | null>(null);
  const search = useAction();
  const merge = useAction();
  const find = async () => {
    const list = await search.run(() => searchGuests(text));
    if (list) setFound(list.guests.filter((g) => g.id !== guest.id));
    setOtherId(null);
  };
  const confirm = async () => {
    if (otherId === null) return;
    const result = await merge.run(() => api<MergeResult>('POST', '/guests/merge', { survivorId: guest.id, otherId }));
    if (!result) return;
    setOpen(false);
    setFound(null);
    setText('');
    done();
  };
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        {t('guests.merge')}
      </button>
      <Dialog title={t('guests.mergeTitle', { name: guestName(guest) })} open={open} onClose={() => setOpen(false)}>
        <Form label={t('guests.mergeSearch')} onSubmit={() => void find()}>
          <label>
            {t('guests.mergeFind')}
            <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
          </label>
          <button type="submit" disabled={search.busy || !text.trim()}>
            {t('guests.searchButton')}
          </button>
        </Form>
        <ActionError error={search.error} />
        {found && found.length === 0 && <p role="status">{t('guests.none', { q: text })}</p>}
        {found && found.length > 0 && (
          <fieldset>
            <legend>{t('guests.mergeChoose')}</legend>
            {found.map((g) => (
              <label key={g.id} className="choice">
                <input type="radio" name="merge-other" checked={otherId === g.id} onChange={() => setOtherId(g.id)} />
                {guestName(g)} {g.email ? `· ${g.email}` : ''} {g.mobile ? `· ${g.mobile}` : ''} (#{g.id})
              </label>
            ))}
          </fieldset>
        )}
        <p className="muted">{t('guests.mergeExplain')}</p>
        <ActionError error={merge.error} />
        <div className="button-row">
          <button type="button" className="primary" disabled={otherId === null || merge.busy} onClick={() => void confirm()}>
            {t('guests.mergeConfirm')}
          </button>
          <button type="button" onClick={() => setOpen(false)}>
            {t('common.cancel')}
          </button>
        </div>
      </Dialog>
    </>
  );
}

/** Export: the guest's data as a JSON file (GET /guests/{id}/export). */
function ExportButton({ guestId }: { guestId: number }) {
  const action = useAction();
  const run = async () => {
    const data = await action.run(() => api<GuestExport>('GET', `/guests/${guestId}/export`));
    if (data === undefined) return;
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `guest-${guestId}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <>
      <button type="button" disabled={action.busy} onClick={() => void run()}>
        {t('guests.export')}
      </button>
      <ActionError error={action.error} />
    </>
  );
}

/**
 * Erase: after a confirmation (POST /guests/{id}/erase). A loyalty member with points is refused
 * (409 loyalty_balance): the dialog then offers to erase the balance too (force=true).
 */
function EraseButton({ guestId }: { guestId: number }) {
  const [open, setOpen] = useState(false);
  const action = useAction();
  const navigate = useNavigate();
  const erase = async (force: boolean) => {
    const ok = await action.run(async () => {
      await api('POST', `/guests/${guestId}/erase${force ? '?force=true' : ''}`, {});
      return true;
    });
    if (ok) navigate('/guests', { replace: true });
  };
  const balanceLeft = action.error?.status === 409;
  return (
    <>
      <button type="button" className="danger" onClick={() => setOpen(true)}>
        {t('guests.erase')}
      </button>
      <Dialog title={t('guests.eraseTitle')} open={open} onClose={() => setOpen(false)}>
        <p>{t('guests.eraseExplain')}</p>
        <ActionError error={action.error} />
        <div className="button-row">
          <button type="button" className="danger" disabled={action.busy} onClick={() => void erase(balanceLeft)}>
            {balanceLeft ? t('guests.eraseWithBalance') : t('guests.eraseConfirm')}
          </button>
          <button type="button" onClick={() => setOpen(false)}>
            {t('common.cancel')}
          </button>
        </div>
      </Dialog>
    </>
  );
}
