import type { Db } from '../../db/database.js';
import { badRequest } from '../shared/errors.js';
import { isLocalTime, type QuietHours } from './timing.js';
import { messagingChanged } from './account-cache.js';
import { readSenderAddress } from './sender.js';

/*
 * An account's messaging settings: its quiet hours (local time of each location), during which no
 * rule message leaves (one due then waits for their end), and the From and Reply-To of its guest
 * e-mails (sender.ts). None by default.
 */

export interface MessagingSettings {
  quietHours: QuietHours | null;
  /** the From of the account's guest e-mails; null: MAIL_FROM */
  from: string | null;
  /** the Reply-To of the account's guest e-mails; null: none */
  replyTo: string | null;
}

export async function getMessagingSettings(db: Db, accountId: number): Promise<MessagingSettings> {
  const row = await db.selectFrom('messaging_settings').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  return {
    quietHours: row?.quiet_start && row.quiet_end ? { start: row.quiet_start, end: row.quiet_end } : null,
    from: row?.mail_from ?? null,
    replyTo: row?.reply_to ?? null,
  };
}

export interface MessagingSettingsPatch {
  quietHours?: QuietHours | null;
  from?: string | null;
  replyTo?: string | null;
}

/** Changes the settings given (null removes one, absent keeps it); bad values are a 400 that changes nothing. */
export async function updateMessagingSettings(db: Db, accountId: number, patch: MessagingSettingsPatch, now = Date.now()): Promise<MessagingSettings> {
  const values: { quiet_start?: string | null; quiet_end?: string | null; mail_from?: string | null; reply_to?: string | null; updated_at: number } = {
    updated_at: now,
  };
  if (patch.quietHours !== undefined) {
    const quiet = patch.quietHours;
    if (quiet && (!isLocalTime(quiet.start) || !isLocalTime(quiet.end)))
      throw badRequest('quietHours.start and quietHours.end must be local times HH:MM (24 h)');
    if (quiet && quiet.start === quiet.end) throw badRequest('quietHours.start and quietHours.end must differ (null: no quiet hours)');
    values.quiet_start = quiet?.start ?? null;
    values.quiet_end = quiet?.end ?? null;
  }
  if (patch.from !== undefined) values.mail_from = readSenderAddress('from', patch.from);
  if (patch.replyTo !== undefined) values.reply_to = readSenderAddress('replyTo', patch.replyTo);
  await db
    .insertInto('messaging_settings')
    .values({ account_id: accountId, ...values })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
    .execute();
  await messagingChanged(db, accountId);
  return getMessagingSettings(db, accountId);
}

/** Sets (or, with null, removes) the account's quiet hours; bad times are a 400. */
export async function setQuietHours(db: Db, accountId: number, quiet: QuietHours | null, now = Date.now()): Promise<MessagingSettings> {
  return updateMessagingSettings(db, accountId, { quietHours: quiet }, now);
}
