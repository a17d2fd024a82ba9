import type { Db } from '../../db/database.js';
import type { Account } from '../../db/schema.js';
import { badRequest } from '../shared/errors.js';
import { getAccount } from './accounts.js';

/** Changes an account's display name (the slug stays, since URLs and the CLI use it). */
export async function renameAccount(db: Db, accountId: number, name: string): Promise<Account> {
  const trimmed = name.trim();
  if (!trimmed) throw badRequest('name cannot be empty');
  await db.updateTable('accounts').set({ name: trimmed }).where('id', '=', accountId).execute();
  return getAccount(db, accountId);
}
