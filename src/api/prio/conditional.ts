/*
 * If-Modified-Since and Last-Modified for the contact list. Last-Modified names the second of the
 * newest change of the account's contacts (a write, a merge or a deletion); a request whose
 * If-Modified-Since is that second or later gets a 304. HTTP dates count whole seconds: a change
 * made later within the very second a list was answered carries the same second, so it shows at
 * the next change after it (docs/compat.md).
 */

/** The second (epoch seconds) an If-Modified-Since header names; undefined when absent or not a date (then it is ignored, RFC 9110 13.1.3). */
export function ifModifiedSince(header: string | string[] | undefined): number | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** The second to name in Last-Modified for data last changed at `changedMs`. */
export function lastModifiedSecond(changedMs: number): number {
  return Math.floor(changedMs / 1000);
}

export function httpDate(second: number): string {
  return new Date(Math.max(0, second) * 1000).toUTCString();
}
