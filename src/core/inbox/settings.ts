import type { Db } from '../../db/database.js';
import { badRequest } from '../shared/errors.js';

/** When the inbox alerts of an unanswered guest leave, in minutes after the guest's first unanswered message. */
export interface InboxSettings {
  /** the assignee, else the on-duty staff, are told (default 10) */
  firstNotifyMinutes: number;
  /** the managers are told (default 30); later than the first notice */
  escalateMinutes: number;
}

export const DEFAULT_INBOX_SETTINGS: InboxSettings = { firstNotifyMinutes: 10, escalateMinutes: 30 };
const MAX_MINUTES = 7 * 24 * 60;

/**
 * The account's first-notice delay as a subquery, for a statement that needs it in its own round
 * trip (threads.ts guestWaiting); it yields null when the account keeps the defaults.
 */
export function firstNotifyMinutesSubquery(db: Db, accountId: number) {
  return db.selectFrom('inbox_settings').select('first_notify_minutes').where('inbox_settings.account_id', '=', accountId);
}

export async function getInboxSettings(db: Db, accountId: number): Promise<InboxSettings> {
  const row = await db.selectFrom('inbox_settings').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  return row ? { firstNotifyMinutes: row.first_notify_minutes, escalateMinutes: row.escalate_minutes } : { ...DEFAULT_INBOX_SETTINGS };
}

/** Changes the delays (what is not given stays); they apply to guests who start waiting from now on. */
export async function setInboxSettings(db: Db, accountId: number, change: Partial<InboxSettings>, now = Date.now()): Promise<InboxSettings> {
  const next = { ...(await getInboxSettings(db, accountId)), ...change };
  for (const [key, value] of Object.entries(next)) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_MINUTES) throw badRequest(`${key} must be a whole number of minutes from 1 to ${MAX_MINUTES}`);
  }
  if (next.escalateMinutes <= next.firstNotifyMinutes) throw badRequest('escalateMinutes must be more than firstNotifyMinutes');
  const values = { first_notify_minutes: next.firstNotifyMinutes, escalate_minutes: next.escalateMinutes, updated_at: now };
  await db
    .insertInto('inbox_settings')
    .values({ account_id: accountId, ...values })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
    .execute();
  return next;
}
