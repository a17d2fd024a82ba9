import { badRequest } from '../shared/errors.js';

/**
 * An external key as the admin API and the CLI write it, `<source>:<value>` (loop:F-1234), split
 * at the first colon, since values may hold colons themselves (loopon:stay:12). Both parts must be
 * non-empty; anything else is a 400 that shows the form.
 */
export function parseGuestKey(text: string, field = 'key'): { source: string; value: string } {
  const at = text.indexOf(':');
  const source = at < 0 ? '' : text.slice(0, at).trim();
  const value = at < 0 ? '' : text.slice(at + 1);
  if (!source || !value.trim()) throw badRequest(`${field} must be written <source>:<value>, e.g. loop:F-1234 (got "${text}")`);
  if (source.length > 100 || value.length > 255) throw badRequest(`${field}: a source has at most 100 characters and a value at most 255`);
  return { source, value };
}
