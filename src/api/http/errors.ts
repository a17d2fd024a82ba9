import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../core/shared/errors.js';
import { redactUrl } from './redact.js';

/**
 * Turns anything thrown in a route into an AppError: our own errors pass through, Fastify's
 * client errors (validation, malformed JSON, body too large) keep their 4xx status with a clear
 * message, and everything else becomes an opaque 500 that is logged with the request id.
 */
export function toAppError(err: unknown, request: FastifyRequest): AppError {
  if (isAppError(err)) return err;
  const fe = err as FastifyError & { validation?: unknown[]; validationContext?: string };
  if (fe && Array.isArray(fe.validation)) {
    if (fe.validationContext === 'params') return unknownPathId(request);
    return new AppError('validation_failed', 400, validationMessage(fe));
  }
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.statusCode === 413 ? 'payload_too_large' : fe.statusCode === 415 ? 'unsupported_media_type' : 'bad_request';
    return new AppError(code, fe.statusCode, clientMessage(fe));
  }
  request.log.error({ err }, 'unhandled error');
  return new AppError('internal_error', 500, `Internal server error (request ${request.id})`);
}

/**
 * A path whose id is not one the face issued (a word, "0xd0", "+210", "000212", out of range) names
 * nothing: a 404 like any unknown id, never a 400 that tells a malformed id from a missing one, and
 * never a coerced id reaching a row.
 */
export function unknownPathId(request: FastifyRequest): AppError {
  return new AppError('not_found', 404, `No such resource: ${request.method} ${redactUrl(request.url.split('?')[0])}`);
}

function validationMessage(err: FastifyError & { validation?: any[]; validationContext?: string }): string {
  const first = err.validation?.[0];
  if (!first) return err.message;
  const where = (first.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
  const part = err.validationContext ?? 'body';
  if (first.keyword === 'required') return `${part}: missing required field "${first.params?.missingProperty}"`;
  if (first.keyword === 'additionalProperties') return `${part}: unknown field "${first.params?.additionalProperty}"`;
  return `${part}${where ? `.${where}` : ''} ${first.message}`;
}

function clientMessage(err: FastifyError): string {
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) return 'Request body is not valid JSON';
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'Request body is too large';
  if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'Request body is empty but Content-Type is application/json';
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'Unsupported Content-Type';
  return err.message;
}

/** Sends `body` with the error's status; used by each face's error handler. A 429 says when to retry. */
export function sendError(reply: FastifyReply, err: AppError, body: unknown): void {
  if (err.status === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', 'Bearer');
  const retryAfter = err.status === 429 ? err.details?.retryAfterSeconds : undefined;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  void reply.status(err.status).send(body);
}

/** The message of a 404 for a path no route serves; a secret pasted into the path is not echoed. */
export function noSuchEndpoint(request: FastifyRequest): string {
  return `No such endpoint: ${request.method} ${redactUrl(request.url.split('?')[0])}`;
}
