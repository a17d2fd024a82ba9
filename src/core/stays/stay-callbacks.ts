import type { Db } from '../../db/database.js';
import type { SecretBox } from '../shared/secret-box.js';

export const CALLBACK_AUTH = ['none', 'basic', 'bearer'] as const;
export type CallbackAuth = (typeof CALLBACK_AUTH)[number];

export interface StayCallback {
  url: string;
  auth: CallbackAuth;
  /** sent as `Authorization: Basic|Bearer <authToken>`; null for auth none */
  authToken: string | null;
}

/**
 * Sets the one callback an API client has on a stay, or with null removes it: a registration
 * without a callback discards the client's previous one. Callbacks of other clients stay. The
 * token must be sent later, so it is stored sealed with the server's key, never in plain text.
 */
export async function replaceStayCallback(
  db: Db,
  secrets: SecretBox,
  accountId: number,
  stayId: number,
  clientId: number,
  callback: StayCallback | null,
): Promise<void> {
  if (!callback) {
    await db.deleteFrom('stay_callbacks').where('account_id', '=', accountId).where('stay_id', '=', stayId).where('client_id', '=', clientId).execute();
    return;
  }
  const sealed = callback.auth === 'none' || callback.authToken === null ? null : secrets.seal(callback.authToken);
  const row = { url: callback.url, auth: callback.auth, auth_token: null, auth_token_sealed: sealed, created_at: Date.now() };
  await db
    .insertInto('stay_callbacks')
    .values({ account_id: accountId, stay_id: stayId, client_id: clientId, ...row })
    .onConflict((oc) => oc.columns(['account_id', 'stay_id', 'client_id']).doUpdateSet(row))
    .execute();
}

/** A stay callback as delivered: `tokenUnreadable` when its sealed token opens with no key we hold. */
export type StoredStayCallback = StayCallback & { clientId: number; tokenUnreadable?: true };

/**
 * Every callback registered on a stay (one per API client), for the delivery of its events, with
 * its token opened. A token no key opens (SECRET_KEY changed without SECRET_KEY_PREVIOUS) is
 * reported by the box once and comes back null with tokenUnreadable: never sent unauthenticated.
 */
export async function listStayCallbacks(db: Db, secrets: SecretBox, accountId: number, stayId: number): Promise<StoredStayCallback[]> {
  const rows = await db
    .selectFrom('stay_callbacks')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('stay_id', '=', stayId)
    .orderBy('client_id')
    .execute();
  return rows.map((r) => {
    const base = { clientId: r.client_id, url: r.url, auth: r.auth as CallbackAuth };
    if (r.auth_token_sealed === null) return { ...base, authToken: r.auth_token };
    const authToken = secrets.open(r.auth_token_sealed);
    return authToken === undefined ? { ...base, authToken: null, tokenUnreadable: true as const } : { ...base, authToken };
  });
}

/**
 * Seals the tokens stored in plain text before tokens were encrypted (migration
 * 2026-12-03T02-00) and clears them; run by the server and the CLI after migrating, since only
 * they hold the key. Each row is updated only if its plaintext is still the one read, so two
 * instances starting together (or a registration meanwhile) cannot overwrite each other.
 * Returns how many tokens it sealed.
 */
export async function sealPlaintextCallbackTokens(db: Db, secrets: SecretBox): Promise<number> {
  let sealed = 0;
  for (;;) {
    const rows = await db
      .selectFrom('stay_callbacks')
      .select(['account_id', 'stay_id', 'client_id', 'auth_token'])
      .where('auth_token', 'is not', null)
      .limit(500)
      .execute();
    if (rows.length === 0) return sealed;
    for (const r of rows) {
      const result = await db
        .updateTable('stay_callbacks')
        .set({ auth_token_sealed: secrets.seal(r.auth_token!), auth_token: null })
        .where('account_id', '=', r.account_id)
        .where('stay_id', '=', r.stay_id)
        .where('client_id', '=', r.client_id)
        .where('auth_token', '=', r.auth_token)
        .executeTakeFirst();
      sealed += Number(result.numUpdatedRows);
    }
  }
}

/** An API client's stay callback, by its address (its token stays sealed in the table). */
export interface StayCallbackTarget {
  clientId: number;
  url: string;
}

/**
 * Where a stay's events go, without opening any token (the outbox records one delivery per
 * callback in the transaction of the event; the token is opened when it is sent).
 */
export async function stayCallbackTargets(db: Db, accountId: number, stayId: number): Promise<StayCallbackTarget[]> {
  const rows = await db
    .selectFrom('stay_callbacks')
    .select(['client_id', 'url'])
    .where('account_id', '=', accountId)
    .where('stay_id', '=', stayId)
    .orderBy('client_id')
    .execute();
  return rows.map((r) => ({ clientId: r.client_id, url: r.url }));
}
