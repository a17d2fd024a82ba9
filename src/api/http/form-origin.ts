import type { FastifyRequest } from 'fastify';

/**
 * Whether a form POST may come from our own page: a browser's Sec-Fetch-Site naming another site,
 * or an Origin of another site, is refused. (Guest pages send no referrer, which makes browsers
 * send `Origin: null` even from the page itself, so null passes; the form's token is what a forged
 * form cannot carry.)
 */
export function sameOriginForm(request: FastifyRequest, publicUrl: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  return origin === undefined || origin === 'null' || origin === new URL(publicUrl).origin;
}

/** A form body (application/x-www-form-urlencoded) as fields, a repeated field as a list. */
export function parseFormBody(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const had = out[key];
    out[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return out;
}
