import type { Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/errors.js';
import { conflict } from '../shared/errors.js';
import { hashToken, randomToken } from '../shared/tokens.js';
import { hashPassword, passwordMatches } from './passwords.js';

/*
 * API users of the Loyalty face: `POST /login/ {username, password}` answers a token that an
 * integration sends as `Authorization: Token <token>`. A token dies after 24 h without use. The
 * username is unique across accounts, since the login names no account.
 */

export const SESSION_IDLE_MS = 24 * 60 * 60 * 1000;
/** last_used_at is written at most this often per token: a read per request, not a write */
const TOUCH_EVERY_MS = 60 * 1000;

export interface ApiUser {
  id: number;
  accountId: number;
  username: string;
}

/** Creates an API user of the account; a username already taken (in any account) is a 409. */
export async function createApiUser(db: Db, accountId: number, username: string, password: string, now = Date.now()): Promise<ApiUser> {
  const passwordHash = await hashPassword(password);
  try {
    const row = await db
      .insertInto('loyalty_api_users')
      .values({ account_id: accountId, username, password_hash: passwordHash, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, accountId, username };
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`the username ${username} is taken`);
    throw err;
  }
}

/** Finds an API user by name (for the demo, which keeps its user across runs). */
export async function findApiUser(db: Db, username: string): Promise<ApiUser | undefined> {
  const row = await db.selectFrom('loyalty_api_users').select(['id', 'account_id', 'username']).where('username', '=', username).executeTakeFirst();
  return row && { id: row.id, accountId: row.account_id, username: row.username };
}

/** Sets an API user's password (the demo prints a fresh one on each run). */
export async function setApiUserPassword(db: Db, userId: number, password: string): Promise<void> {
  await db
    .updateTable('loyalty_api_users')
    .set({ password_hash: await hashPassword(password) })
    .where('id', '=', userId)
    .execute();
}

/** A new token for the user whose username and password these are, or undefined. */
export async function loginApiUser(db: Db, username: string, password: string, now = Date.now()): Promise<{ token: string; user: ApiUser } | undefined> {
  const row = await db.selectFrom('loyalty_api_users').selectAll().where('username', '=', username).executeTakeFirst();
  if (!(await passwordMatches(row?.password_hash, password)) || !row) return undefined;
  const token = randomToken(40);
  await db
    .insertInto('loyalty_api_sessions')
    .values({ account_id: row.account_id, user_id: row.id, token_hash: hashToken(token), created_at: now, last_used_at: now })
    .execute();
  return { token, user: { id: row.id, accountId: row.account_id, username: row.username } };
}

/**
 * The account and user of a live login token, or undefined (unknown, or unused for 24 h: then it
 * is deleted). Using a token keeps it alive.
 */
export async function sessionForToken(db: Db, token: string, now = Date.now()): Promise<{ accountId: number; userId: number } | undefined> {
  const tokenHash = hashToken(token);
  const row = await db
    .selectFrom('loyalty_api_sessions')
    .select(['id', 'account_id', 'user_id', 'last_used_at'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.last_used_at + SESSION_IDLE_MS <= now) {
    await db.deleteFrom('loyalty_api_sessions').where('id', '=', row.id).execute();
    return undefined;
  }
  if (now - row.last_used_at >= TOUCH_EVERY_MS) {
    await db.updateTable('loyalty_api_sessions').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return { accountId: row.account_id, userId: row.user_id };
}

/** Deletes the login tokens unused for 24 h (housekeeping of the job worker's sweep). */
export async function sweepLoyaltySessions(db: Db, now = Date.now()): Promise<number> {
  const result = await db
    .deleteFrom('loyalty_api_sessions')
    .where('last_used_at', '<=', now - SESSION_IDLE_MS)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
