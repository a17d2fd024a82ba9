import type { FastifyRequest } from 'fastify';
import type { Actor, WriteOrigin } from '../../core/shared/write-context.js';

/**
 * The origin of the writes a request makes (core/shared/write-context.ts): the account its
 * credentials belong to, the actor they name (each face says which) and Fastify's request id, so
 * a domain event can be traced back to the request in the logs.
 */
export function requestOrigin(request: FastifyRequest, accountId: number, actor: Actor): WriteOrigin {
  return { accountId, actor, requestId: request.id };
}
