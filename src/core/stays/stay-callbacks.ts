import type { Db } from '../../db/database.js';

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
 * without a callback discards the client's previous one. Callbacks of other clients stay.
 */
export async function replaceStayCallback(db: Db, accountId: number, stayId: number, clientId: number, callback: StayCallback | null): Promise<void> {
  if (!callback) {
    await db.deleteFrom('stay_callbacks').where('account_id', '=', accountId).where('stay_id', '=', stayId).where('client_id', '=', clientId).execute();
    return;
  }
  const row = { url: callback.url, auth: callback.auth, auth_token: callback.auth === 'none' ? null : callback.authToken, created_at: Date.now() };
  await db
    .insertInto('stay_callbacks')
    .values({ account_id: accountId, stay_id: stayId, client_id: clientId, ...row })
    .onConflict((oc) => oc.columns(['account_id', 'stay_id', 'client_id']).doUpdateSet(row))
    .execute();
}

/** Every callback registered on a stay (one per API client), for the delivery of its events. */
export async function listStayCallbacks(db: Db, accountId: number, stayId: number): Promise<Array<StayCallback & { clientId: number }>> {
  const rows = await db
    .selectFrom('stay_callbacks')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('stay_id', '=', stayId)
    .orderBy('client_id')
    .execute();
  return rows.map((r) => ({ clientId: r.client_id, url: r.url, auth: r.auth as CallbackAuth, authToken: r.auth_token }));
}
