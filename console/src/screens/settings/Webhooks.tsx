import { useState } from 'react';
import { api, query } from '../../api';
import { ActionForm } from '../../components/ActionForm';
import { CardList, ItemTable, ShowList } from '../../components/Lists';
import { ActionButton, ConfirmButton, formatDateTime, ShownOnce, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { CreatedWebhook, Delivery, DeliveryDetail, DeliveryList, Webhook, WebhookList } from '../../types';

/** /settings/webhooks: subscriptions, their delivery log with each attempt, and replay. */
export default function Webhooks() {
  const [loaded, reload] = useApiLoad(() => api<WebhookList>('GET', '/webhooks'), []);
  const [openId, setOpenId] = useState<number | null>(null);
  return (
    <div>
      <h2>{t('settings.webhooks')}</h2>
      <ShowList loaded={loaded} retry={reload} items={(d) => d.webhooks}>
        {(webhooks) => (
          <CardList items={webhooks} itemKey={(w) => w.id}>
            {(w) => (
              <>
                <h3 className="break">{w.url}</h3>
                <p>
                  {t('webhooks.events', { events: w.events.join(', ') })} · {w.enabled ? t('rules.enabled') : t('rules.disabled')}
                  {w.disabledReason ? ` (${w.disabledReason})` : ''}
                </p>
                {w.description && <p className="muted">{w.description}</p>}
                <WebhookButtons webhook={w} done={reload} open={openId === w.id} toggle={() => setOpenId(openId === w.id ? null : w.id)} />
                {openId === w.id && <Deliveries webhookId={w.id} />}
              </>
            )}
          </CardList>
        )}
      </ShowList>
      <NewWebhook done={reload} />
    </div>
  );
}

function WebhookButtons({ webhook, done, open, toggle }: { webhook: Webhook; done: () => void; open: boolean; toggle: () => void }) {
  return (
    <div className="button-row">
      <button type="button" aria-expanded={open} onClick={toggle}>
        {t('webhooks.log')}
      </button>
      <ActionButton text={t('webhooks.test')} action={() => api('POST', `/webhooks/${webhook.id}/test`)} done={done} />
      <ActionButton
        text={webhook.enabled ? t('rules.disable') : t('rules.enable')}
        action={() => api('POST', `/webhooks/${webhook.id}/${webhook.enabled ? 'disable' : 'enable'}`)}
        done={done}
      />
      <ConfirmButton
        text={t('common.delete')}
        label={t('common.deleteNamed', { name: webhook.url })}
        question={t('common.deleteQuestion', { name: webhook.url })}
        action={() => api('DELETE', `/webhooks/${webhook.id}`)}
        done={done}
      />
    </div>
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
      <ShowList loaded={loaded} retry={reload} items={(deliveries) => deliveries} empty={t('webhooks.noDeliveries')}>
        {(deliveries) => (
          <ItemTable
            items={deliveries}
            rowKey={(d) => d.id}
            columns={[
              { label: t('webhooks.event'), cell: (d) => d.eventType },
              {
                label: t('webhooks.status'),
                cell: (d) => (
                  <>
                    <span className={`tag status-${d.status}`}>{d.status}</span>
                    {d.lastError && <span className="muted"> {d.lastError}</span>}
                  </>
                ),
              },
              { label: t('webhooks.attempts'), cell: (d) => d.attempts },
              { label: t('webhooks.created'), cell: (d) => formatDateTime(d.createdAt) },
            ]}
            actions={(d) => (
              <>
                <button
                  type="button"
                  aria-expanded={openId === d.id}
                  onClick={() => setOpenId(openId === d.id ? null : d.id)}
                  aria-label={t('webhooks.attemptsOf', { id: d.id })}
                >
                  {t('webhooks.showAttempts')}
                </button>
                {(d.status === 'dead' || d.status === 'delivered') && (
                  <ActionButton
                    text={t('webhooks.replay')}
                    label={t('webhooks.replayOf', { id: d.id })}
                    action={() => api<Delivery>('POST', `/deliveries/${d.id}/replay`)}
                    done={reload}
                  />
                )}
              </>
            )}
            detail={(d) => openId === d.id && <AttemptLog id={d.id} />}
          />
        )}
      </ShowList>
    </section>
  );
}

function AttemptLog({ id }: { id: number }) {
  const [loaded, reload] = useApiLoad(() => api<DeliveryDetail>('GET', `/deliveries/${id}`), [id]);
  return (
    <ShowList loaded={loaded} retry={reload} items={(d) => d.attemptLog} empty={t('webhooks.noAttempts')}>
      {(attempts) => (
        <ol className="plain">
          {attempts.map((a) => (
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
      )}
    </ShowList>
  );
}

function NewWebhook({ done }: { done: () => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState('*');
  const [description, setDescription] = useState('');
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  return (
    <ActionForm
      title={t('webhooks.new')}
      submit={t('webhooks.create')}
      action={() => api<CreatedWebhook>('POST', '/webhooks', { url, events: events.split(/[\s,]+/).filter(Boolean), ...(description ? { description } : {}) })}
      done={(made) => {
        setCreated(made);
        setUrl('');
        done();
      }}
      after={created && <ShownOnce label={t('webhooks.secret')} value={created.secret} />}
    >
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
    </ActionForm>
  );
}
