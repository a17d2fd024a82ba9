import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../core/shared/errors.js';

/**
 * Reads a body whose content type does not say what it is: `curl --data '{...}'` sends JSON as a
 * form, Loopon's demo backend sends a form with no content type, `fetch` with a string body sends
 * text/plain. A body that starts with `{` is JSON, anything else a form.
 */
export function parseSniffedBody(text: string): Record<string, unknown> {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      const spaced = nbspAsSpace(trimmed);
      if (spaced !== trimmed) {
        try {
          return JSON.parse(spaced);
        } catch {}
      }
      throw new AppError('bad_request', 400, 'Request body is not valid JSON');
    }
  }
  return Object.fromEntries(new URLSearchParams(trimmed));
}

/**
 * The JSON text with every no-break space (U+00A0) between tokens made a plain space, those inside
 * strings kept; the text itself when it has none. Examples copied from the vendors' web pages
 * (the Loop document's Contact bodies) are indented with no-break spaces, which JSON does not
 * count as whitespace; a body that fails to parse is read again this way (docs/compat.md).
 */
export function nbspAsSpace(text: string): string {
  if (!text.includes('\u00a0')) return text;
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') {
        out += c + (text[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === '"') inString = false;
      out += c;
    } else {
      if (c === '"') inString = true;
      out += c === '\u00a0' ? ' ' : c;
    }
  }
  return out;
}

function sniffingParser(_request: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void): void {
  try {
    done(null, parseSniffedBody(String(body)));
  } catch (err) {
    done(err as Error, undefined);
  }
}

/**
 * Makes a face accept what its vendors' clients really send: form, text/plain, missing or unknown
 * content types are sniffed (parseSniffedBody); application/json stays Fastify's strict parser,
 * except that an empty JSON body is read as none.
 * Encapsulated: call it inside the face's plugin.
 */
export function acceptTolerantBodies(scope: FastifyInstance): void {
  // An empty JSON body is no body: clients that send a JSON content type on every request
  // (a DELETE keyed in the query string) must not get a 400 for it.
  const strictJson = scope.getDefaultJsonParser('error', 'error');
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    // Only a body that starts with whitespace can be blank: no copy of every body on the hot path.
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) return done(null, undefined);
    strictJson(request, text, (err, parsed) => {
      const spaced = err ? nbspAsSpace(text) : text;
      if (spaced === text) return done(err, parsed);
      strictJson(request, spaced, (again, reparsed) => (again ? done(err, undefined) : done(null, reparsed)));
    });
  });
  for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
    if (scope.hasContentTypeParser(type)) scope.removeContentTypeParser(type);
    scope.addContentTypeParser(type, { parseAs: 'string' }, sniffingParser);
  }
  // '*' also catches a POST with no Content-Type at all (Fastify runs the catch-all for it): that
  // and application/octet-stream are sniffed; any other type (XML, multipart...) is a 415.
  scope.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const type = request.headers['content-type']?.split(';')[0].trim().toLowerCase();
    if (type && type !== 'application/octet-stream') {
      return done(new AppError('unsupported_media_type', 415, `Unsupported Content-Type ${type}: send application/json`), undefined);
    }
    sniffingParser(request, body, done);
  });
}
