// Query parameters that carry secrets; their values never reach a log line.
const SECRET_PARAMS = /([?&](?:authToken|auth_token|access_token|token|client_secret|password)=)[^&#]*/gi;

/** The URL with secret query values replaced by [redacted]. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}
