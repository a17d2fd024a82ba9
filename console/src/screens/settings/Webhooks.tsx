import { useState } from 'react';
import { api, query } from '../../api';
import { ActionError, ConfirmButton, Form, formatDateTime, ShowApi, ShownOnce, TableWrap, useAction, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { CreatedWebhook, Delivery, DeliveryDetail, DeliveryList, Webhook, WebhookList } from '../../types';

/** /settings/webhooks: subscriptions, their delivery log with each attempt, and replay. */
export default function Webhooks() {
  const [loaded, reload] = useApiLoad(() => api<WebhookList>('GET', '/webhooks'), []);
  const [openId, setOpenId] = useState<number | null>(null);
  return (
    <div>
      <h2>{t('settings.webhooks')}</h2>
      <ShowApi loaded={loaded} retry={reload}>
        {({ webhooks }) =>
          webhooks.length === 0 ? (
            <p className="muted">{t('common.none')}</p>
          ) : (
            <ul className="plain">
              {webhooks.map((w) => (
                <li key={w.id} className="card">
                  <h3 className="break">{w.url}</h3>
                  <p>
                    {t('webhooks.events', { events: w.events.join(', ') })} · {w.enabled ? t('rules.enabled') : t('rules.disabled')}
                    {w.disabledReason ? ` (${w.disabledReason})` : ''}
                  </p>
                  {w.description && <p className="muted">{w.description}</p>}
                  <WebhookButtons webhook={w} done={reload} open={openId === w.id} toggle={() => setOpenId(openId === w.id ? null : w.id)} />
                  {openId === w.id && <Deliveries webhookId={w.id} />}
                </li>
              ))}
            </ul>
          )
        }
      </ShowApi>
      <NewWebhook done={reload} />
    </div>
  );
}

function WebhookButtons({ webhook, done, open, toggle }: { webhook: Webhook; done: () => void; open: boolean; toggle: () => void }) {
  const action = useAction();
  return (
    <>
      <div className="button-row">
        <button type="button" aria-expanded={open} onClick={toggle}>
          {t('webhooks.log')}
        </button>
        <button type="button" disabled={action.busy} onClick={() => void action.run(() => api('POST', `/webhooks/${webhook.id}/test`)).then(done)}>
          {t('webhooks.test')}
        </button>
        <button
          type="button"
          disabled={action.busy}
          onClick={() => void action.run(() => api('POST', `/webhooks/${webhook.id}/${webhook.enabled ? 'disable' : 'enable'}`)).then(done)}
        >
          {webhook.enabled ? t('rules.disable') : t('rules.enable')}
        </button>
        <ConfirmButton
          text={t('common.delete')}
          label={t('common.deleteNamed', { name: webhook.url })}
          question={t('common.deleteQuestion', { name: webhook.url })}
          confirm={t('common.delete')}
          action={() => api('DELETE', `/webhooks/${webhook.id}`)}
          done={done}
        />
      </div>
      <ActionError error={action.error} />
    </>
  );
}

function Deliveries({ webhookId }: { webhookId: number }) {
  const [loaded, reload] = useApiLoad(
    async () => (await api<DeliveryList>('GET', `/deliveries${query({ limit: 500 })}`)).deliveries.filter((d) => d.webhookId === webhookId),
    [webhookId],
  );
  const [openId, setOpenId] = useState<number | null>(null);
  return (
    <section aria-label={t('webhooks.log')}>
      <h4>{t('webhooks.log')}</h4>
      <button type="button" onClick={reload}>
        {t('dash.refresh')}
      </button>
      <ShowApi loaded={loaded} retry={reload}>
        {(deliveries) =>
          deliveries.length === 0 ? (
            <p className="muted">{t('webhooks.noDeliveries')}</p>
          ) : (
            <TableWrap>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('webhooks.event')}</th>
                    <th scope="col">{t('webhooks.status')}</th>
                    <th scope="col">{t('webhooks.attempts')}</th>
                    <th scope="col">{t('webhooks.created')}</th>
                    <th scope="col">
                      <span className="sr-only">{t('common.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {deliveries.map((d) => (
                    <DeliveryRow key={d.id} delivery={d} open={openId === d.id} toggle={() => setOpenId(openId === d.id ? null : d.id)} done={reload} />
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )
        }
      </ShowApi>
    </section>
  );
}

function DeliveryRow({ delivery, open, toggle, done }: { delivery: Delivery; open: boolean; toggle: () => void; done: () => void }) {
  const replay = useAction();
  const canReplay = delivery.status === 'dead' || delivery.status === 'delivered';
  return (
    <>
      <tr>
        <td>{delivery.eventType}</td>
        <td>
          <span className={`tag status-${delivery.status}`}>{delivery.status}</span>
          {delivery.lastError && <span className="muted"> {delivery.lastError}</span>}
        </td>
        <td>{delivery.attempts}</td>
        <td>{formatDateTime(delivery.createdAt)}</td>
        <td className="button-row">
          <button type="button" aria-expanded={open} onClick={toggle} aria-label={t('webhooks.attemptsOf', { id: delivery.id })}>
            {t('webhooks.showAttempts')}
          </button>
          {canReplay && (
            <button
              type="button"
              disabled={replay.busy}
              aria-label={t('webhooks.replayOf', { id: delivery.id })}
              onClick={() => void replay.run(() => api<Delivery>('POST', `/deliveries/${delivery.id}/replay`)).then((d) => d && done())}
            >
              {t('webhooks.replay')}
            </button>
          )}
          <ActionError error={replay.error} />
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={5}>
            <AttemptLog id={delivery.id} />
          </td>
        </tr>
      )}
    </>
  );
}

function AttemptLog({ id }: { id: number }) {
  const [loaded, reload] = useApiLoad(() => api<DeliveryDetail>('GET', `/deliveries/${id}`), [id]);
  return (
    <ShowApi loaded={loaded} retry={reload}>
      {(d) =>
        d.attemptLog.length === 0 ? (
          <p className="muted">{t('webhooks.noAttempts')}</p>
        ) : (
          <ol className="plain">
            {d.attemptLog.map((a) => (
              <li key={a.id}>
                {t('webhooks.attemptLine', {
                  at: formatDateTime(a.attemptedAt),
                  outcome: a.outcome,
                  status: a.statusCode ?? '—',
                  ms: a.latencyMs,
                })}
                {a.error && <span className="error"> {a.error}</span>}
              </li>
            ))}
          </ol>
        )
      }
    </ShowApi>
  );
}

function NewWebhook({ done }: { done: () => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState('*');
  const [description, setDescription] = useState('');
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const action = useAction();
  const create = async () => {
    const made = await action.run(() =>
      api<CreatedWebhook>('POST', '/webhooks', { url, events: events.split(/[\s,]+/).filter(Boolean), ...(description ? { description } : {}) }),
    );
    if (made) {
      setCreated(made);
      setUrl('');
      done();
    }
  };
  return (
    <Form label={t('webhooks.new')} className="card" onSubmit={() => void create()}>
      <h3>{t('webhooks.new')}</h3>
      <label>
        {t('webhooks.url')}
        <input type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />
      </label>
      <label>
        {t('webhooks.eventsInput')}
        <input required value={events} onChange={(e) => setEvents(e.target.value)} />
      </label>
      <label>
        {t('webhooks.description')}
        <input value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <ActionError error={action.error} />
      <button type="submit" disabled={action.busy}>
        {t('webhooks.create')}
      </button>
      {created && <ShownOnce label={t('webhooks.secret')} value={created.secret} />}
    </Form>
  );
}
