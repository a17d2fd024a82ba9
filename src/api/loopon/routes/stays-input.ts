import { badRequest } from '../../../core/shared/errors.js';
import { checkCallbackUrl, type CallbackUrlProblem } from '../../../core/shared/callback-url.js';
import { isCalendarDate } from '../../../core/stays/calendar-date.js';
import type { StayRegistration } from '../../../core/stays/register-stay.js';
import { CALLBACK_AUTH, type CallbackAuth, type StayCallback } from '../../../core/stays/stay-callbacks.js';
import type { StayStatus } from '../../../core/stays/stays.js';

/* Reads a Register Guest Stay body: empty strings and nulls are "not sent"; formats are strict. */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LANGUAGE = /^([a-zA-Z]{2})(?:[-_][a-zA-Z0-9]{1,8})*$/;

export function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
}

/** A phone number in international format: separators dropped, an optional + and 6-15 digits. */
function readMobile(value: unknown): string | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  const compact = raw.replace(/[\s\-().]/g, '');
  if (!/^\+?\d{6,15}$/.test(compact)) throw badRequest('mobile must be a phone number in international format, e.g. +46730442480');
  return compact;
}

function readDate(body: Record<string, unknown>, field: string): string | undefined {
  const value = text(body[field]);
  if (value !== undefined && !isCalendarDate(value)) throw badRequest(`${field} must be a date written YYYY-MM-DD (got "${value}")`);
  return value;
}

export function readStayRegistration(body: Record<string, unknown>): StayRegistration {
  const email = text(body.email)?.toLowerCase();
  if (email !== undefined && !EMAIL.test(email)) throw badRequest('email is not a valid e-mail address');
  const languageText = text(body.language);
  const language = languageText === undefined ? undefined : LANGUAGE.exec(languageText)?.[1].toLowerCase();
  if (languageText !== undefined && !language) throw badRequest('language must be an ISO 639-1 code such as en or sv');
  const reg: StayRegistration = {
    status: body.status as StayStatus,
    name: text(body.name),
    email,
    mobile: readMobile(body.mobile),
    language,
    bookingReference: text(body.bookingReference),
    bookingDate: readDate(body, 'bookingDate'),
    checkinDate: readDate(body, 'checkinDate'),
    checkoutDate: readDate(body, 'checkoutDate'),
    room: text(body.room),
  };
  for (const field of [
    'bookingChannel',
    'marketSegment',
    'ratePlan',
    'loyaltyProgram',
    'loyaltyId',
    'loyaltyLevel',
    'roomCategory',
    'roomCategoryName',
  ] as const) {
    reg[field] = text(body[field]);
  }
  if (reg.checkinDate && reg.checkoutDate && reg.checkoutDate < reg.checkinDate) throw badRequest('checkoutDate is before checkinDate');
  return reg;
}

/** What this face answers for each callback URL core refuses. */
const CALLBACK_URL_MESSAGES: Record<CallbackUrlProblem, string> = {
  not_a_url: 'stayCallback.url must be an absolute http or https URL',
  not_http: 'stayCallback.url must use http or https',
  has_credentials: 'stayCallback.url must not contain credentials; use auth and authToken',
  private_network: 'stayCallback.url points to a private or local network address',
};

/** The stayCallback of a body: null when none was sent (which discards the client's previous one). */
export function readStayCallback(value: unknown, allowPrivate: boolean): StayCallback | null {
  if (value === undefined || value === null) return null;
  const body = value as Record<string, unknown>;
  const auth = (text(body.auth)?.toLowerCase() ?? 'none') as CallbackAuth;
  if (!CALLBACK_AUTH.includes(auth)) throw badRequest('stayCallback.auth must be none, basic or bearer');
  const authToken = text(body.authToken) ?? null;
  if (auth !== 'none' && !authToken) throw badRequest(`stayCallback.authToken is required with auth ${auth}`);
  const checked = checkCallbackUrl(String(body.url ?? ''), { allowPrivate });
  if ('problem' in checked) throw badRequest(CALLBACK_URL_MESSAGES[checked.problem]);
  return { url: checked.url, auth, authToken: auth === 'none' ? null : authToken };
}
