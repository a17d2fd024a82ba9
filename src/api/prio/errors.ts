import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/shared/errors.js';
import { noSuchEndpoint, sendError, toAppError } from '../http/errors.js';

/*
 * The Contacts API's error body (the excerpt's ErrorModel): `error` a stable upper-case code,
 * `error_reference` the request id to quote to support, `error_message` what went wrong.
 */

export interface ErrorBody {
  error: string;
  error_reference: string;
  error_message: string;
  error_description?: string;
}

const CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'TOO_MANY_REQUESTS',
};

/** The ErrorModel body of an error. */
export function errorBody(err: AppError, requestId: string): ErrorBody {
  const error = CODES[err.status] ?? (err.status >= 500 ? 'INTERNAL_SERVER_ERROR' : err.code.toUpperCase());
  return { error, error_reference: requestId, error_message: err.message };
}

/** The face's error handler: everything thrown is answered with an ErrorModel body. */
export function prioErrorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const appError = toAppError(err, request);
  sendError(reply, appError, errorBody(appError, request.id));
}

/** A path no route of the face serves. */
export function prioNotFound(request: FastifyRequest, reply: FastifyReply): void {
  const error = new AppError('not_found', 404, noSuchEndpoint(request));
  sendError(reply, error, errorBody(error, request.id));
}
