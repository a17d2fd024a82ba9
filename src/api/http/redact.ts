/*
 * Secrets in URLs (Loop's authToken, OAuth values, page-link signatures) never reach a log line,
 * however the client wrote the URL: in the query or, by mistake, in the path (`/locations&authToken=`),
 * after `;`, with `[]`, or with the name or the `=` %-escaped. The logged URL is the decoded one.
 */
const SECRET_VALUE = /(auth_?token|access_?token|token|client_?secret|password|sig)(\s*(?:\[\])?\s*=)[^&;#\s]*/gi;

/** `url` %-decoded (byte by byte where it is not valid UTF-8), for reading secrets out of it. */
function decoded(url: string): string {
  try {
    return decodeURIComponent(url.replace(/\+/g, ' '));
  } catch {
    return url.replace(/\+/g, ' ').replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

/** The URL, decoded, with the value of every secret-named parameter replaced by [redacted]. */
export function redactUrl(url: string): string {
  return decoded(url).replace(SECRET_VALUE, '$1$2[redacted]');
}
