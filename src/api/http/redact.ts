// Query parameters that carry secrets (page-link signatures too); their values never reach a log line.
const SECRET_PARAMS = new Set(['authtoken', 'auth_token', 'access_token', 'token', 'client_secret', 'password', 'sig']);

/** True when a query parameter's name, however it is escaped or cased, names a secret. */
function isSecretName(raw: string): boolean {
  let name = raw.replace(/\+/g, ' ');
  try {
    name = decodeURIComponent(name);
  } catch {
    // a malformed escape: compare the raw name
  }
  return SECRET_PARAMS.has(name.trim().toLowerCase());
}

/** The URL with secret query values replaced by [redacted]. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const end = hash < 0 ? url.length : hash;
  const query = url
    .slice(q + 1, end)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return eq >= 0 && isSecretName(name) ? `${name}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, q + 1)}${query}${url.slice(end)}`;
}
