import type { Db } from '../../db/database.js';
import { badRequest } from '../shared/errors.js';
import { isLocalTime, type QuietHours } from './timing.js';
import { messagingChanged } from './account-cache.js';

/*
 * An account's messaging settings: its quiet hours (local time of each location), during which no
 * rule message leaves; one due then waits for their end. None by default.
 */

export interface MessagingSettings {
  quietHours: QuietHours | null;
}

export async function getMessagingSettings(db: Db, accountId: number): Promise<MessagingSettings> {
  const row = await db.selectFrom('messaging_settings').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  return { quietHours: row?.quiet_start && row.quiet_end ? { start: row.quiet_start, end: row.quiet_end } : null };
}

/** Sets (or, with null, removes) the account's quiet hours; bad times are a 400. */
export async function setQuietHours(db: Db, accountId: number, quiet: QuietHours | null, now = Date.now()): Promise<MessagingSettings> {
  if (quiet && (!isLocalTime(quiet.start) || !isLocalTime(quiet.end))) throw badRequest('quietHours.start and quietHours.end must be local times HH:MM (24 h)');
  if (quiet && quiet.start === quiet.end) throw badRequest('quietHours.start and quietHours.end must differ (null: no quiet hours)');
  const values = { quiet_start: quiet?.start ?? null, quiet_end: quiet?.end ?? null, updated_at: now };
  await db
    .insertInto('messaging_settings')
    .values({ account_id: accountId, ...values })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
    .execute();
  await messagingChanged(db, accountId);
  return getMessagingSettings(db, accountId);
}
