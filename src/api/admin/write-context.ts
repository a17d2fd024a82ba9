import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/database.js';
import { ADMIN_TOKEN_ACTOR, inTransaction, type WriteContext } from '../../core/shared/write-context.js';
import { requestOrigin } from '../http/write-origin.js';

/**
 * The write context of an admin API request in `trx`: its account, its actor (the staff member of
 * a session, `staff:<id>`, or the admin token) and the request id.
 */
export function adminWrite(request: FastifyRequest, trx: Db): WriteContext {
  return inTransaction(requestOrigin(request, request.accountId, request.actor ?? ADMIN_TOKEN_ACTOR), trx);
}
