import { accountSettings, getAccount } from '../../../core/accounts/accounts.js';
import { updateSettingsAndRules } from '../../../core/journeys/default-rules.js';
import { renameAccount } from '../../../core/accounts/rename-account.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { presentAccount } from '../presenters.js';
import { Type } from '@sinclair/typebox';
import { findRetentionRun, retentionRunDueNow } from '../../../core/retention/retention-runs.js';
import { AccountPatch, AccountSchema, errors, Instant, Nullable } from '../schemas.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';

/** The account the token belongs to: its name and its settings. */
export async function accountRoutes(app: AdminApp, { db }: AdminDeps): Promise<void> {
  app.get('/account', { schema: { tags: ['account'], summary: 'Get the account', response: { 200: AccountSchema, ...errors() } } }, async (request) => {
    const account = await getAccount(db, request.accountId);
    return presentAccount(account, accountSettings(account));
  });

  app.patch(
    '/account',
    {
      schema: {
        tags: ['account'],
        summary: 'Rename the account or change its settings',
        description: 'Settings are merged: keys not sent keep their value, null removes a key. Unknown settings are refused.',
        body: AccountPatch,
        response: { 200: AccountSchema, ...errors(400, 413) },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const { name, settings } = request.body;
      return inWriteTransaction(db, async (trx) => {
        if (name !== undefined) await renameAccount(trx, accountId, name);
        if (settings && Object.keys(settings).length) await updateSettingsAndRules(trx, accountId, settings);
        // New retention settings apply at the next housekeeping, not an hour later.
        if (settings && RETENTION_KEYS.some((key) => key in settings)) await retentionRunDueNow(trx, accountId, Date.now());
        const account = await getAccount(trx, accountId);
        return presentAccount(account, accountSettings(account));
      });
    },
  );

  app.get(
    '/retention',
    {
      schema: {
        tags: ['account'],
        summary: "The account's retention settings and what the last retention pass did",
        description:
          'Retention is set with PATCH /account (settings guestRetentionMonths, chatRetentionDays, deliveryLogDays). A pass runs at most hourly ' +
          "on a worker: it erases inactive guests, deletes old chat history and finished deliveries, and forgets the personal data of answer documents given 'thirtyDays' after 30 days.",
        response: { 200: RetentionSchema, ...errors() },
      },
    },
    async (request) => {
      const settings = accountSettings(await getAccount(db, request.accountId));
      const run = await findRetentionRun(db, request.accountId);
      return {
        guestRetentionMonths: settings.guestRetentionMonths ?? null,
        chatRetentionDays: settings.chatRetentionDays ?? null,
        deliveryLogDays: settings.deliveryLogDays ?? null,
        nextRunAt: run?.dueAt ?? null,
        lastRunAt: run?.lastRunAt ?? null,
        lastRun: run?.lastSummary ?? null,
      };
    },
  );
}

const RETENTION_KEYS = ['guestRetentionMonths', 'chatRetentionDays', 'deliveryLogDays'] as const;

export const RetentionSchema = Type.Object({
  guestRetentionMonths: Nullable(Type.Integer({ description: 'a guest with no activity for this many months is erased; null: kept' })),
  chatRetentionDays: Nullable(Type.Integer({ description: 'chat messages and photos older than this many days are deleted; null: kept' })),
  deliveryLogDays: Nullable(Type.Integer({ description: 'finished deliveries are kept this many days; null: 30' })),
  nextRunAt: Nullable(Instant),
  lastRunAt: Nullable(Instant),
  lastRun: Nullable(
    Type.Object({
      guestsErased: Type.Integer(),
      guestsKept: Type.Integer({ description: 'inactive guests kept because they are loyalty members with a balance' }),
      chatMessagesDeleted: Type.Integer(),
      photosDeleted: Type.Integer(),
      answerDocumentsForgotten: Type.Integer({ description: "answer documents given 'thirtyDays' whose personal data was forgotten" }),
      deliveriesDeleted: Type.Integer(),
      complete: Type.Boolean({ description: 'false: there was more to do; the next pass continues' }),
    }),
  ),
});
