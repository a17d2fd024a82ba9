import type { TestApp } from './app.js';

/** Calls the admin API of a test app with an account's admin token. */
export function adminCall(t: () => TestApp) {
  return (token: string, method: string, url: string, payload?: unknown) =>
    t().app.inject({
      method: method as any,
      url: `/admin/v1${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as any }),
    });
}
