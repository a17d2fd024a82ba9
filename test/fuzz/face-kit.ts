import { randomBytes } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { ensureDemoAccount } from '../../src/core/demo/seed-demo.js';
import type { TestApp } from '../helpers/app.js';
import type { AuthKind, FuzzRequest, RequestArbitraryOptions } from './request-arbitrary.js';
import type { NameHints } from './schema-arbitrary.js';

/* What every fuzzed face (faces.ts, fideltour-face.ts) is made of: its target shape and shared hints. */

export interface FaceTarget {
  name: string;
  t: TestApp;
  /** where the face serves its OpenAPI document */
  openapiUrl: string;
  /** the mount prefix the documented paths are below */
  prefix: string;
  arbitraryOptions: RequestArbitraryOptions;
  /**
   * the face's document with what it does not describe filled in from the product's own document
   * (the Loyalty face validates its bodies itself, Django REST framework style, and documents none)
   */
  completeDocument?(doc: any): any;
  /** the inject options of a generated request, with the credential of its kind */
  render(request: FuzzRequest): InjectOptions;
  /** issues a fresh valid credential (a generated request may revoke the current one) */
  renew(): Promise<void>;
  /** seeds again what successful deletes took away, so later requests still meet real rows */
  replenish(): Promise<void>;
  close(): Promise<void>;
}

// Mostly values the face accepts (to reach past validation), a few it must refuse.
export const DATES = ['2025-01-15', '2024-12-31', '2026-10-01', '2017-05-03', '2025-06-30', '2025-02-30', '15/01/2025', '2025-01-15T10:00:00Z'];
export const EMAILS = ['rs@abc.com', 'guest@example.com', 'anna.lind@example.se', 'noemail@hotel.test', 'RS@ABC.COM', 'not-an-email'];
export const PHONES = ['+16135550123', '613-555-0199', '5556135555', '+46701234567', '000'];

/** Hints shared by every face: dates, instants, contact details, languages. */
export function commonHints(name: string): unknown[] | undefined {
  const n = name.toLowerCase();
  if (/date$|min$|max$|^since$|^from$|^to$|^date$|^day$/.test(n)) return DATES;
  if (/time$|timestamp|^received$/.test(n)) return ['2025-01-15T10:00:00Z', '2026-12-01T08:00:00.000Z', 'Wed, 15 Jan 2025 10:00:00 GMT', 1736935200000, 'soon'];
  if (/email/.test(n)) return EMAILS;
  if (/mobile|sms|phone/.test(n)) return PHONES;
  if (/language/.test(n)) return ['en', 'sv', 'fr-CA', 'pt-BR', 'xx'];
  if (/country/.test(n)) return ['CA', 'SE', 'US', 'ZZ', 'c'];
  if (/timezone/.test(n)) return ['Europe/Stockholm', 'America/Toronto', 'Mars/Olympus', ''];
  if (/pagesize|limit/.test(n)) return ['10', '1', '0', '-1', '1000', '1.5', 10, 500, 501];
  if (/pageid|offset/.test(n)) return ['0', '1', 'abc', '-5', 0, 1_000_001];
  if (/url$/.test(n)) return ['https://callback.invalid/hook', 'http://127.0.0.1/x', 'ftp://x', 'not a url'];
  return undefined;
}

export function hintsFrom(table: Record<string, unknown[]>): NameHints {
  return (name) => {
    if (table[name]) return table[name];
    // `locationIds[]`: an item of a hinted array field takes the field's hints, flattened.
    const base = name.endsWith('[]') ? table[name.slice(0, -2)] : undefined;
    if (base) return base.flat();
    return commonHints(name.replace(/\[\]$/, ''));
  };
}

export async function ids(t: TestApp, table: string, limit = 6): Promise<number[]> {
  const rows = await t.database.db
    .selectFrom(table as any)
    .select('id' as any)
    .orderBy('id' as any)
    .limit(limit)
    .execute();
  return rows.map((r: any) => Number(r.id));
}

/**
 * The demo seeder again (it creates what is missing); undefined when the fuzz has changed the data
 * so that it cannot (a location's code taken by another), which only means fewer real rows.
 */
export async function reseed(t: TestApp) {
  try {
    return await ensureDemoAccount(t.database.db);
  } catch {
    return undefined;
  }
}

export function wrongToken(): string {
  return randomBytes(20).toString('hex');
}

/** The headers each kind of credential is sent with (`render` picks the request's). */
export type AuthHeaders = Record<AuthKind, () => Record<string, string>>;

/** For a face that takes `authorization: <scheme> <token>`; `token` is read per request (a face renews it). */
export function tokenAuthHeaders(scheme: string, otherScheme: string, token: () => string): AuthHeaders {
  return {
    valid: () => ({ authorization: `${scheme} ${token()}` }),
    wrong: () => ({ authorization: `${scheme} ${wrongToken()}` }),
    none: () => ({}),
    malformed: () => ({ authorization: `${otherScheme} ${token()}` }),
  };
}

/** For a face of OAuth clients (Loopon, Prio): the client's own headers, a wrong bearer token, or Basic credentials instead. */
export function clientAuthHeaders(headers: () => Record<string, string>): AuthHeaders {
  return {
    valid: headers,
    wrong: () => ({ authorization: `Bearer ${wrongToken()}` }),
    none: () => ({}),
    malformed: () => ({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }),
  };
}

export function withAuthQuery(pathAndQuery: string, value: string | undefined): string {
  if (value === undefined) return pathAndQuery;
  return `${pathAndQuery}${pathAndQuery.includes('?') ? '&' : '?'}${value}`;
}

export function injectOptions(prefix: string, request: FuzzRequest, url: string, authHeaders: Record<string, string>): InjectOptions {
  return {
    method: request.method,
    url: `${prefix}${url}`,
    remoteAddress: request.remoteAddress,
    headers: { ...request.headers, ...authHeaders },
    ...(request.payload === undefined ? {} : { payload: request.payload }),
  };
}
