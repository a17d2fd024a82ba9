import { announceCacheChange } from '../../db/cache-notices.js';
import type { Db } from '../../db/database.js';
import { accountSettings, getAccount, updateAccountSettings, type AccountSettings } from '../accounts/accounts.js';
import { FEEDBACK_TRIGGER } from '../shared/trigger-variables.js';
import type { OpenRequestAction } from './rule-actions.js';
import { FOLLOW_UP_BUILTIN } from './rules.js';

/*
 * The default rules of every account. One today: a survey response opens a request for staff to
 * follow up (what the Loop face's responses route did in code). It is created with the account
 * (and by the 2026-12-07T06-00-rule-actions migration for older ones), enabled as the account
 * setting responsesCreateLoops says; that setting and the rule's enabled flag are one switch
 * (either side changes both). Its action may be changed like any rule's; it cannot be deleted.
 */

const FOLLOW_UP_NAME = 'Survey response follow-up';
const FOLLOW_UP_ACTION: OpenRequestAction = { type: 'open_request', loopType: null, title: 'Survey response', timing: { type: 'immediate' } };

/** Creates the account's default rules it lacks (the follow-up rule enabled as its setting says). */
export async function ensureDefaultRules(db: Db, accountId: number, now = Date.now()): Promise<void> {
  const on = accountSettings(await getAccount(db, accountId)).responsesCreateLoops === true;
  await ensureFollowUpRule(db, accountId, on, now);
}

async function ensureFollowUpRule(db: Db, accountId: number, enabled: boolean, now: number): Promise<void> {
  const existing = await db
    .selectFrom('journey_rules')
    .select('id')
    .where('account_id', '=', accountId)
    .where('builtin', '=', FOLLOW_UP_BUILTIN)
    .executeTakeFirst();
  if (existing) return;
  const taken = await db.selectFrom('journey_rules').select('id').where('account_id', '=', accountId).where('name', '=', FOLLOW_UP_NAME).executeTakeFirst();
  await db
    .insertInto('journey_rules')
    .values({
      account_id: accountId,
      name: taken ? `${FOLLOW_UP_NAME} (default)` : FOLLOW_UP_NAME,
      trigger: FEEDBACK_TRIGGER,
      conditions: JSON.stringify({ all: [] }),
      action: JSON.stringify(FOLLOW_UP_ACTION),
      enabled: enabled ? 1 : 0,
      builtin: FOLLOW_UP_BUILTIN,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['account_id', 'builtin']).doNothing())
    .execute();
  await announceCacheChange(db, { topic: 'journey-rules', accountId });
}

/**
 * Changes the account's settings (accounts.updateAccountSettings) and, when responsesCreateLoops
 * is among them, enables or disables the follow-up rule to match (creating it if the account
 * lacks it). Every boundary that changes settings calls this.
 */
export async function updateSettingsAndRules(
  db: Db,
  accountId: number,
  changes: Partial<Record<keyof AccountSettings, unknown>>,
  now = Date.now(),
): Promise<AccountSettings> {
  const settings = await updateAccountSettings(db, accountId, changes);
  if ('responsesCreateLoops' in changes) {
    const on = settings.responsesCreateLoops === true;
    await ensureFollowUpRule(db, accountId, on, now);
    await db
      .updateTable('journey_rules')
      .set({ enabled: on ? 1 : 0, updated_at: now })
      .where('account_id', '=', accountId)
      .where('builtin', '=', FOLLOW_UP_BUILTIN)
      .execute();
    await announceCacheChange(db, { topic: 'journey-rules', accountId });
  }
  return settings;
}
