/**
 * The one error type of Openstay. Core throws it; each face's error handler renders it in the
 * product's own error body. `code` is a stable machine id, `status` the HTTP status.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) => new AppError('bad_request', 400, message, details);
export const unauthorized = (message = 'Authentication required') => new AppError('unauthorized', 401, message);
export const forbidden = (message = 'Forbidden') => new AppError('forbidden', 403, message);
export const notFound = (what: string) => new AppError('not_found', 404, `${what} not found`);
export const conflict = (message: string) => new AppError('conflict', 409, message);

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
