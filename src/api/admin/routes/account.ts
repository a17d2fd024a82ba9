import { accountSettings, getAccount } from '../../../core/accounts/accounts.js';
import { updateSettingsAndRules } from '../../../core/journeys/default-rules.js';
import { renameAccount } from '../../../core/accounts/rename-account.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { presentAccount } from '../presenters.js';
import { AccountPatch, AccountSchema, errors } from '../schemas.js';
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
        const account = await getAccount(trx, accountId);
        return presentAccount(account, accountSettings(account));
      });
    },
  );
}
