import { provisionLoyaltyAccess } from '../../src/core/loyalty/provision.js';
import type { TestApp } from './app.js';

let users = 0;

/** A static Loyalty token and an API user for the account, and a caller of the Loyalty face. */
export async function loyaltyAccess(t: TestApp, accountId: number) {
  const access = await provisionLoyaltyAccess(t.database.db, accountId, `api-${process.pid}-${++users}-${accountId}`);
  const call = (method: string, url: string, payload?: unknown, token = access.token) =>
    t.app.inject({
      method: method as any,
      url: `/fideltour/api/v1${url}`,
      headers: { authorization: `Token ${token}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
  return { ...access, call };
}
