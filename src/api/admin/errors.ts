import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/shared/errors.js';
import { noSuchEndpoint, sendError, toAppError } from '../http/errors.js';

interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: Record<string, any>;
}

type ValidationError = FastifyError & { validation: AjvError[]; validationContext?: string };

/** Renders every admin error as {"error": {"code", "message"}}. */
export function adminErrorBody(err: AppError) {
  return { error: { code: err.code, message: err.message } };
}

/**
 * The admin API's error handler: schema violations get a message that names the field by its full
 * path (body.sections[0].questions[1].type), everything else goes through the shared toAppError.
 */
export function handleAdminError(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const fe = err as Partial<ValidationError>;
  // A path id that fails its schema names nothing: the shared toAppError answers 404 for it.
  const appError =
    Array.isArray(fe?.validation) && fe.validationContext !== 'params'
      ? new AppError('validation_failed', 400, validationMessage(fe as ValidationError))
      : toAppError(err, request);
  sendError(reply, appError, adminErrorBody(appError));
}

/** The 404 of an unknown admin path, in the admin error body. */
export function handleAdminNotFound(request: FastifyRequest, reply: FastifyReply): void {
  const err = new AppError('not_found', 404, noSuchEndpoint(request));
  sendError(reply, err, adminErrorBody(err));
}

function fieldPath(part: string, instancePath: string): string {
  const segments = instancePath.split('/').filter(Boolean);
  return segments.reduce((path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : `${path}.${s.replace(/~1/g, '/').replace(/~0/g, '~')}`), part);
}

function validationMessage(err: ValidationError): string {
  const part = err.validationContext ?? 'body';
  const errors = err.validation;
  // A union (string or map, value or null) fails with one error per branch and then an anyOf
  // error. A branch error other than "wrong type" means the value had that branch's type, so it
  // is the one to report; otherwise list the types the union accepts.
  const unionPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const specific = errors.find((e) => e.keyword !== 'anyOf' && !((e.keyword === 'type' || e.keyword === 'const') && unionPaths.has(e.instancePath)));
  if (!specific && unionPaths.size > 0) {
    const path = [...unionPaths].sort((a, b) => a.length - b.length)[0];
    const at = errors.filter((e) => e.instancePath === path);
    const consts = at.filter((e) => e.keyword === 'const').map((e) => JSON.stringify(e.params?.allowedValue));
    const types = [...new Set(at.filter((e) => e.keyword === 'type').map((e) => String(e.params?.type)))];
    const where = fieldPath(part, path);
    if (consts.length) return `${where} must be one of ${[...consts, ...types].join(', ')}`;
    return `${where} must be ${types.join(' or ') || 'valid'}`;
  }
  const first = specific ?? errors[0];
  if (!first) return err.message;
  const where = fieldPath(part, first.instancePath);
  switch (first.keyword) {
    case 'required':
      return `${where}: missing required field "${first.params?.missingProperty}"`;
    case 'additionalProperties':
      return `${where}: unknown field "${first.params?.additionalProperty}"`;
    case 'const':
      return `${where} must be ${JSON.stringify(first.params?.allowedValue)}`;
    default:
      return `${where} ${first.message ?? 'is not valid'}`;
  }
}
