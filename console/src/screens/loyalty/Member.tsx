import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api';
import { ActionError, Form, formatDate, formatDateTime, ShowApi, TableWrap, useAction, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { MemberDetail, Operation } from '../../types';

/** /loyalty/members/:id: balance, lots with their expiry, operations; manual add and redeem with a reason. */
export default function Member() {
  const id = Number(useParams().id);
  const [loaded, reload] = useApiLoad(() => api<MemberDetail>('GET', `/loyalty/members/${id}`), [id]);
  return (
    <section>
      <p>
        <Link to="/loyalty">{t('loyalty.back')}</Link>
      </p>
      <ShowApi loaded={loaded} retry={reload}>
        {(m) => (
          <>
            <h1>{m.name ?? m.email ?? `#${m.guestId}`}</h1>
            <div className="grid-2">
              <div className="card">
                <h2>{t('loyalty.balance')}</h2>
                <p className="big" data-testid="balance">
                  {t('loyalty.pointsValue', { points: m.points })}
                </p>
                <dl className="facts">
                  <dt>{t('loyalty.levelPoints')}</dt>
                  <dd>{m.levelPoints}</dd>
                  <dt>{t('loyalty.level')}</dt>
                  <dd>{m.levelName ?? '—'}</dd>
                  <dt>{t('loyalty.signinEmail')}</dt>
                  <dd>{m.signinEmail ?? '—'}</dd>
                  <dt>{t('loyalty.enrolled')}</dt>
                  <dd>{formatDate(m.enrolledAt)}</dd>
                </dl>
                <Link to={`/guests/${m.guestId}`}>{t('loyalty.guestProfile')}</Link>
              </div>
              <ManualOperation guestId={m.guestId} done={reload} />
            </div>
            <div className="card">
              <h2>{t('loyalty.lots')}</h2>
              {m.lots.length === 0 ? (
                <p className="muted">{t('loyalty.noLots')}</p>
              ) : (
                <TableWrap>
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t('loyalty.earned')}</th>
                        <th scope="col">{t('loyalty.remaining')}</th>
                        <th scope="col">{t('loyalty.expires')}</th>
                        <th scope="col">{t('loyalty.reason')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {m.lots.map((lot) => (
                        <tr key={lot.id}>
                          <td>{formatDate(lot.createdAt)}</td>
                          <td>
                            {lot.remainingPoints} / {lot.points}
                          </td>
                          <td>{formatDate(lot.expiresAt)}</td>
                          <td>{lot.concept ?? '—'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              )}
            </div>
            <div className="card">
              <h2>{t('loyalty.operations', { count: m.operationCount })}</h2>
              <Operations operations={m.operations} />
            </div>
          </>
        )}
      </ShowApi>
    </section>
  );
}

function Operations({ operations }: { operations: Operation[] }) {
  if (operations.length === 0) return <p className="muted">{t('loyalty.noOperations')}</p>;
  return (
    <TableWrap>
      <table aria-label={t('loyalty.operationsTable')}>
        <thead>
          <tr>
            <th scope="col">{t('loyalty.when')}</th>
            <th scope="col">{t('loyalty.kind')}</th>
            <th scope="col">{t('loyalty.points')}</th>
            <th scope="col">{t('loyalty.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {operations.map((o) => (
            <tr key={o.id}>
              <td>{formatDateTime(o.createdAt)}</td>
              <td>{t(`loyalty.kind.${o.kind}` as 'loyalty.kind.earn')}</td>
              <td>{o.points}</td>
              <td>{o.concept ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function ManualOperation({ guestId, done }: { guestId: number; done: () => void }) {
  const [kind, setKind] = useState<'add' | 'redeem'>('add');
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const action = useAction();
  const submit = async () => {
    const made = await action.run(() =>
      api<Operation>('POST', `/loyalty/members/${guestId}/operations`, { kind, points: Number(points), reason: reason.trim() }),
    );
    if (made) {
      setPoints('');
      setReason('');
      done();
    }
  };
  return (
    <div className="card">
      <h2>{t('loyalty.manual')}</h2>
      <Form label={t('loyalty.manual')} onSubmit={() => void submit()}>
        <fieldset>
          <legend>{t('loyalty.operation')}</legend>
          <label className="choice">
            <input type="radio" name="kind" checked={kind === 'add'} onChange={() => setKind('add')} />
            {t('loyalty.add')}
          </label>
          <label className="choice">
            <input type="radio" name="kind" checked={kind === 'redeem'} onChange={() => setKind('redeem')} />
            {t('loyalty.redeem')}
          </label>
        </fieldset>
        <label>
          {t('loyalty.points')}
          <input type="number" min={1} step={1} required value={points} onChange={(e) => setPoints(e.target.value)} />
        </label>
        <label>
          {t('loyalty.reason')}
          <input required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <ActionError error={action.error} />
        <button type="submit" disabled={action.busy}>
          {kind === 'add' ? t('loyalty.addSubmit') : t('loyalty.redeemSubmit')}
        </button>
      </Form>
    </div>
  );
}
