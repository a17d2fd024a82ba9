import { useState } from 'react';
import { api } from '../../api';
import { ActionForm } from '../../components/ActionForm';
import { formatDateTime, ShowApi, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { Retention } from '../../types';

/** The account's retention settings (saved with PATCH /account) and what the last retention pass did. */
export function RetentionCard() {
  const [loaded, reload] = useApiLoad(() => api<Retention>('GET', '/retention'), []);
  return (
    <ShowApi loaded={loaded} retry={reload}>
      {(retention) => <RetentionForm retention={retention} done={reload} />}
    </ShowApi>
  );
}

const asText = (n: number | null) => (n === null ? '' : String(n));
const asSetting = (text: string) => (text.trim() === '' ? null : Number(text));

function RetentionForm({ retention, done }: { retention: Retention; done: () => void }) {
  const [guests, setGuests] = useState(asText(retention.guestRetentionMonths));
  const [chat, setChat] = useState(asText(retention.chatRetentionDays));
  const [deliveries, setDeliveries] = useState(asText(retention.deliveryLogDays));
  const settings = { guestRetentionMonths: asSetting(guests), chatRetentionDays: asSetting(chat), deliveryLogDays: asSetting(deliveries) };
  const last = retention.lastRun;
  return (
    <ActionForm
      title={t('account.retention')}
      submit={t('common.save')}
      saved
      action={() => api('PATCH', '/account', { settings })}
      done={done}
      after={
        <p className="muted" aria-live="polite">
          {retention.lastRunAt === null || last === null
            ? t('account.retentionNeverRun')
            : t('account.retentionLastRun', {
                at: formatDateTime(retention.lastRunAt),
                guests: last.guestsErased,
                kept: last.guestsKept,
                messages: last.chatMessagesDeleted,
                photos: last.photosDeleted,
                answers: last.answerDocumentsForgotten,
                deliveries: last.deliveriesDeleted,
              })}
        </p>
      }
    >
      <p className="muted">{t('account.retentionHelp')}</p>
      <label>
        {t('account.guestRetentionMonths')}
        <input type="number" min={3} max={240} step={1} value={guests} placeholder={t('account.keepForever')} onChange={(e) => setGuests(e.target.value)} />
      </label>
      <label>
        {t('account.chatRetentionDays')}
        <input type="number" min={7} max={3650} step={1} value={chat} placeholder={t('account.keepForever')} onChange={(e) => setChat(e.target.value)} />
      </label>
      <label>
        {t('account.deliveryLogDays')}
        <input type="number" min={1} max={365} step={1} value={deliveries} placeholder="30" onChange={(e) => setDeliveries(e.target.value)} />
      </label>
      <p className="muted">{t('account.retentionAnswers')}</p>
    </ActionForm>
  );
}
