import { announceCacheChange, onCacheNotice } from '../../db/cache-notices.js';
import type { Db } from '../../db/database.js';
import type { MessageTemplate } from '../../db/schema.js';
import type { QuietHours } from './timing.js';

/*
 * What every rule firing reads of an account's messaging, cached per process: its templates,
 * its quiet hours and its e-mail sender. Dropped on every change (here, or on PostgreSQL by any instance) and read
 * again after CACHE_TTL_MS at most, so a journey event that fires rules pays no query for them.
 */

const CACHE_TTL_MS = 5_000;

export interface AccountMessaging {
  /** by `${name}\0${channel}\0${language}` */
  templates: Map<string, MessageTemplate>;
  quietHours: QuietHours | null;
  /** the account's From and Reply-To of guest e-mails (null: MAIL_FROM, none) */
  mailFrom: string | null;
  replyTo: string | null;
  /** whether the account has suppressed any address: without one, queueing skips the check (a round trip) */
  hasSuppressions: boolean;
}

const cache = new Map<number, { at: number; value: AccountMessaging }>();
onCacheNotice('messaging', (accountId) => (accountId === undefined ? cache.clear() : cache.delete(accountId)));

export const templateKey = (name: string, channel: string, language: string) => `${name}\u0000${channel}\u0000${language}`;

/** The account's templates and quiet hours (cached). */
export async function accountMessaging(db: Db, accountId: number, now = Date.now()): Promise<AccountMessaging> {
  const entry = cache.get(accountId);
  if (entry && now - entry.at <= CACHE_TTL_MS) return entry.value;
  const [templates, settings, suppression] = await Promise.all([
    db.selectFrom('message_templates').selectAll().where('account_id', '=', accountId).execute(),
    db.selectFrom('messaging_settings').selectAll().where('account_id', '=', accountId).executeTakeFirst(),
    db.selectFrom('message_suppressions').select('address').where('account_id', '=', accountId).limit(1).executeTakeFirst(),
  ]);
  const value: AccountMessaging = {
    templates: new Map(templates.map((t) => [templateKey(t.name, t.channel, t.language), t])),
    quietHours: settings?.quiet_start && settings.quiet_end ? { start: settings.quiet_start, end: settings.quiet_end } : null,
    mailFrom: settings?.mail_from ?? null,
    replyTo: settings?.reply_to ?? null,
    hasSuppressions: suppression !== undefined,
  };
  if (cache.size > 10_000) cache.clear();
  cache.set(accountId, { at: now, value });
  return value;
}

/** Drops the account's cached messaging in every process (after a template or setting changed). */
export function messagingChanged(db: Db, accountId: number): Promise<void> {
  return announceCacheChange(db, { topic: 'messaging', accountId });
}
