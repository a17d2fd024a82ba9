import type { FastifyRequest } from 'fastify';
import { findEmployee } from '../../core/accounts/employees.js';
import { badRequest, forbidden } from '../../core/shared/errors.js';
import type { Db } from '../../db/database.js';

/**
 * The staff member an inbox call is made for: whose read state it reads and writes, whose "me"
 * it means, who writes a note. A staff session's own member is the viewer, and naming another is
 * refused. The account's admin token is nobody: it may name an employee (`staffId`, a wall screen
 * showing one person's inbox, an integration acting for someone), else it sees and moves the
 * account-wide read state (a request's `viewed`, the chat's `read`).
 */
export async function inboxViewer(db: Db, request: FastifyRequest, asked: number | undefined): Promise<number | null> {
  if (request.staff) {
    if (asked !== undefined && asked !== request.staff.id)
      throw forbidden('A staff member reads and writes the inbox as themselves (staffId must be yours or left out)');
    return request.staff.id;
  }
  if (asked === undefined) return null;
  if (!(await findEmployee(db, request.accountId, asked))) throw badRequest(`staffId ${asked} is not an employee of the account`);
  return asked;
}
