import type { Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Rule actions (issue 12): journey_rules.builtin names a default rule every account has
// ('survey-follow-up': a survey response opens a request for staff, what the Loop face's
// responses route did in code), created here for the existing accounts, enabled when the
// account's setting responsesCreateLoops was on. messaging_settings gains the account's own From
// and Reply-To of guest e-mails (null: MAIL_FROM, no Reply-To).

type AnyDb = Kysely<any>;

const FOLLOW_UP = {
  name: 'Survey response follow-up',
  trigger: 'feedback.received',
  conditions: JSON.stringify({ all: [] }),
  action: JSON.stringify({ type: 'open_request', loopType: null, title: 'Survey response', timing: { type: 'immediate' } }),
};

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('journey_rules').addColumn('builtin', 'text').execute();
  await db.schema.createIndex('journey_rules_account_builtin').unique().on('journey_rules').columns(['account_id', 'builtin']).execute();
  await db.schema.alterTable('messaging_settings').addColumn('mail_from', 'text').execute();
  await db.schema.alterTable('messaging_settings').addColumn('reply_to', 'text').execute();
  const accounts: Array<{ id: number; settings: string }> = await db.selectFrom('accounts').select(['id', 'settings']).execute();
  const now = Date.now();
  for (const account of accounts) {
    let on = false;
    try {
      on = (JSON.parse(account.settings) as { responsesCreateLoops?: unknown }).responsesCreateLoops === true;
    } catch {
      on = false;
    }
    // An account that already named a rule so keeps it; its follow-up rule gets a distinct name.
    const taken = await db.selectFrom('journey_rules').select('id').where('account_id', '=', account.id).where('name', '=', FOLLOW_UP.name).executeTakeFirst();
    await db
      .insertInto('journey_rules')
      .values({
        ...FOLLOW_UP,
        name: taken ? `${FOLLOW_UP.name} (default)` : FOLLOW_UP.name,
        account_id: account.id,
        builtin: 'survey-follow-up',
        enabled: on ? 1 : 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
}

export async function down(db: AnyDb): Promise<void> {
  await db.deleteFrom('journey_rules').where('builtin', 'is not', null).execute();
  await db.schema.dropIndex('journey_rules_account_builtin').ifExists().execute();
  await db.schema.alterTable('journey_rules').dropColumn('builtin').execute();
  await db.schema.alterTable('messaging_settings').dropColumn('reply_to').execute();
  await db.schema.alterTable('messaging_settings').dropColumn('mail_from').execute();
}
