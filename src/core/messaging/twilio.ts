import { Agent, request } from 'undici';

/*
 * SMS through Twilio's Messages API: a form-encoded POST of To, From (or MessagingServiceSid)
 * and Body to /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP Basic auth (the account
 * SID and auth token). The endpoint is the operator's own setting (TWILIO_BASE_URL), so it does
 * not go through the outbound address guard that webhooks of hotels do (outbound/http-client.ts):
 * a test or a lab may point it at a receiver on loopback.
 */

export interface SmsProviderSettings {
  accountSid: string;
  authToken: string;
  from: string;
  baseUrl: string;
}

export interface OutgoingSms {
  to: string;
  body: string;
  /** where Twilio posts the delivery status (PUBLIC_URL/hooks/twilio/status) */
  statusCallback?: string;
}

export interface SmsSender {
  /** Sends one SMS; resolves with the provider's id of it (Twilio's MessageSid) and its first status. */
  send(sms: OutgoingSms): Promise<{ providerId: string; status: string | null }>;
  close(): Promise<void>;
}

/** A refusal of the provider: its HTTP status and, when it said one, Twilio's error code. */
export class SmsRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: number | null,
    message: string,
  ) {
    super(message);
  }
}

/*
 * Twilio's error codes that say the number itself cannot get SMS from us: not a valid number
 * (21211, 21214, 21217, 21401, 21421), not a mobile (21614), a region we may not send to
 * (21408, 21612), the number unsubscribed with STOP at Twilio (21610).
 */
const NUMBER_REFUSED = new Set([21211, 21214, 21217, 21401, 21407, 21408, 21421, 21610, 21612, 21614]);

/**
 * What a refusal means for the message: `number` (fail it and suppress the number for SMS),
 * `message` (fail this message only: a 400 about something else, e.g. the body), or `retry`
 * (a 401/403/404/429 is a setting or a limit that may change, a 5xx or no answer a passing fault).
 */
export function classifySmsFailure(err: unknown): 'number' | 'message' | 'retry' {
  if (!(err instanceof SmsRefused)) return 'retry';
  if (err.code !== null && NUMBER_REFUSED.has(err.code)) return 'number';
  if (err.status === 400 || err.status === 422) return 'message';
  return 'retry';
}

const TIMEOUT_MS = 15_000;

/** The Twilio sender of `settings`; one keep-alive connection pool per process, closed by close(). */
export function createTwilioSender(settings: SmsProviderSettings, opts: { timeoutMs?: number } = {}): SmsSender {
  const timeoutMs = opts.timeoutMs ?? TIMEOUT_MS;
  const agent = new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect: { timeout: timeoutMs } });
  const url = `${settings.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`;
  return {
    async send(sms) {
      const form = new URLSearchParams({ To: sms.to, Body: sms.body });
      if (settings.from.startsWith('MG')) form.set('MessagingServiceSid', settings.from);
      else form.set('From', settings.from);
      if (sms.statusCallback) form.set('StatusCallback', sms.statusCallback);
      const response = await request(url, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        dispatcher: agent,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = (await response.body.text()).slice(0, 4096);
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // Not JSON (a proxy's error page): the status says enough.
      }
      if (response.statusCode >= 200 && response.statusCode < 300) {
        if (typeof json.sid !== 'string') throw new SmsRefused(response.statusCode, null, `Twilio answered ${response.statusCode} without a message sid`);
        return { providerId: json.sid, status: typeof json.status === 'string' ? json.status : null };
      }
      const code = typeof json.code === 'number' ? json.code : null;
      const said = typeof json.message === 'string' ? json.message : text.slice(0, 200);
      throw new SmsRefused(response.statusCode, code, `Twilio refused the SMS: ${response.statusCode}${code ? ` (error ${code})` : ''} ${said}`.trim());
    },
    close: () => agent.close(),
  };
}
