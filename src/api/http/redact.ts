import { type SerializedError, stdSerializers } from 'pino';

/*
 * Secrets in URLs never reach a log line, however the client wrote the URL: the value of a
 * secret-named parameter (Loop's authToken, OAuth values, page-link signatures and the guest id
 * they sign) in the query or, by mistake, in the path (`/locations&authToken=`), after `;`, with
 * `[]`, or with the name or the `=` %-escaped; and the path segments that are credentials
 * themselves (SECRET_PATHS). The logged URL is the decoded one.
 */

/** Parameter names whose value is a secret, matched at the end of the name (`x_auth_token`, `client_secret`). */
const SECRET_NAMES = [
  'auth_?token',
  'access_?token',
  'refresh_?token',
  'id_?token',
  'token',
  'secret',
  'password',
  'passwd',
  'api_?key',
  'signature',
  'sig',
  '_uid',
  'ticket',
];

/** A value ends at a parameter separator, a fragment, white space, a quote or an angle bracket. */
const VALUE = `[^&;#\\s"'<>]*`;

const SECRET_VALUE = new RegExp(`(${SECRET_NAMES.join('|')})(\\s*(?:\\[\\])?\\s*=)${VALUE}`, 'gi');

/**
 * Routes whose path carries a credential, as paths below their face's prefix with `*` for the
 * secret segment: the Loopon stay page is /loopon/stay/<link token>. Matched wherever the pattern
 * appears in a path (so with the prefix or without it, as on a FACE_HOSTS host) and in any case
 * (the router ignores case). A new path-token route adds its pattern here.
 */
export const SECRET_PATHS: readonly string[] = ['/stay/*', '/chat/public/{lang}/*', '/chat/{lang}/*', '/portal/reset/*'];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each pattern as a RegExp whose groups are the text around the secret segment. */
const SECRET_PATH_PATTERNS = SECRET_PATHS.map((pattern) => {
  const [before, after = ''] = pattern.split('*');
  // Repeated slashes reach the same route; so does a trailing part after the secret.
  // `{name}` is any one segment, kept as it is (the chat socket's language).
  const slashes = (s: string) =>
    escapeRegExp(s)
      .replace(/\//g, '/+')
      .replace(/\\\{[a-z]+\\\}/g, '[^/?#\\s"\'<>]+');
  return new RegExp(`(${slashes(before)})[^/?#\\s"'<>]+(${slashes(after)})`, 'gi');
});

/** `url` %-decoded (byte by byte where it is not valid UTF-8), for reading secrets out of it. */
function decoded(url: string): string {
  try {
    return decodeURIComponent(url.replace(/\+/g, ' '));
  } catch {
    return url.replace(/\+/g, ' ').replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

/** `text` with every secret parameter value and every secret path segment replaced by [redacted]. */
function redactSecrets(text: string): string {
  let out = text.replace(SECRET_VALUE, '$1$2[redacted]');
  for (const pattern of SECRET_PATH_PATTERNS) out = out.replace(pattern, '$1[redacted]$2');
  return out;
}

/** The URL, decoded, with the value of every secret-named parameter and every secret path segment replaced by [redacted]. */
export function redactUrl(url: string): string {
  return redactSecrets(decoded(url));
}

/**
 * Free text that may quote a URL (a log message, an error's message or stack): the same secrets
 * redacted, in the text as written and, where it has %-escapes, as decoded.
 */
export function redactText(text: string): string {
  return redactSecrets(text.includes('%') ? decodedEscapes(text) : text);
}

/** Only the %-escapes decoded (a `+` in prose stays a `+`). */
function decodedEscapes(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

/** pino's error serializer, with every string it keeps (message, stack, a `url` of the error...) redacted. */
export function redactedError(err: Error): SerializedError {
  const out: SerializedError = { ...stdSerializers.err(err) };
  for (const [key, value] of Object.entries(out)) if (typeof value === 'string') out[key] = redactText(value);
  return out;
}

/** pino's logMethod hook: the string arguments of a log call (its message, its format values) redacted. */
export function redactLogArguments(this: unknown, args: unknown[], method: (...args: unknown[]) => void): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg === 'string') args[i] = redactText(arg);
  }
  method.apply(this, args);
}
