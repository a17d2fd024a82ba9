import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/database.js';
import { apiTokenActor, inTransaction, type WriteContext, type WriteOrigin } from '../../core/shared/write-context.js';
import { requestOrigin } from '../http/write-origin.js';

/*
 * Who writes through the Loop v1 API: the account's Loop authToken (an account credential, not a
 * client of its own), with Fastify's request id.
 */
const LOOP_ACTOR = apiTokenActor('loop');

export function loopOrigin(request: FastifyRequest): WriteOrigin {
  return requestOrigin(request, request.accountId, LOOP_ACTOR);
}

/** The write context of a Loop v1 request in `trx`. */
export function loopWrite(request: FastifyRequest, trx: Db): WriteContext {
  return inTransaction(loopOrigin(request), trx);
}
